import { defineQuery } from '@speech/query';
import { runService } from '@speech/runtime';

runService('query', ({ infra, access }) => defineQuery(infra, access()));

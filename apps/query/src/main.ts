import { defineQuery } from '@speech/query';
import { runService } from '@speech/runtime';

// Replicas share the read model; each tells its own live clients through the bus.
runService('query', ({ infra, access }) => defineQuery(infra, access(), 'bus'));

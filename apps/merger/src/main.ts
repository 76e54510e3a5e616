import { defineMerger } from '@speech/merger';
import { runService } from '@speech/runtime';

runService('merger', ({ infra, cfg }) => defineMerger(infra, cfg));

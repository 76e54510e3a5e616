import { defineChunker } from '@speech/chunker';
import { runService } from '@speech/runtime';

runService('chunker', ({ infra, cfg }) => defineChunker(infra, cfg));

import { defineAnalyzer } from '@speech/analyzer';
import { createAnalyst } from '@speech/llm-analyst';
import { runService } from '@speech/runtime';

runService('analyzer', ({ infra, cfg, log }) => defineAnalyzer(infra, createAnalyst(cfg, { logger: log }), cfg));

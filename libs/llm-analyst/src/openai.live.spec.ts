/**
 * Live smoke tests of the LLM analyst against the real OpenAI and Azure OpenAI APIs. They run
 * only with credentials in the environment and are skipped otherwise (with a note on stderr):
 *   OPENAI_API_KEY [OPENAI_BASE_URL] [LLM_MODEL]                                  → openai
 *   AZURE_OPENAI_API_KEY AZURE_OPENAI_ENDPOINT AZURE_OPENAI_DEPLOYMENT [AZURE_OPENAI_API_VERSION] → azure-openai
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AnalysisResultSchema, computeMetrics, normalizeForEvidence } from '@speech/analysis';
import { transcriptFromDialogue } from '@speech/analysis/testing';
import { analystProviderEnvSchema, createAnalyst } from './analyst-provider';

const env = process.env;
const targets = [
  { provider: 'openai', ready: Boolean(env['OPENAI_API_KEY']), needs: 'OPENAI_API_KEY' },
  {
    provider: 'azure-openai',
    ready: Boolean(env['AZURE_OPENAI_API_KEY'] && env['AZURE_OPENAI_ENDPOINT'] && env['AZURE_OPENAI_DEPLOYMENT']),
    needs: 'AZURE_OPENAI_API_KEY, AZURE_OPENAI_ENDPOINT and AZURE_OPENAI_DEPLOYMENT',
  },
] as const;

const dialogue = readFileSync(join(__dirname, '../../../test/fixtures/sales-discovery.txt'), 'utf8');

for (const target of targets) {
  if (!target.ready)
    process.stderr.write(`[live] ${target.provider} analysis smoke test skipped: set ${target.needs} to run it\n`);
  (target.ready ? describe : describe.skip)(`live ${target.provider} analysis`, () => {
    it('analyses the sample sales call with verified evidence and provenance', async () => {
      const t = transcriptFromDialogue(dialogue, { audioId: 'live' });
      const analyst = createAnalyst(analystProviderEnvSchema.parse({ ...env, LLM_PROVIDER: target.provider }));
      const r = await analyst.analyze(t, { competitors: ['Stormvault'] });

      expect(AnalysisResultSchema.safeParse(r).success).toBe(true);
      expect(r.metrics).toEqual(computeMetrics(t));
      expect(r.issues.map((i) => i.type)).toContain('price');
      expect(r.summary.trim().length).toBeGreaterThan(20);
      const text = normalizeForEvidence(t.text);
      for (const q of [
        ...r.issues.map((i) => i.quote),
        ...r.coaching.flatMap((c) => (c.basis.quote ? [c.basis.quote] : [])),
      ]) {
        expect(text).toContain(normalizeForEvidence(q));
      }
      expect(r.provenance).toMatchObject({ provider: target.provider });
      expect(r.provenance?.usage?.totalTokens).toBeGreaterThan(0);
      process.stderr.write(
        `[live] ${target.provider}: ${r.provenance?.model}, ${r.provenance?.usage?.totalTokens} tokens, ${r.provenance?.durationMs} ms, ${r.provenance?.rejectedEvidence.length} rejected\n`,
      );
    }, 300_000);
  });
}

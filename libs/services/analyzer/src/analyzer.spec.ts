import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OfflineAnalyst } from '@speech/analysis';
import { transcriptFromDialogue } from '@speech/analysis/testing';
import type { AnyEvent } from '@speech/contracts';
import type { MessageContext } from '@speech/messaging';
import { SqliteDocumentStore } from '@speech/persistence';
import { silentLogger } from '@speech/platform';
import { FsObjectStore, putJson } from '@speech/storage';
import { anEvent } from '@speech/testing';
import { createAnalyzer, headlineOf } from './analyzer';

describe('headlineOf: what analysis.completed tells its consumers', () => {
  it('gives the call type, both sentiments, the issue types most frequent first and the agent’s talk ratio', async () => {
    const transcript = transcriptFromDialogue(
      [
        'A|Thanks for taking the call. How is the current contract working for you?',
        'C|Honestly that price is too high for us. We need at least twenty percent off to renew.',
        'C|And the price went up again last year, it is just too expensive.',
        'A|I understand. What budget did finance give you for next year?',
        'C|We have been asked to cut software spend by fifteen percent.',
        'A|Let me put together a proposal with a multi-year discount and send it by Friday.',
        'C|Fine. Send it over, but I am not happy about this.',
      ].join('\n'),
    );
    const result = await new OfflineAnalyst().analyze(transcript, {});
    const h = headlineOf(result);
    expect(h.callType).toBe(result.callType);
    expect(h.overallSentiment).toBe(result.sentiment.overall.label);
    expect(h.closingSentiment).toBe(result.sentiment.closing?.label ?? null);
    // Each type once, ordered by how often it was found.
    const counts = result.issues.reduce<Record<string, number>>(
      (m, i) => ({ ...m, [i.type]: (m[i.type] ?? 0) + 1 }),
      {},
    );
    expect(h.issueTypes).toEqual(Object.keys(counts).sort((a, b) => counts[b]! - counts[a]! || a.localeCompare(b)));
    expect(h.issueTypes.length).toBeGreaterThan(0);
    const agent = result.metrics.speakers.find((s) => s.speaker === 'agent');
    expect(h.agentTalkRatio).toBe(agent?.talkRatio);
    expect(h.agentTalkRatio).toBeGreaterThan(0);
    expect(h.agentTalkRatio).toBeLessThan(1);
  });
});

describe('analysis.completed names the recording’s owner and teams, from the request', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'analyzer-teams-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('passes the request’s userId and teamIds on, so a consumer can route the analysis to the team’s coach', async () => {
    const store = new FsObjectStore(dir);
    const transcript = transcriptFromDialogue(
      ['A|Thanks for calling, how can I help?', 'C|My bill is wrong.'].join('\n'),
    );
    await putJson(store, 'audio/a1/transcript.json', { ...transcript, audioId: 'a1' });
    const published: AnyEvent[] = [];
    const analyzer = await createAnalyzer({
      bus: { publish: async (e: AnyEvent) => void published.push(e) } as never,
      store,
      docs: SqliteDocumentStore.inMemory(),
      log: silentLogger(),
      analyst: new OfflineAnalyst(),
      config: { maxAttempts: 1 },
    });
    const ctx = { attempt: 1 } as MessageContext;
    await analyzer.onTranscript(
      anEvent('transcript.completed', 'a1', { transcriptKey: 'audio/a1/transcript.json' }),
      ctx,
    );
    await analyzer.onRequested(
      anEvent('analysis.requested', 'a1', { userId: 'agent-7', teamIds: ['north', 'renewals'], analysisId: 'an1' }),
      ctx,
    );
    const done = published.find((e): e is AnyEvent & { type: 'analysis.completed' } => e.type === 'analysis.completed');
    expect(done?.payload).toMatchObject({ analysisId: 'an1', userId: 'agent-7', teamIds: ['north', 'renewals'] });
  });
});

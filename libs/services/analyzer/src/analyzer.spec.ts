import { OfflineAnalyst } from '@speech/analysis';
import { transcriptFromDialogue } from '@speech/analysis/testing';
import { headlineOf } from './analyzer';

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

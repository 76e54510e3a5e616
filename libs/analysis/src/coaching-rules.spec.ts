import type { Transcript } from '@speech/contracts';
import type { AnalysisResult, CoachingItem } from './analysis.schema';
import { OfflineAnalyst } from './offline-analyst';
import type { SentimentScorer } from './sentiment';
import { aTranscript } from './testing/transcript-builder';

const words = (n: number): string => Array.from({ length: n }, (_, i) => `word${i % 7}`).join(' ');

/** Sentiment is faked so these tests depend only on the coaching rules. */
function analyze(t: Transcript, scorer: SentimentScorer = () => 0): Promise<AnalysisResult> {
  return new OfflineAnalyst({ sentimentScorer: async () => scorer }).analyze(t);
}

function item(r: AnalysisResult, idPrefix: string): CoachingItem {
  const found = r.coaching.find((c) => c.id.startsWith(idPrefix));
  if (!found) throw new Error(`no coaching item ${idPrefix}: ${r.coaching.map((c) => c.id).join(', ')}`);
  return found;
}

/** A sales call: the customer objects on price, then the agent answers with `reply`. */
function salesCall(reply: string, ending = 'could we book a demo next tuesday at ten'): Transcript {
  return aTranscript()
    .turn('agent', 'hi thanks for joining what made you look at our backup plan')
    .turn('customer', 'we need offsite backups but honestly your price is too expensive for us')
    .turn('agent', reply)
    .turn('customer', 'okay that could work')
    .turn('agent', ending)
    .turn('customer', 'sure tuesday works')
    .build();
}

describe('coaching', () => {
  it('names a benchmark and ties every item to a metric or a moment', async () => {
    const r = await analyze(salesCall('our plan includes daily snapshots'));
    expect(r.coaching.length).toBeGreaterThan(3);
    for (const c of r.coaching) {
      expect(c.basis.benchmark).toMatch(/\w{3,}/);
      expect(c.basis.metric !== null || c.basis.atMs !== null).toBe(true);
    }
  });

  it('warns when the agent dominates the talk time (Gong 43:57)', async () => {
    const t = aTranscript()
      .turn('agent', `let me walk you through our pricing plan ${words(80)}`)
      .turn('customer', 'that is too expensive')
      .turn('agent', words(40))
      .build();
    const c = item(await analyze(t), 'talk-ratio');
    expect(c.severity).toBe('warning');
    expect(c.basis).toMatchObject({ metric: 'agent.talkRatio', benchmarkValue: 0.43 });
    expect(c.basis.benchmark).toContain('43:57');
    expect(c.basis.value).toBeGreaterThan(0.65);
  });

  it('flags a monologue longer than 2.5 minutes at the moment it starts', async () => {
    const t = aTranscript()
      .turn('customer', 'hi i have a question about my bill')
      .turn('agent', words(600), { atMs: 5000, msPerWord: 300 }) // 180 s
      .build();
    const c = item(await analyze(t), 'longest-monologue');
    expect(c.severity).toBe('warning');
    expect(c.basis).toMatchObject({ value: 180_000, benchmarkValue: 76_000, atMs: 5000 });
  });

  it('warns about a fast speaking pace against 140–160 wpm', async () => {
    const t = aTranscript().turn('agent', words(100), { msPerWord: 250 }).turn('customer', 'okay').build();
    const c = item(await analyze(t), 'speaking-pace');
    expect(c.severity).toBe('warning');
    expect(c.basis).toMatchObject({ value: 240, benchmarkValue: 150 });
  });

  it('praises an objection answered with acknowledgement and a question (LAER)', async () => {
    const c = item(await analyze(salesCall('i hear you what budget did you have in mind')), 'objection-price');
    expect(c.severity).toBe('info');
    expect(c.basis.benchmark).toContain('LAER');
    expect(c.basis.quote).toContain('too expensive');
  });

  it('warns when an objection is neither acknowledged nor explored', async () => {
    const c = item(await analyze(salesCall('our plan includes daily snapshots and support')), 'objection-price');
    expect(c.severity).toBe('warning');
  });

  it('checks for a booked next step on sales calls', async () => {
    const booked = item(await analyze(salesCall('i understand')), 'next-step');
    expect(booked.severity).toBe('info');
    expect(booked.basis.quote).toContain('book a demo next tuesday');
    const none = item(await analyze(salesCall('i understand', 'anyway thanks for your time')), 'next-step');
    expect(none.severity).toBe('warning');
  });

  describe('support calls', () => {
    const supportCall = (reply: string, fix: string): Transcript =>
      aTranscript()
        .turn('agent', 'support desk how can i help')
        .turn('customer', 'my internet is down since this morning and i work from home')
        .turn('agent', reply)
        .turn('customer', 'okay')
        .turn('agent', fix)
        .build();

    it('recognises empathy and a concrete fix', async () => {
      const r = await analyze(
        supportCall(
          'i am so sorry about that let me check your line',
          'i have reset your router it is now working again',
        ),
      );
      expect(r.callType).toBe('support');
      expect(item(r, 'empathy').severity).toBe('info');
      expect(item(r, 'resolution').severity).toBe('info');
      expect(item(r, 'empathy').basis.benchmark).toContain('HEARD');
    });

    it('warns when the complaint is not acknowledged and nothing is resolved', async () => {
      const r = await analyze(supportCall('what is your account number', 'please wait for an email'));
      expect(item(r, 'empathy').severity).toBe('warning');
      expect(item(r, 'resolution').severity).toBe('warning');
    });

    it('does not apply the sales talk-ratio benchmark', async () => {
      const r = await analyze(supportCall('i am sorry', 'i have reset your router'));
      expect(r.coaching.some((c) => c.id === 'talk-ratio')).toBe(false);
    });
  });

  it('warns when the customer ends negative', async () => {
    const angryEnding: SentimentScorer = (text) => (text.includes('useless') ? -0.7 : 0);
    const t = aTranscript()
      .turn('agent', 'support desk how can i help')
      .turn('customer', 'my phone is not working')
      .turn('agent', 'sorry to hear that i have reset your line')
      .turn('customer', 'this is useless goodbye')
      .build();
    expect(item(await analyze(t, angryEnding), 'closing-sentiment').severity).toBe('warning');
  });

  it('coaches the single speaker of a mono recording without agent-only rules', async () => {
    const t = aTranscript().turn('speaker', words(600)).build();
    const ids = (await analyze(t)).coaching.map((c) => c.id);
    expect(ids).toContain('longest-monologue');
    expect(ids).not.toContain('talk-ratio');
    expect(ids.some((id) => id.startsWith('objection'))).toBe(false);
  });
});

describe('no warning the call contradicts', () => {
  it('counts an undated commitment as a resolution on a support call', async () => {
    const t = aTranscript()
      .turn('customer', 'my internet keeps dropping and it is not working at all')
      .turn('agent', 'i am so sorry about that i will reset the line from here and send you a new router')
      .turn('customer', 'okay thanks')
      .build();
    const r = await analyze(t);
    expect(item(r, 'resolution').severity).toBe('info');
  });

  it('reads a slightly negative close as a note, not a warning', async () => {
    const t = aTranscript().turn('agent', 'i will send the proposal on monday').turn('customer', 'okay').build();
    const r = await analyze(t, () => -0.12);
    expect(item(r, 'closing-sentiment').severity).toBe('info');
    const clear = await analyze(t, () => -0.6);
    expect(item(clear, 'closing-sentiment').severity).toBe('warning');
  });

  it('takes a "that is on us" or "you are right" reply as empathy', async () => {
    const t = aTranscript()
      .turn('customer', 'you charged me twice this month')
      .turn('agent', 'you are right and that is on us let me fix it now')
      .turn('customer', 'okay thank you')
      .build();
    const r = await analyze(t);
    expect(item(r, 'empathy').severity).toBe('info');
  });
});

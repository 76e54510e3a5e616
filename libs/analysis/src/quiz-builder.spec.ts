import type { Transcript } from '@speech/contracts';
import type { AnalysisResult, QuizQuestion } from './analysis.schema';
import { OfflineAnalyst } from './offline-analyst';
import { ISSUE_LABELS } from './quiz-builder';
import { aTranscript } from './testing/transcript-builder';

const analyst = new OfflineAnalyst({ sentimentScorer: async () => (text) => (text.includes('thanks') ? 0.5 : 0) });
const analyze = (t: Transcript): Promise<AnalysisResult> => analyst.analyze(t);

function salesCall(audioId = 'quiz-call'): Transcript {
  return aTranscript(audioId)
    .turn('agent', 'hi thanks for joining what made you look at our backup plan')
    .turn('customer', 'we lost a server last month but your price is almost double what we pay now')
    .turn('agent', 'i hear you what does your current plan include')
    .turn('customer', 'just nightly copies and i need to talk to my manager before we sign')
    .turn('agent', 'makes sense could we book thirty minutes with your manager next friday')
    .turn('customer', 'friday works thanks')
    .build();
}

function expectWellFormed(quiz: QuizQuestion[]): void {
  expect(quiz.length).toBeGreaterThanOrEqual(3);
  expect(quiz.length).toBeLessThanOrEqual(6);
  for (const q of quiz) {
    expect(q.options.length).toBeGreaterThanOrEqual(3);
    expect(q.options.length).toBeLessThanOrEqual(4);
    expect(new Set(q.options).size).toBe(q.options.length);
    expect(q.options[q.answerIndex]).toBeDefined();
  }
}

const answer = (q: QuizQuestion | undefined): string | undefined => q?.options[q.answerIndex];

describe('buildQuiz', () => {
  it('builds 3–6 well-formed questions about the call', async () => {
    const { quiz } = await analyze(salesCall());
    expectWellFormed(quiz);
  });

  it('asks about the objections the customer actually raised, at their time', async () => {
    const r = await analyze(salesCall());
    const issueQs = r.quiz.filter((q) => q.question.startsWith('What kind of concern'));
    expect(issueQs.length).toBeGreaterThan(0);
    for (const q of issueQs) {
      const issuesThen = r.issues.filter((i) => i.startMs === q.atMs).map((i) => ISSUE_LABELS[i.type]);
      expect(issuesThen).toContain(answer(q));
    }
  });

  it('asks for the booked next step, quoting the transcript', async () => {
    const t = salesCall();
    const q = (await analyze(t)).quiz.find((x) => x.question.includes('next step'));
    expect(answer(q)).toBe('"could we book thirty minutes with your manager next friday"');
    expect(t.text).toContain('could we book thirty minutes with your manager next friday');
  });

  it('answers "who spoke more" from the talk ratio', async () => {
    const t = aTranscript()
      .turn('agent', Array.from({ length: 60 }, () => 'pitch').join(' '))
      .turn('customer', 'is that so')
      .build();
    const q = (await analyze(t)).quiz.find((x) => x.question === 'Who spoke more on this call?');
    expect(answer(q)).toMatch(/^The agent/);
  });

  it('is deterministic for a given call, without Math.random', async () => {
    const random = jest.spyOn(Math, 'random');
    const a = (await analyze(salesCall('same-id'))).quiz;
    const b = (await analyze(salesCall('same-id'))).quiz;
    expect(b).toEqual(a);
    expect(random).not.toHaveBeenCalled();
    random.mockRestore();
  });

  it('still asks three answerable questions about a silent recording', async () => {
    const t = aTranscript('silence').withSpeakers('agent', 'customer').lasting(90_000).build();
    const { quiz } = await analyze(t);
    expectWellFormed(quiz);
    expect(quiz).toHaveLength(3);
    expect(answer(quiz.find((q) => q.question.startsWith('What does the recording contain')))).toBe(
      'No speech, only silence or noise',
    );
  });
});

describe('keyed answers a coach can trust', () => {
  const cased = new OfflineAnalyst();

  it('never keys a day the speaker denied, nor offers the same day as a wrong option', async () => {
    const t = aTranscript('quiz-denied-day')
      .turn('agent', 'Could we find thirty minutes next week for a demo with your managers?')
      .turn('customer', 'Fine. Not Monday or Friday. Tuesday, after three.')
      .turn('agent', 'Great, I will book Tuesday at three fifteen and send the invite today.')
      .turn('customer', 'Okay.')
      .turn('agent', 'Anything else before I let you go?')
      .turn('customer', 'No. Bye.')
      .build();
    const { quiz } = await cased.analyze(t);
    expect(quiz.map(answer).filter((a) => /^(monday|friday)\b/i.test(a ?? ''))).toEqual([]);
    // A question keyed on Tuesday offers no second Tuesday among its options.
    const tuesdays = quiz
      .filter((q) => /tuesday/i.test(answer(q) ?? ''))
      .map((q) => q.options.filter((o) => /tuesday/i.test(o)).length);
    expect(tuesdays.every((n) => n === 1)).toBe(true);
  });

  it('does not ask a place as a name', async () => {
    const t = aTranscript('quiz-place')
      .turn('customer', 'Where does our data live?')
      .turn('agent', 'In a data center in Virginia, encrypted at rest.')
      .turn('customer', 'Our owner, Linda, will want to read it herself before anything gets signed.')
      .turn('agent', 'I will send the security report to Linda by Friday.')
      .build();
    const { quiz } = await cased.analyze(t);
    expect(quiz.map(answer)).not.toContain('Virginia');
  });

  it('asks about the closing mood only when it is clear', async () => {
    const t = aTranscript('quiz-close')
      .turn('agent', 'I will send the proposal on Monday.')
      .turn('customer', 'Sounds good.')
      .build();
    // Every remark just over the label threshold: positive, but not clearly.
    const borderline = new OfflineAnalyst({ sentimentScorer: async () => () => 0.11 });
    const { quiz } = await borderline.analyze(t);
    expect(quiz.map((q) => q.question)).not.toContain(
      "What best describes the customer's sentiment at the end of the call?",
    );
  });
});

describe('facts the quiz keys', () => {
  const cased = new OfflineAnalyst();

  it('keeps what a price is per, and skips the digits of the card it goes back to', async () => {
    const t = aTranscript('quiz-rate')
      .turn('customer', 'What does this cost for twenty five users?')
      .turn('agent', 'It is fifteen dollars per user per month, billed monthly.')
      .turn('customer', 'And the refund for last month?')
      .turn(
        'agent',
        'It goes back to the card ending four four one nine. Your reference number is C M seven seven two zero four.',
      )
      .build();
    const keyed = (await cased.analyze(t)).quiz.map(answer);
    expect(keyed).toContain('fifteen dollars per user per month');
    expect(keyed).not.toContain('four four one nine');
  });
});

describe('competitor names the quiz can ask about', () => {
  const cased = new OfflineAnalyst();
  const competitorOf = async (line: string, agentLater = ''): Promise<string[]> => {
    let b = aTranscript('quiz-competitor')
      .turn('agent', 'Hi, this is Leo from Shiftwise. How do you build schedules today?')
      .turn('customer', line);
    if (agentLater) b = b.turn('agent', agentLater).turn('customer', 'Yes.');
    const r = await cased.analyze(b.build());
    return r.issues.filter((i) => i.type === 'competitor').map((i) => i.quote);
  };

  it.each([
    ['Dialforge has already offered us three months free.'],
    ['We got a quote from Trackly a couple of weeks ago.'],
  ])('finds the competitor in "%s"', async (line) => {
    expect((await competitorOf(line)).length).toBeGreaterThan(0);
  });

  it('keeps a competitor the agent repeats later a competitor', async () => {
    expect(
      await competitorOf('And we already use Rosterly, so I do not think so.', 'So Rosterly does it today?'),
    ).not.toEqual([]);
  });
});

describe('people and times the quiz asks about', () => {
  const cased = new OfflineAnalyst();

  it('gives a clock time no count distractors', async () => {
    const t = aTranscript('quiz-role')
      .turn('customer', 'This is the third time I am calling about my fridge.')
      .turn('agent', 'I am so sorry. My supervisor today is Priya Sandhu.')
      .turn('customer', 'Fine.')
      .turn('agent', "She's on another call, so she'll call you back by two o'clock tomorrow.")
      .turn('customer', 'Okay.')
      .build();
    const { quiz } = await cased.analyze(t);
    expect(quiz.flatMap((q) => q.options)).not.toContain("twenty two o'clock");
  });
});

import type { Transcript } from '@speech/contracts';
import type { AnalysisResult } from '../analysis.schema';
import { buildReport, escapeHtml, isReportFormat, reportDate, reportHtml, reportHtmlParts } from './report';

const seg = (speaker: string, startMs: number, text: string) => ({
  speaker,
  startMs,
  endMs: startMs + 2_000,
  text,
  words: [],
});

const transcript: Pick<Transcript, 'segments'> = {
  segments: [
    seg('customer', 75_500, 'That is <script>alert("x")</script> too expensive & slow.'),
    seg('agent', 1_000, 'Hello, thanks for calling Acme.'),
    seg('agent', 3_725_000, 'Talk soon.'),
  ],
};

const analysis: AnalysisResult = {
  analyst: 'offline',
  analystVersion: '1',
  callType: 'sales',
  callKind: 'negotiation',
  summary: 'The customer pushed back on <b>price</b>.',
  metrics: {
    durationMs: 3_727_000,
    speakers: [],
    silenceShare: 0,
    interruptions: 0,
    overtalkMs: 0,
    fillerWords: [],
    longestMonologue: null,
  },
  sentiment: {
    overall: { score: -0.256, label: 'negative' },
    bySpeaker: [{ speaker: 'customer', score: -0.5, label: 'negative' }],
    timeline: [],
    shifts: [],
    closing: { speaker: 'customer', score: 0.4, label: 'positive', atMs: 3_725_000 },
  },
  issues: [
    {
      type: 'price',
      quote: 'too expensive & slow',
      startMs: 75_500,
      endMs: 77_000,
      speaker: 'customer',
      confidence: 0.9,
    },
  ],
  coaching: [
    {
      id: 'talk-ratio',
      title: 'Listen more',
      recommendation: 'Ask an open question after the price objection.',
      severity: 'suggestion',
      basis: {
        metric: 'talk_ratio',
        value: 0.7,
        benchmark: 'Gong Labs 43:57',
        benchmarkValue: 0.43,
        atMs: 75_500,
        quote: 'too expensive',
      },
    },
  ],
  quiz: [
    {
      question: 'What did the customer object to?',
      options: ['The price', 'The colour', 'The weather'],
      answerIndex: 0,
      explanation: 'At 01:15 the customer said "too expensive".',
      atMs: 75_500,
    },
  ],
  actionItems: [{ text: 'Send the revised quote', owner: 'agent', dueText: 'by Friday', atMs: 62_000 }],
};

const input = {
  recording: {
    title: 'Acme <renewal> call',
    filename: 'acme.mp3',
    createdAt: Date.UTC(2024, 4, 1, 14, 3, 9),
    durationMs: 3_727_000,
    agent: 'Dana',
    customer: 'Lee "Q" Smith',
    tags: ['renewal'],
  },
  analysis,
  transcript,
  analysisId: 'a1b2c3',
  generatedAt: Date.UTC(2024, 4, 2, 9, 0),
};

describe('the report', () => {
  it('knows its formats', () => {
    expect(isReportFormat('html')).toBe(true);
    expect(isReportFormat('pdf')).toBe(true);
    expect(isReportFormat('docx')).toBe(false);
    expect(isReportFormat(['html'])).toBe(false);
  });

  it('formats times as mm:ss (h:mm:ss past an hour), dates in UTC, speakers by name', () => {
    const r = buildReport(input);
    expect(r.transcript?.map((l) => [l.time, l.speaker])).toEqual([
      ['00:01', 'Agent'],
      ['01:15', 'Customer'],
      ['1:02:05', 'Agent'],
    ]);
    expect(r.issues[0]).toMatchObject({ time: '01:15', type: 'Price', speaker: 'Customer' });
    expect(r.actionItems[0]).toEqual({
      time: '01:02',
      text: 'Send the revised quote',
      owner: 'Agent',
      due: 'by Friday',
    });
    expect(r.coaching[0]).toMatchObject({ time: '01:15', severity: 'Suggestion' });
    expect(r.details).toEqual(
      expect.arrayContaining([
        { label: 'Date', value: '2024-05-01 14:03 UTC' },
        { label: 'Duration', value: '1:02:07' },
        { label: 'Agent', value: 'Dana' },
        { label: 'Customer', value: 'Lee "Q" Smith' },
      ]),
    );
    expect(r.sentiment).toEqual(
      expect.arrayContaining([
        { label: 'Overall', value: 'Negative (-0.26)' },
        { label: 'Close (Customer)', value: 'Positive (+0.4) at 1:02:05' },
      ]),
    );
    expect(reportDate(0)).toBe('1970-01-01 00:00 UTC');
  });

  it('has every section, with the summary, the quotes and the transcript', () => {
    const html = reportHtml(buildReport(input));
    for (const id of ['summary', 'sentiment', 'issues', 'coaching', 'action-items', 'quiz', 'transcript']) {
      expect(html).toContain(`<section id="${id}">`);
    }
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('@media print');
    expect(html).toContain('The customer pushed back on &lt;b&gt;price&lt;/b&gt;.');
    expect(html).toContain('<q>too expensive &amp; slow</q>');
    expect(html).toContain('Send the revised quote');
    expect(html).toContain('<li class="answer">The price ✓</li>');
    expect(html).toContain('Hello, thanks for calling Acme.');
    expect(html).toContain('analysis a1b2c3 on 2024-05-02 09:00 UTC');
  });

  it('escapes every value: a <script> in the transcript stays text', () => {
    const html = reportHtml(buildReport(input));
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html).toContain('<title>Acme &lt;renewal&gt; call: call report</title>');
    expect(html).toContain('Lee &quot;Q&quot; Smith');
    // The only tags are the page's own.
    const tags = new Set([...html.matchAll(/<\/?([a-z0-9]+)/g)].map((m) => m[1]));
    expect([...tags].sort()).toEqual(
      [
        'blockquote',
        'body',
        'br',
        'dd',
        'div',
        'dl',
        'dt',
        'footer',
        'h1',
        'h2',
        'head',
        'header',
        'html',
        'li',
        'meta',
        'ol',
        'p',
        'q',
        'section',
        'span',
        'strong',
        'style',
        'table',
        'tbody',
        'td',
        'th',
        'thead',
        'title',
        'tr',
      ].sort(),
    );
    expect(escapeHtml(`<a href='x'>&`)).toBe('&lt;a href=&#39;x&#39;&gt;&amp;');
  });

  it('says so when a section is empty or the transcript is missing', () => {
    const html = reportHtml(
      buildReport({
        ...input,
        analysis: { ...analysis, issues: [], coaching: [], actionItems: [] },
        transcript: null,
      }),
    );
    expect(html).toContain('No issues or objections found.');
    expect(html).toContain('No coaching recommendations.');
    expect(html).toContain('No action items.');
    expect(html).toContain('The transcript could not be read.');
  });

  it('writes a long transcript in parts', () => {
    const long = {
      segments: Array.from({ length: 1000 }, (_, i) => seg(i % 2 ? 'customer' : 'agent', i * 3000, `turn ${i}`)),
    };
    const parts = [...reportHtmlParts(buildReport({ ...input, transcript: long }))];
    expect(parts.length).toBeGreaterThan(10);
    const html = parts.join('');
    expect(html).toContain('<td>turn 0</td>');
    expect(html).toContain('<td class="time">49:57</td><td class="speaker">Customer</td><td>turn 999</td>');
  });
});

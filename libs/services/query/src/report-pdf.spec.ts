import { getDefaultHighWaterMark, type Readable } from 'node:stream';
import { setImmediate as tick } from 'node:timers/promises';
import { buildReport, type AnalysisResult, type ReportInput } from '@speech/analysis';
import { pdfTextOf } from '@speech/testing';
import { pdfText, reportPdf } from './report-pdf';

const analysis: AnalysisResult = {
  analyst: 'offline',
  analystVersion: '1',
  callType: 'support',
  summary: 'The customer could not sign in; the agent reset the account.',
  metrics: {
    durationMs: 120_000,
    speakers: [],
    silenceShare: 0,
    interruptions: 0,
    overtalkMs: 0,
    fillerWords: [],
    longestMonologue: null,
  },
  sentiment: { overall: { score: 0.1, label: 'neutral' }, bySpeaker: [], timeline: [], shifts: [] },
  issues: [
    { type: 'product', quote: 'it keeps failing', startMs: 5_000, endMs: 6_000, speaker: 'customer', confidence: 1 },
  ],
  coaching: [],
  quiz: [
    {
      question: 'What failed?',
      options: ['Sign-in', 'Billing', 'Shipping'],
      answerIndex: 0,
      explanation: 'x',
      atMs: 5_000,
    },
  ],
  actionItems: [],
};

const turns = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    speaker: i % 2 ? 'customer' : 'agent',
    startMs: i * 4_000,
    endMs: i * 4_000 + 3_000,
    text: `turn number ${i} of the call, in which somebody says something fairly ordinary`,
    words: [],
  }));

const input = (n: number): ReportInput => ({
  recording: { title: 'Sign-in trouble', filename: 'call.wav', createdAt: 0, durationMs: 120_000 },
  analysis,
  transcript: { segments: turns(n) },
});

async function bytesOf(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

const textOf = async (pdf: Buffer) => (await pdfTextOf(pdf)).replace(/\s+/g, ' ');

describe('the report as PDF', () => {
  it('is a PDF with the title, the sections and the transcript', async () => {
    const pdf = await bytesOf(reportPdf(buildReport(input(30))));
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const text = await textOf(pdf);
    expect(text).toContain('Sign-in trouble');
    expect(text).toContain('The customer could not sign in; the agent reset the account.');
    expect(text).toContain('it keeps failing');
    expect(text).toContain('Sign-in (answer)');
    expect(text).toMatch(/00:04 Customer: turn number 1 of the call/);
    expect(text).toContain('turn number 29 of the call');
  });

  it('is written as it is read: a reader that does not read holds back the transcript', async () => {
    // 3,000 turns are seven times Node 20's default buffer (16 KiB); Node 22 and later buffer 64 KiB.
    const calls = 3_000 * Math.max(1, Math.ceil(getDefaultHighWaterMark(false) / 16_384));
    const stream = reportPdf(buildReport(input(calls)), { turnsPerStep: 20 });
    for (let i = 0; i < 20; i++) await tick();
    const waiting = stream.readableLength;
    // The first pages and one step of turns, not the whole call.
    expect(waiting).toBeLessThan(4 * stream.readableHighWaterMark);
    const pdf = await bytesOf(stream);
    expect(pdf.length).toBeGreaterThan(5 * waiting);
    expect(await textOf(pdf)).toContain(`turn number ${calls - 1} of the call`);
    // Thousands of turns drawn and parsed back: seconds alone, more on a busy machine (a bound).
  }, 60_000);

  it('stops drawing when its reader goes away', async () => {
    // 3,000 turns are seven times Node 20's default buffer (16 KiB); Node 22 and later buffer 64 KiB.
    const calls = 3_000 * Math.max(1, Math.ceil(getDefaultHighWaterMark(false) / 16_384));
    const stream = reportPdf(buildReport(input(calls)), { turnsPerStep: 20 });
    await tick();
    stream.destroy();
    for (let i = 0; i < 5; i++) await tick();
    expect(stream.destroyed).toBe(true);
  });

  it('draws only what the standard fonts can: other scripts become ?', () => {
    expect(pdfText('Müller — “ok” €5')).toBe('Müller — “ok” €5');
    expect(pdfText('日本 ok\tno')).toBe('?? ok no');
    expect(pdfText('e\u0301')).toBe('e');
  });
});

import {
  NO_CORRECTIONS,
  type Segment,
  type Transcript,
  type TranscriptCorrections,
  type Word,
} from '@speech/contracts';
import { applyCorrections, corrector, describeChanges, retimeWords } from './corrections';
import { toSrt, toTxt, toVtt, toJson } from './export';

const words = (text: string, startMs: number, stepMs = 500): Word[] =>
  text.split(' ').map((t, i) => ({
    text: t,
    startMs: startMs + i * stepMs,
    endMs: startMs + i * stepMs + stepMs - 100,
    confidence: 0.8,
  }));
const seg = (speaker: string, startMs: number, text: string): Segment => {
  const w = words(text, startMs);
  return { speaker, startMs, endMs: (w[w.length - 1] as Word).endMs, text, words: w };
};
const transcript: Transcript = {
  audioId: 'a1',
  durationMs: 20_000,
  language: 'en',
  engine: 'test',
  speakers: ['agent', 'customer'],
  segments: [
    seg('agent', 0, 'thanks for calling acme'),
    seg('customer', 3_000, 'I want to cancel my plan'),
    seg('agent', 7_000, 'sorry to hear that'),
  ],
  text: 'agent: thanks for calling acme\ncustomer: I want to cancel my plan\nagent: sorry to hear that\n',
};
const set = (c: Partial<TranscriptCorrections>): TranscriptCorrections => ({ ...NO_CORRECTIONS, revision: 1, ...c });

describe('applyCorrections', () => {
  it('gives the transcript back unchanged without corrections', () => {
    expect(applyCorrections(transcript, NO_CORRECTIONS)).toBe(transcript);
  });

  it('names the speakers in speakerNames and the text, and keeps the labels', () => {
    const out = applyCorrections(transcript, set({ speakers: [{ label: 'agent', name: 'Dana Whitfield' }] }));
    expect(out.speakerNames).toEqual({ agent: 'Dana Whitfield' });
    expect(out.segments.map((s) => s.speaker)).toEqual(['agent', 'customer', 'agent']);
    expect(out.text.split('\n')[0]).toBe('Dana Whitfield: thanks for calling acme');
    expect(out.correctionRevision).toBe(1);
    expect(transcript.speakerNames).toBeUndefined(); // the original is not touched
  });

  it('swaps agent and customer; names follow the swapped labels', () => {
    const out = applyCorrections(
      transcript,
      set({ swapChannels: true, speakers: [{ label: 'agent', name: 'Dana Whitfield' }] }),
    );
    expect(out.segments.map((s) => s.speaker)).toEqual(['customer', 'agent', 'customer']);
    expect(out.text.split('\n')[1]).toBe('Dana Whitfield: I want to cancel my plan');
    expect(out.segments[0]?.words).toBe(transcript.segments[0]?.words);
  });

  it('edits a segment with its times kept and marks it edited', () => {
    const out = applyCorrections(
      transcript,
      set({ segments: [{ index: 1, text: '  I want to  cancel my subscription ' }] }),
    );
    const s = out.segments[1] as Segment;
    const before = transcript.segments[1] as Segment;
    expect(s.text).toBe('I want to cancel my subscription');
    expect([s.startMs, s.endMs]).toEqual([before.startMs, before.endMs]);
    expect(s.edited).toBe(true);
    expect(s.words.map((w) => w.text)).toEqual(['I', 'want', 'to', 'cancel', 'my', 'subscription']);
    // Kept words keep their times; the new word takes the replaced one's.
    expect(s.words.slice(0, 5)).toEqual(before.words.slice(0, 5));
    expect(s.words[5]).toMatchObject({
      startMs: before.words[5]?.startMs,
      endMs: before.words[5]?.endMs,
      confidence: 1,
    });
    expect(out.segments[0]).toBe(transcript.segments[0]);
  });

  it('exports the names and the edited text; subtitles keep one cue per word run', () => {
    const out = applyCorrections(
      transcript,
      set({ speakers: [{ label: 'agent', name: 'Dana Whitfield' }], segments: [{ index: 2, text: 'so sorry' }] }),
    );
    expect(toTxt(out)).toContain('[00:07] Dana Whitfield: so sorry');
    expect(toSrt(out)).toContain('Dana Whitfield: thanks for calling acme');
    expect(toVtt(out)).toContain('<v Dana Whitfield>so sorry');
    expect(JSON.parse(toJson(out)).speakerNames).toEqual([
      { id: 'agent', name: 'Dana Whitfield' },
      { id: 'customer', name: 'Customer' },
    ]);
  });
});

describe('retimeWords', () => {
  const old = words('one two three four', 1_000); // 1000-1400, 1500-1900, 2000-2400, 2500-2900

  it('keeps the times of an unchanged text', () => {
    expect(retimeWords(old, 'one two three four', 1_000, 2_900)).toEqual(old);
  });

  it('spreads inserted words over the gap they are in, in order and inside the segment', () => {
    const out = retimeWords(old, 'one two and a half three four', 1_000, 2_900);
    expect(out.map((w) => w.text)).toEqual(['one', 'two', 'and', 'a', 'half', 'three', 'four']);
    expect(out[2]?.startMs).toBeGreaterThanOrEqual(1_900);
    expect(out[4]?.endMs).toBeLessThanOrEqual(2_000);
    for (let i = 1; i < out.length; i++) expect(out[i]?.startMs).toBeGreaterThanOrEqual(out[i - 1]?.startMs ?? 0);
  });

  it('times a wholly new text across the old words, and a segment without words across its span', () => {
    const out = retimeWords(old, 'completely different', 1_000, 2_900);
    expect(out[0]?.startMs).toBe(1_000);
    expect(out[1]?.endMs).toBe(2_900);
    const bare = retimeWords([], 'hello there', 5_000, 6_000);
    expect(bare.map((w) => [w.startMs, w.endMs])).toEqual([
      [5_000, 5_500],
      [5_500, 6_000],
    ]);
  });

  it('matches words case and punctuation blind', () => {
    const out = retimeWords(old, 'One, two! three four.', 1_000, 2_900);
    expect(out.map((w) => w.startMs)).toEqual(old.map((w) => w.startMs));
    expect(out[0]?.text).toBe('One,');
  });
});

describe('corrector and describeChanges', () => {
  it('corrects one segment at a time (the streaming readers)', () => {
    const fix = corrector(set({ swapChannels: true, segments: [{ index: 0, text: 'hello' }] }));
    expect(fix.segment(transcript.segments[0] as Segment, 0)).toMatchObject({ speaker: 'customer', text: 'hello' });
    expect(fix.label('speaker')).toBe('speaker');
    expect(fix.textOf(1)).toBeUndefined();
  });

  it('says what a revision changed', () => {
    const a = set({ speakers: [{ label: 'agent', name: 'Dana' }], segments: [{ index: 0, text: 'x' }] });
    const b = set({
      speakers: [{ label: 'customer', name: 'Lee' }],
      swapChannels: true,
      segments: [{ index: 3, text: 'y' }],
    });
    expect(describeChanges(a, b)).toEqual([
      'agent: name removed',
      'customer named Lee',
      'agent and customer swapped',
      'segment 1: original text restored',
      'segment 4 edited',
    ]);
  });
});

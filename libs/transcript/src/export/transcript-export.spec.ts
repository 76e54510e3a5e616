import { parse } from '@plussub/srt-vtt-parser';
import type { Segment, Transcript } from '@speech/contracts';
import {
  cuesOf,
  exportTranscript,
  isTranscriptFormat,
  subtitleTime,
  toJson,
  toSrt,
  toTxt,
  toVtt,
} from './transcript-export';

/** A turn whose words are `msPerWord` long, back to back from `atMs`. */
function turn(speaker: string, text: string, atMs: number, msPerWord = 400): Segment {
  const words = text.split(' ').map((w, i) => ({
    text: w,
    startMs: atMs + i * msPerWord,
    endMs: atMs + (i + 1) * msPerWord,
    confidence: 1,
  }));
  return { speaker, startMs: atMs, endMs: atMs + words.length * msPerWord, text, words };
}

const transcript: Transcript = {
  audioId: 'a1',
  durationMs: 40_000,
  language: 'en',
  engine: 'test',
  speakers: ['agent', 'customer'],
  segments: [
    turn('agent', 'thanks for calling this is laura how can i help', 0),
    turn('customer', 'my dashboard has been down since --> the outage & the <reset> yesterday', 5_000),
    // A long turn: 30 words of 400 ms, 12 s, cut into cues of at most 7 s.
    turn('agent', Array.from({ length: 30 }, (_, i) => `word${i}`).join(' '), 12_000),
    // A turn without words (some engines give none) is one cue.
    { speaker: 'customer', startMs: 30_000, endMs: 31_000, text: 'ok', words: [] },
  ],
  text: '',
};

describe('transcript exports', () => {
  it('knows its formats', () => {
    expect(['txt', 'json', 'srt', 'vtt'].every(isTranscriptFormat)).toBe(true);
    expect(isTranscriptFormat('docx')).toBe(false);
    expect(isTranscriptFormat(undefined)).toBe(false);
  });

  it('writes subtitle times', () => {
    expect(subtitleTime(0, ',')).toBe('00:00:00,000');
    expect(subtitleTime(3_723_045, '.')).toBe('01:02:03.045');
  });

  it('cuts long turns into cues of at most 7 s and 84 characters, in time order, at word boundaries', () => {
    const cues = cuesOf(transcript);
    for (const c of cues) {
      expect(c.endMs - c.startMs).toBeLessThanOrEqual(7_000);
      expect(c.text.length).toBeLessThanOrEqual(84);
      expect(c.endMs).toBeGreaterThan(c.startMs);
    }
    expect(cues.map((c) => c.startMs)).toEqual([...cues.map((c) => c.startMs)].sort((a, b) => a - b));
    const long = cues.filter((c) => c.text.startsWith('word') || / word\d/.test(c.text));
    expect(long.length).toBeGreaterThan(1);
    expect(long.map((c) => c.text).join(' ')).toBe(Array.from({ length: 30 }, (_, i) => `word${i}`).join(' '));
    expect(cues.at(-1)).toEqual({ speaker: 'customer', startMs: 30_000, endMs: 31_000, text: 'ok' });
  });

  it('writes plain text with times and speaker names', () => {
    const lines = toTxt(transcript).trimEnd().split('\n');
    expect(lines[0]).toBe('[00:00] Agent: thanks for calling this is laura how can i help');
    expect(lines[1]).toMatch(/^\[00:05\] Customer: my dashboard/);
    expect(lines).toHaveLength(4);
  });

  it('writes JSON that parses back to the transcript, with speaker names', () => {
    const back = JSON.parse(toJson(transcript)) as Transcript & { speakerNames: { id: string; name: string }[] };
    expect(back.segments).toEqual(transcript.segments);
    expect(back.speakerNames).toEqual([
      { id: 'agent', name: 'Agent' },
      { id: 'customer', name: 'Customer' },
    ]);
  });

  it('writes SRT that a subtitle parser reads back: every cue, its times and its speaker', () => {
    const srt = toSrt(transcript);
    const { entries } = parse(srt);
    const cues = cuesOf(transcript);
    expect(entries).toHaveLength(cues.length);
    entries.forEach((e, i) => {
      const c = cues[i] as (typeof cues)[number];
      expect(e.id).toBe(String(i + 1));
      expect(e.from).toBe(c.startMs);
      expect(e.to).toBe(c.endMs);
      expect(e.text).toMatch(c.speaker === 'agent' ? /^Agent: / : /^Customer: /);
    });
    expect(srt).not.toContain('-->  the outage'); // the arrow inside the text is defused
  });

  it('writes WebVTT that a subtitle parser reads back, with voice spans and escaped text', () => {
    const vtt = toVtt(transcript);
    expect(vtt.startsWith('WEBVTT\n\n')).toBe(true);
    const { entries } = parse(vtt);
    const cues = cuesOf(transcript);
    expect(entries).toHaveLength(cues.length);
    entries.forEach((e, i) => {
      const c = cues[i] as (typeof cues)[number];
      expect([e.from, e.to]).toEqual([c.startMs, c.endMs]);
      expect(e.text.startsWith(`<v ${c.speaker === 'agent' ? 'Agent' : 'Customer'}>`)).toBe(true);
    });
    const outage = entries.map((e) => e.text).find((t) => t.includes('outage')) ?? '';
    expect(outage).toContain('-&gt; the outage &amp; the &lt;reset&gt;');
    // One "-->" per cue: the timing lines.
    expect(vtt.match(/-->/g)).toHaveLength(cues.length);
  });

  it('names each format’s media type and extension', () => {
    expect(exportTranscript(transcript, 'srt')).toMatchObject({ extension: 'srt', contentType: /subrip/ });
    expect(exportTranscript(transcript, 'vtt').contentType).toMatch(/^text\/vtt/);
    expect(exportTranscript(transcript, 'txt').body).toBe(toTxt(transcript));
  });
});

import type { Segment, Transcript, Word } from '@speech/contracts';
import { isOneOf, keysOf } from '@speech/kernel';

/**
 * Transcript exports: plain text, JSON, SubRip (SRT) and WebVTT, as pure functions of a merged
 * transcript. Every format names the speaker of each line; subtitle cues are cut from a turn's
 * words so that no cue runs longer than a viewer can read.
 */

/** The transcript's download formats, each with its content type. */
export const TRANSCRIPT_CONTENT_TYPES = {
  txt: 'text/plain; charset=utf-8',
  json: 'application/json; charset=utf-8',
  srt: 'application/x-subrip; charset=utf-8',
  vtt: 'text/vtt; charset=utf-8',
} as const;
export type TranscriptFormat = keyof typeof TRANSCRIPT_CONTENT_TYPES;
export const TRANSCRIPT_FORMATS = keysOf(TRANSCRIPT_CONTENT_TYPES);
export const isTranscriptFormat = (s: unknown): s is TranscriptFormat => isOneOf(TRANSCRIPT_FORMATS, s);

/**
 * How a speaker label reads in an export: the owner's name for it (transcript corrections,
 * `speakerNames`) if there is one, else the label capitalised (`agent` → `Agent`).
 */
export function speakerName(speaker: string | null | undefined, names?: Record<string, string> | null): string {
  const named = speaker && names && Object.prototype.hasOwnProperty.call(names, speaker) ? names[speaker] : undefined;
  if (named?.trim()) return named.trim();
  const s = (speaker ?? '').trim() || 'unknown';
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** What the exports read of a transcript: its segments and the owner's names, if any. */
type Exportable = Pick<Transcript, 'segments' | 'speakerNames'>;

/** A subtitle cue: one speaker, a time span, one or two lines of text. */
export interface Cue {
  startMs: number;
  endMs: number;
  speaker: string;
  text: string;
}

export interface CueLimits {
  /** Longest a cue may last. */
  maxMs: number;
  /** Most characters of text in a cue. */
  maxChars: number;
}

export const DEFAULT_CUE_LIMITS: CueLimits = { maxMs: 7_000, maxChars: 84 };

/**
 * Cuts each turn into cues of at most `maxMs` and `maxChars`, at word boundaries. A turn
 * without words (an engine that gave none) is one cue. Cues are in time order; a cue that
 * would last no time at all gets a millisecond, so every parser keeps it.
 */
export function cuesOf(transcript: Pick<Transcript, 'segments'>, limits: CueLimits = DEFAULT_CUE_LIMITS): Cue[] {
  const cues: Cue[] = [];
  const segments = [...transcript.segments].sort((a, b) => a.startMs - b.startMs || a.endMs - b.endMs);
  for (const seg of segments) {
    const words = (seg.words ?? []).filter((w) => w.text.trim());
    if (!words.length) {
      if (seg.text.trim()) cues.push(cue(seg.speaker, seg.startMs, seg.endMs, seg.text.trim()));
      continue;
    }
    let group: Word[] = [];
    const flush = () => {
      if (!group.length) return;
      const first = group[0] as Word;
      const last = group[group.length - 1] as Word;
      cues.push(cue(seg.speaker, first.startMs, last.endMs, group.map((w) => w.text.trim()).join(' ')));
      group = [];
    };
    for (const w of words) {
      if (group.length) {
        const first = group[0] as Word;
        const chars = group.reduce((n, g) => n + g.text.trim().length + 1, 0) + w.text.trim().length;
        if (w.endMs - first.startMs > limits.maxMs || chars > limits.maxChars) flush();
      }
      group.push(w);
    }
    flush();
  }
  return cues.sort((a, b) => a.startMs - b.startMs || a.endMs - b.endMs);
}

function cue(speaker: string, startMs: number, endMs: number, text: string): Cue {
  const start = Math.max(0, Math.round(startMs));
  return { speaker, startMs: start, endMs: Math.max(start + 1, Math.round(endMs)), text };
}

/** `hh:mm:ss<sep>mmm`, as SRT (`,`) and WebVTT (`.`) write times. */
export function subtitleTime(ms: number, sep: ',' | '.'): string {
  const t = Math.max(0, Math.round(ms));
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const h = Math.floor(t / 3_600_000);
  const m = Math.floor((t % 3_600_000) / 60_000);
  const s = Math.floor((t % 60_000) / 1000);
  return `${pad(h)}:${pad(m)}:${pad(s)}${sep}${pad(t % 1000, 3)}`;
}

/** `mm:ss` (or `h:mm:ss` past an hour), as the dashboard shows times. */
export function clockTime(ms: number): string {
  const t = Math.max(0, Math.floor(ms / 1000));
  const pad = (n: number) => String(n).padStart(2, '0');
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  return h ? `${h}:${pad(m)}:${pad(t % 60)}` : `${pad(m)}:${pad(t % 60)}`;
}

/** Text in a cue must not hold a blank line (it would end the cue) nor, in WebVTT, `-->`. */
function cueText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .join(' ')
    .replaceAll('-->', '->');
}

/** `[mm:ss] Agent: text`, one line per turn. */
export function toTxt(transcript: Exportable): string {
  const segments = [...transcript.segments].sort((a, b) => a.startMs - b.startMs);
  const names = transcript.speakerNames;
  return (
    segments
      .map((s: Segment) => `[${clockTime(s.startMs)}] ${speakerName(s.speaker, names)}: ${cueText(s.text)}`)
      .join('\n') + '\n'
  );
}

/** The transcript as stored, with each speaker's display name beside its label. */
export function toJson(transcript: Transcript): string {
  const speakers = transcript.speakers.map((id) => ({ id, name: speakerName(id, transcript.speakerNames) }));
  return JSON.stringify({ ...transcript, speakerNames: speakers }, null, 2) + '\n';
}

/** SubRip: numbered cues, `Agent: text`. */
export function toSrt(transcript: Exportable, limits?: CueLimits): string {
  return cuesOf(transcript, limits)
    .map(
      (c, i) =>
        `${i + 1}\n${subtitleTime(c.startMs, ',')} --> ${subtitleTime(c.endMs, ',')}\n${speakerName(c.speaker, transcript.speakerNames)}: ${cueText(c.text)}\n`,
    )
    .join('\n');
}

/** WebVTT's escapes for cue text, and a voice name that cannot close its tag early. */
const vttEscape = (s: string) => s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
const vttVoice = (s: string) => vttEscape(s).replace(/[\s]+/g, ' ');

/** WebVTT: `<v Agent>text` voice spans, so players can tell the speakers apart. */
export function toVtt(transcript: Exportable, limits?: CueLimits): string {
  const cues = cuesOf(transcript, limits).map(
    (c, i) =>
      `${i + 1}\n${subtitleTime(c.startMs, '.')} --> ${subtitleTime(c.endMs, '.')}\n<v ${vttVoice(speakerName(c.speaker, transcript.speakerNames))}>${vttEscape(cueText(c.text))}\n`,
  );
  return ['WEBVTT\n', ...cues].join('\n');
}

/** One export: its body, media type and file extension. */
export function exportTranscript(
  transcript: Transcript,
  format: TranscriptFormat,
): { body: string; contentType: string; extension: string } {
  const body =
    format === 'txt'
      ? toTxt(transcript)
      : format === 'json'
        ? toJson(transcript)
        : format === 'srt'
          ? toSrt(transcript)
          : toVtt(transcript);
  return { body, contentType: TRANSCRIPT_CONTENT_TYPES[format], extension: format };
}

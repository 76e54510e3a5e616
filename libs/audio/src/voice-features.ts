/**
 * Per-utterance voice features for telling two speakers of a mono call apart: the mean and spread
 * of 12 mel-frequency cepstral coefficients (c1..c12; c0, the loudness, is left out because it
 * follows the distance to the microphone more than the voice) over the utterance's louder frames.
 * The classical front end of speaker clustering (no model: none ships in a registry package).
 * Computed where the audio is, per chunk, so only 24 numbers per utterance travel on.
 */
import { open } from 'node:fs/promises';
import { WAV_HEADER_BYTES } from './wav';

const RATE = 16_000;
const FRAME = 400; // 25 ms
const HOP = 160; // 10 ms
const FFT = 512;
const MELS = 26;
const CEPS = 12;

export interface VoiceSpan {
  /** Relative to the WAV's start, ms. */
  startMs: number;
  endMs: number;
}

export interface VoiceSegment extends VoiceSpan {
  /** 2 × CEPS numbers: the means of c1..c12, then their standard deviations. Empty when too short. */
  features: number[];
}

/** Spans shorter than this carry too few frames for a stable estimate and are left featureless. */
export const MIN_VOICE_MS = 300;

/**
 * Groups words into short stretches of one voice: a pause of `gapMs` or more ends one (at a turn
 * change people rarely leave more than a few hundred ms), and none grows past `maxMs`, so a turn
 * that follows another without a pause costs at most one mixed stretch.
 */
export function utteranceSpans(words: readonly VoiceSpan[], gapMs = 250, maxMs = 3_000): VoiceSpan[] {
  const out: VoiceSpan[] = [];
  for (const w of words) {
    const last = out[out.length - 1];
    if (last && w.startMs - last.endMs < gapMs && w.endMs - last.startMs <= maxMs)
      last.endMs = Math.max(last.endMs, w.endMs);
    else out.push({ startMs: w.startMs, endMs: w.endMs });
  }
  return out;
}

/**
 * Reads each span's samples from a canonical 16 kHz mono s16 WAV (one read per span, never the
 * whole file) and computes its features.
 */
export async function voiceFeatures(wavPath: string, spans: readonly VoiceSpan[]): Promise<VoiceSegment[]> {
  const fh = await open(wavPath, 'r');
  try {
    const out: VoiceSegment[] = [];
    for (const s of spans) {
      const from = Math.max(0, Math.floor((s.startMs * RATE) / 1000));
      const to = Math.max(from, Math.ceil((s.endMs * RATE) / 1000));
      const bytes = Buffer.alloc((to - from) * 2);
      const { bytesRead } = await fh.read(bytes, 0, bytes.length, WAV_HEADER_BYTES + from * 2);
      const samples = new Float64Array(Math.floor(bytesRead / 2));
      for (let i = 0; i < samples.length; i++) samples[i] = bytes.readInt16LE(i * 2) / 32768;
      out.push({
        startMs: s.startMs,
        endMs: s.endMs,
        features: s.endMs - s.startMs >= MIN_VOICE_MS ? cepstralStats(samples) : [],
      });
    }
    return out;
  } finally {
    await fh.close();
  }
}

/** Mean and standard deviation of c1..c12 over the frames louder than the span's median. */
export function cepstralStats(samples: Float64Array): number[] {
  const frames: { energy: number; ceps: Float64Array }[] = [];
  for (let at = 0; at + FRAME <= samples.length; at += HOP) {
    const f = frameCepstra(samples, at);
    if (f) frames.push(f);
  }
  if (frames.length < 5) return [];
  const sorted = frames.map((f) => f.energy).sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] as number;
  const loud = frames.filter((f) => f.energy >= median);
  const mean = new Array<number>(CEPS).fill(0);
  const sq = new Array<number>(CEPS).fill(0);
  for (const f of loud)
    for (let k = 0; k < CEPS; k++) {
      const v = f.ceps[k] as number;
      mean[k] = (mean[k] as number) + v;
      sq[k] = (sq[k] as number) + v * v;
    }
  const n = loud.length;
  const m = mean.map((x) => x / n);
  const sd = sq.map((x, k) => Math.sqrt(Math.max(0, x / n - (m[k] as number) ** 2)));
  return [...m, ...sd].map((x) => Math.round(x * 1e4) / 1e4);
}

const WINDOW = Float64Array.from({ length: FRAME }, (_, i) => 0.54 - 0.46 * Math.cos((2 * Math.PI * i) / (FRAME - 1)));
const MEL_BANK = melFilterBank();
const DCT = Array.from({ length: CEPS }, (_, k) =>
  Float64Array.from({ length: MELS }, (_, m) => Math.cos((Math.PI * (k + 1) * (m + 0.5)) / MELS)),
);

function frameCepstra(samples: Float64Array, at: number): { energy: number; ceps: Float64Array } | null {
  const re = new Float64Array(FFT);
  const im = new Float64Array(FFT);
  let energy = 0;
  for (let i = 0; i < FRAME; i++) {
    // Pre-emphasis lifts the formants, where voices differ, over the low-frequency hum.
    const x = (samples[at + i] as number) - 0.97 * (at + i > 0 ? (samples[at + i - 1] as number) : 0);
    re[i] = x * (WINDOW[i] as number);
    energy += x * x;
  }
  if (energy <= 1e-10) return null; // digital silence
  fft(re, im);
  const power = new Float64Array(FFT / 2 + 1);
  for (let i = 0; i <= FFT / 2; i++) power[i] = (re[i] as number) ** 2 + (im[i] as number) ** 2;
  const logMel = MEL_BANK.map((filter) => {
    let s = 0;
    for (const [bin, w] of filter) s += (power[bin] as number) * w;
    return Math.log(s + 1e-10);
  });
  const ceps = new Float64Array(CEPS);
  for (let k = 0; k < CEPS; k++) {
    let s = 0;
    const row = DCT[k] as Float64Array;
    for (let m = 0; m < MELS; m++) s += (logMel[m] as number) * (row[m] as number);
    ceps[k] = s;
  }
  return { energy, ceps };
}

function melFilterBank(): [number, number][][] {
  const mel = (hz: number) => 2595 * Math.log10(1 + hz / 700);
  const hz = (m: number) => 700 * (10 ** (m / 2595) - 1);
  const lo = mel(100);
  const hi = mel(7600);
  const points = Array.from({ length: MELS + 2 }, (_, i) => hz(lo + ((hi - lo) * i) / (MELS + 1)));
  const bins = points.map((f) => Math.floor(((FFT + 1) * f) / RATE));
  return Array.from({ length: MELS }, (_, m) => {
    const [a, b, c] = [bins[m] as number, bins[m + 1] as number, bins[m + 2] as number];
    const filter: [number, number][] = [];
    for (let k = a; k < b; k++) filter.push([k, (k - a) / Math.max(1, b - a)]);
    for (let k = b; k <= c; k++) filter.push([k, (c - k) / Math.max(1, c - b)]);
    return filter;
  });
}

/** In-place iterative radix-2 FFT (length a power of two). */
function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j] as number, re[i] as number];
      [im[i], im[j]] = [im[j] as number, im[i] as number];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = (-2 * Math.PI) / len;
    const wr = Math.cos(ang);
    const wi = Math.sin(ang);
    for (let i = 0; i < n; i += len) {
      let cr = 1;
      let ci = 0;
      for (let k = 0; k < len / 2; k++) {
        const a = i + k;
        const b = a + len / 2;
        const tr = (re[b] as number) * cr - (im[b] as number) * ci;
        const ti = (re[b] as number) * ci + (im[b] as number) * cr;
        re[b] = (re[a] as number) - tr;
        im[b] = (im[a] as number) - ti;
        re[a] = (re[a] as number) + tr;
        im[a] = (im[a] as number) + ti;
        const nr = cr * wr - ci * wi;
        ci = cr * wi + ci * wr;
        cr = nr;
      }
    }
  }
}

/**
 * Two speakers with roles for a mono call, without a speaker-embedding model (none ships in a
 * registry package): the classical baseline. Each utterance carries cepstral statistics computed
 * by the stt-worker (libs/audio voice-features); here all utterances of the recording are
 * clustered into two voices (k-means on standardised features, weighted by duration), and the
 * roles are given by what the voices say: the one who introduces themselves or greets first
 * ("this is Laura from…", "thanks for calling") is the agent; failing that, the one who asks the
 * first question; failing that, the one who speaks first.
 *
 * Pure functions; the merger streams chunk transcripts through them in two passes (fit, then
 * relabel), and holds at most MAX_FIT_SEGMENTS feature vectors, whatever the call's length.
 */
import type { ChunkTranscript, Speaker, Word } from '@speech/contracts';

export const AGENT: Speaker = 'agent';
export const CUSTOMER: Speaker = 'customer';

/** Utterances kept for fitting; a longer call keeps an evenly thinned sample. */
export const MAX_FIT_SEGMENTS = 20_000;

export interface VoicedUtterance {
  /** Absolute ms. */
  startMs: number;
  endMs: number;
  features: number[];
  text: string;
}

export interface TwoSpeakerModel {
  mean: number[];
  sd: number[];
  centroids: [number[], number[]];
  /** The role of cluster 0 and of cluster 1. */
  roles: [Speaker, Speaker];
  /** Seconds of speech in each cluster (of the fitted sample). */
  seconds: [number, number];
}

const GREETING =
  /\b(this is \w+|my name is|thanks? (you )?for (calling|joining|your time)|how (can|may) i help|speaking with|good (morning|afternoon|evening)|welcome to)\b/i;

/** Collects utterances for fitting, thinning evenly once there are more than `max`. */
export class UtteranceSample {
  private items: VoicedUtterance[] = [];
  private stride = 1;
  private seen = 0;

  constructor(private readonly max = MAX_FIT_SEGMENTS) {}

  add(u: VoicedUtterance): void {
    if (this.seen++ % this.stride !== 0) return;
    this.items.push(u);
    if (this.items.length > this.max) {
      this.items = this.items.filter((_, i) => i % 2 === 0);
      this.stride *= 2;
    }
  }

  get utterances(): readonly VoicedUtterance[] {
    return this.items;
  }
}

/** The utterances of one chunk (absolute times), each with its words' text. */
export function chunkUtterances(c: ChunkTranscript): VoicedUtterance[] {
  return (c.voice ?? [])
    .filter((v) => v.features.length > 0)
    .map((v) => ({
      startMs: c.offsetMs + v.startMs,
      endMs: c.offsetMs + v.endMs,
      features: v.features,
      text: c.words
        .filter((w) => w.startMs < v.endMs && w.endMs > v.startMs)
        .map((w) => w.text)
        .join(' '),
    }));
}

/** Fits two voices and their roles; null when there is not enough voiced speech to tell two apart. */
export function fitTwoSpeakers(utterances: readonly VoicedUtterance[]): TwoSpeakerModel | null {
  const pts = utterances.filter((u) => u.features.length > 0);
  if (pts.length < 2) return null;
  const dim = (pts[0] as VoicedUtterance).features.length;
  if (!pts.every((u) => u.features.length === dim)) return null;
  const w = pts.map((u) => Math.max(1, u.endMs - u.startMs));
  const total = w.reduce((a, b) => a + b, 0);
  const mean = new Array<number>(dim).fill(0);
  pts.forEach((u, i) => u.features.forEach((x, k) => (mean[k] = (mean[k] as number) + (x * (w[i] as number)) / total)));
  const sd = new Array<number>(dim).fill(0);
  pts.forEach((u, i) =>
    u.features.forEach(
      (x, k) => (sd[k] = (sd[k] as number) + ((x - (mean[k] as number)) ** 2 * (w[i] as number)) / total),
    ),
  );
  for (let k = 0; k < dim; k++) sd[k] = Math.sqrt(sd[k] as number) || 1;
  const z = pts.map((u) => u.features.map((x, k) => (x - (mean[k] as number)) / (sd[k] as number)));

  // Deterministic start, robust to outliers: split at the sign of each utterance's projection on
  // the direction of largest spread (two voices differ most along it), then refine by k-means.
  // Starting from the two farthest utterances instead let a few odd ones take a cluster for
  // themselves (support-outage in mono: 47 % of the words on the right speaker).
  const axis = principalAxis(z, w);
  let labels = z.map((p) => (dot(p, axis) >= 0 ? 0 : 1));
  let centroids: [number[], number[]] = [0, 1].map((l) => {
    const c = new Array<number>(dim).fill(0);
    let n = 0;
    z.forEach((p, i) => {
      if (labels[i] !== l) return;
      n += w[i] as number;
      p.forEach((x, k) => (c[k] = (c[k] as number) + x * (w[i] as number)));
    });
    return c.map((x) => (n ? x / n : 0));
  }) as [number[], number[]];
  for (let iter = 0; iter < 50; iter++) {
    const next = z.map((p) => (dist(p, centroids[0]) <= dist(p, centroids[1]) ? 0 : 1));
    const changed = next.some((l, i) => l !== labels[i]);
    labels = next;
    const sums = [new Array<number>(dim).fill(0), new Array<number>(dim).fill(0)];
    const weights = [0, 0];
    z.forEach((p, i) => {
      const l = labels[i] as 0 | 1;
      weights[l] = (weights[l] as number) + (w[i] as number);
      p.forEach((x, k) => ((sums[l] as number[])[k] = ((sums[l] as number[])[k] as number) + x * (w[i] as number)));
    });
    if (!weights[0] || !weights[1]) break; // one voice only: keep the last split
    centroids = [0, 1].map((l) => (sums[l] as number[]).map((x) => x / (weights[l] as number))) as [number[], number[]];
    if (!changed && iter > 0) break;
  }
  const seconds: [number, number] = [0, 0];
  labels.forEach((l, i) => (seconds[l as 0 | 1] += (w[i] as number) / 1000));
  const agent = agentCluster(pts.map((u, i) => ({ cluster: labels[i] as 0 | 1, startMs: u.startMs, text: u.text })));
  return {
    mean,
    sd,
    centroids,
    roles: agent === 0 ? [AGENT, CUSTOMER] : [CUSTOMER, AGENT],
    seconds,
  };
}

/** The agent's cluster: first greeting or introduction, else first question, else first to speak. */
export function agentCluster(utterances: readonly { cluster: 0 | 1; startMs: number; text: string }[]): 0 | 1 {
  const inOrder = [...utterances].sort((x, y) => x.startMs - y.startMs);
  const greets = inOrder.find((u) => GREETING.test(u.text));
  if (greets) return greets.cluster;
  const asks = inOrder.find((u) => u.text.includes('?'));
  if (asks) return asks.cluster;
  return inOrder[0]?.cluster ?? 0;
}

export function speakerOf(model: TwoSpeakerModel, features: readonly number[]): Speaker {
  const z = features.map((x, k) => (x - (model.mean[k] as number)) / (model.sd[k] as number));
  return model.roles[dist(z, model.centroids[0]) <= dist(z, model.centroids[1]) ? 0 : 1];
}

/**
 * A mono chunk transcript as runs of one speaker each (consecutive, time-ordered, so the merger
 * takes them as one channel): each word gets the voice of the utterance it falls in; a word in
 * no voiced utterance (too short to measure) keeps the speaker before it.
 */
export function relabelChunk(model: TwoSpeakerModel, c: ChunkTranscript): ChunkTranscript[] {
  const voices = (c.voice ?? [])
    .filter((v) => v.features.length > 0)
    .map((v) => ({ ...v, speaker: speakerOf(model, v.features) }));
  // Nothing measurable in this chunk (a few short words): the agent is the better guess than nobody.
  if (!voices.length) return [{ ...c, speaker: AGENT, voice: undefined }];
  const runs: ChunkTranscript[] = [];
  let current: Speaker = (voices[0] as (typeof voices)[number]).speaker;
  let words: Word[] = [];
  for (const word of c.words) {
    const mid = (word.startMs + word.endMs) / 2;
    const v =
      voices.find((x) => mid >= x.startMs && mid <= x.endMs) ??
      voices.reduce((best, x) => (Math.abs(x.startMs - mid) < Math.abs(best.startMs - mid) ? x : best));
    const speaker = v.speaker;
    if (speaker !== current && words.length) {
      runs.push({ ...c, speaker: current, words, voice: undefined });
      words = [];
    }
    current = speaker;
    words.push(word);
  }
  if (words.length || !runs.length) runs.push({ ...c, speaker: current, words, voice: undefined });
  return runs;
}

/** The weighted covariance's leading eigenvector, by power iteration from a fixed start. */
function principalAxis(z: readonly number[][], w: readonly number[]): number[] {
  const dim = (z[0] as number[]).length;
  let v = Array.from({ length: dim }, (_, k) => 1 / Math.sqrt(dim + k));
  for (let iter = 0; iter < 100; iter++) {
    const next = new Array<number>(dim).fill(0);
    z.forEach((p, i) => {
      const d = dot(p, v) * (w[i] as number);
      p.forEach((x, k) => (next[k] = (next[k] as number) + x * d));
    });
    const norm = Math.sqrt(dot(next, next)) || 1;
    v = next.map((x) => x / norm);
  }
  return v;
}

function dot(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

function dist(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += ((a[i] as number) - (b[i] as number)) ** 2;
  return s;
}

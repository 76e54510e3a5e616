import type { Express, RequestHandler } from 'express';
import express from 'express';
import { CORRECTION_LIMITS, NO_CORRECTIONS, objectKeys, type TranscriptCorrections } from '@speech/contracts';
import { pick } from '@speech/kernel';
import type { Collection, DocumentStore } from '@speech/persistence';
import { HttpError, jsonObjectOf, route, userOf } from '@speech/platform';
import { transcriptSegments } from '@speech/search';
import { AGENT_LABEL, cleanText, CUSTOMER_LABEL, describeChanges } from '@speech/transcript';
import type { AudioRecord } from './audio-repository';
import { writableRecording } from './writable-recording';
import { publish, type GatewayDeps } from './upload-intake';

/**
 * Transcript corrections (issue #14), the command side: `PATCH /audios/:id/transcript/corrections`
 * changes the owner's correction set (speaker names, a swap of agent and customer, segment
 * texts), kept in the gateway's own `transcript_corrections` collection with a revision, and
 * announces the whole set in `transcript.corrected`. The merged transcript is never changed; the
 * query service and the analyzer apply the newest set they have (libs/transcript).
 */
export interface CorrectionsRecord extends TranscriptCorrections {
  _id: string; // audioId
  userId: string;
  updatedAt: number;
}

/** A PATCH body, checked: each field optional, at least one change. */
export interface CorrectionChange {
  /** Label → name; null (or an empty name) removes the name. */
  speakers?: Record<string, string | null>;
  /** The swap's new state (not a toggle: sending it twice changes nothing). */
  swapChannels?: boolean;
  /** Segment index → its corrected text; null restores the original text. */
  segments?: { index: number; text: string | null }[];
  /** The revision the client edited; another one is a 409 (someone saved meanwhile). */
  baseRevision?: number;
}

const FIELDS = ['speakers', 'swapChannels', 'segments', 'baseRevision'] as const;
const LABEL = /^[A-Za-z0-9 _.-]{1,40}$/;

export function parseCorrectionChange(body: unknown): CorrectionChange {
  const bad = (message: string) => new HttpError(400, 'CORRECTIONS.BAD_REQUEST', message);
  const input = jsonObjectOf(body, FIELDS, bad, 'expected a JSON object of corrections');
  const out: CorrectionChange = {};
  if ('speakers' in input) {
    const v = input.speakers;
    if (!v || typeof v !== 'object' || Array.isArray(v))
      throw bad('speakers must be an object of speaker label → name, e.g. {"agent": "Dana Whitfield"}');
    const speakers: Record<string, string | null> = {};
    for (const [label, name] of Object.entries(v as Record<string, unknown>)) {
      if (!LABEL.test(label)) throw bad(`not a speaker label: ${JSON.stringify(label.slice(0, 50))}`);
      if (name === null) {
        speakers[label] = null;
        continue;
      }
      if (typeof name !== 'string') throw bad(`the name of ${label} must be a string or null`);
      const clean = cleanText(name);
      if (clean.length > CORRECTION_LIMITS.name)
        throw bad(`the name of ${label} is longer than ${CORRECTION_LIMITS.name} characters`);
      speakers[label] = clean || null;
    }
    if (!Object.keys(speakers).length) throw bad('speakers names no speaker');
    out.speakers = speakers;
  }
  if ('swapChannels' in input) {
    if (typeof input.swapChannels !== 'boolean') throw bad('swapChannels must be true or false');
    out.swapChannels = input.swapChannels;
  }
  if ('segments' in input) {
    const v = input.segments;
    if (!Array.isArray(v) || !v.length) throw bad('segments must be a non-empty array of { index, text }');
    if (v.length > CORRECTION_LIMITS.segmentsPerChange)
      throw bad(`at most ${CORRECTION_LIMITS.segmentsPerChange} segments in one change`);
    const seen = new Set<number>();
    out.segments = v.map((item: unknown) => {
      if (!item || typeof item !== 'object' || Array.isArray(item)) throw bad('each segment must be { index, text }');
      const s = item as Record<string, unknown>;
      const extra = Object.keys(s).filter((k) => k !== 'index' && k !== 'text');
      if (extra.length) throw bad(`unknown segment fields: ${extra.join(', ')} (allowed: index, text)`);
      if (!Number.isSafeInteger(s.index) || (s.index as number) < 0)
        throw bad('a segment index must be a whole number from 0');
      const index = s.index as number;
      if (seen.has(index)) throw bad(`segment ${index} is given twice`);
      seen.add(index);
      if (s.text === null) return { index, text: null };
      if (typeof s.text !== 'string') throw bad(`the text of segment ${index} must be a string, or null to restore it`);
      const text = cleanText(s.text);
      if (!text) throw bad(`the text of segment ${index} is empty (send null to restore the original)`);
      if (text.length > CORRECTION_LIMITS.segmentText)
        throw bad(`the text of segment ${index} is longer than ${CORRECTION_LIMITS.segmentText} characters`);
      return { index, text };
    });
  }
  if ('baseRevision' in input) {
    if (!Number.isSafeInteger(input.baseRevision) || (input.baseRevision as number) < 0)
      throw bad('baseRevision must be a whole number from 0');
    out.baseRevision = input.baseRevision as number;
  }
  if (out.speakers === undefined && out.swapChannels === undefined && out.segments === undefined)
    throw bad('nothing to change (give speakers, swapChannels or segments)');
  return out;
}

/** What the transcript offers to correct: its segment count and its speaker labels. */
export interface TranscriptFacts {
  segments: number;
  labels: Set<string>;
}

/**
 * The current set with a change applied (its revision not yet bumped). Refuses, with a reason,
 * what the transcript does not have: an index past its last segment, an unknown speaker, a swap
 * without both an agent and a customer (a mono call heard as one voice has no roles to swap).
 */
export function mergeCorrections(
  current: TranscriptCorrections,
  change: CorrectionChange,
  facts: TranscriptFacts,
): TranscriptCorrections {
  const bad = (message: string) => new HttpError(400, 'CORRECTIONS.BAD_REQUEST', message);
  const swap = change.swapChannels ?? current.swapChannels;
  if (change.swapChannels && !(facts.labels.has(AGENT_LABEL) && facts.labels.has(CUSTOMER_LABEL))) {
    throw new HttpError(
      409,
      'CORRECTIONS.NOTHING_TO_SWAP',
      'this transcript has no agent and customer to swap (a mono recording heard as one voice)',
    );
  }
  // Labels a name may be given to: the transcript's, as they read after the swap (the same set).
  const names = new Map(current.speakers.map((s) => [s.label, s.name]));
  for (const [label, name] of Object.entries(change.speakers ?? {})) {
    if (!facts.labels.has(label)) {
      throw bad(`the transcript has no speaker ${label} (its speakers: ${[...facts.labels].join(', ') || 'none'})`);
    }
    if (name) names.set(label, name);
    else names.delete(label);
  }
  const texts = new Map(current.segments.map((s) => [s.index, s.text]));
  for (const s of change.segments ?? []) {
    if (s.index >= facts.segments) {
      throw bad(`the transcript has ${facts.segments} segments (0 … ${facts.segments - 1}); no segment ${s.index}`);
    }
    if (s.text === null) texts.delete(s.index);
    else texts.set(s.index, s.text);
  }
  const segments = [...texts].sort((a, b) => a[0] - b[0]).map(([index, text]) => ({ index, text }));
  const total = segments.reduce((n, s) => n + s.text.length, 0);
  if (total > CORRECTION_LIMITS.totalText) {
    throw new HttpError(
      413,
      'CORRECTIONS.TOO_LARGE',
      `the edited segments hold more than ${CORRECTION_LIMITS.totalText} characters together`,
    );
  }
  return {
    revision: current.revision,
    speakers: [...names].sort((a, b) => a[0].localeCompare(b[0])).map(([label, name]) => ({ label, name })),
    swapChannels: swap,
    segments,
  };
}

export function correctionsCollection(docs: DocumentStore): Collection<CorrectionsRecord> {
  return docs.collection<CorrectionsRecord>('transcript_corrections');
}

const setOf = (r: CorrectionsRecord | null): TranscriptCorrections =>
  r
    ? { revision: r.revision, speakers: r.speakers, swapChannels: r.swapChannels, segments: r.segments }
    : NO_CORRECTIONS;

export function transcriptCorrections(
  deps: GatewayDeps,
  audios: Collection<AudioRecord>,
  corrections: Collection<CorrectionsRecord>,
) {
  /** Reads the merged transcript once, a segment at a time (the merger's object, read only). */
  async function factsOf(audioId: string): Promise<TranscriptFacts> {
    const body = await deps.store.get(objectKeys.transcript(audioId).json);
    const facts: TranscriptFacts = { segments: 0, labels: new Set() };
    for await (const s of transcriptSegments(body)) {
      facts.segments++;
      if (s.speaker) facts.labels.add(s.speaker);
    }
    return facts;
  }

  async function announce(record: CorrectionsRecord, changes: string[]): Promise<void> {
    await publish(deps, 'transcript.corrected', record._id, `corrections-${record._id}-${record.revision}`, {
      userId: record.userId,
      ...pick(record, ['revision', 'speakers', 'swapChannels', 'segments']),
      changes,
    });
  }

  function mount(app: Express, mw: { auth: RequestHandler[]; limiter: RequestHandler }): void {
    // Up to 500 edited segments of 4,000 characters: more than the API's usual 256 kB.
    const json = express.json({ limit: '2mb' });
    app.patch(
      '/audios/:audioId/transcript/corrections',
      ...mw.auth,
      mw.limiter,
      json,
      route(async (req, res) => {
        const user = userOf(req);
        const audioId = String(req.params.audioId);
        const change = parseCorrectionChange(req.body);
        const record = await writableRecording(audios, user, audioId);
        const view = await deps.recordings.get(user, audioId, req.headers.authorization);
        if (!view?.transcriptReady)
          throw new HttpError(409, 'CORRECTIONS.NOT_TRANSCRIBED', 'the recording has no transcript yet to correct');
        const facts = await factsOf(audioId);
        const saved = await deps.tx.run(async () => {
          const current = await corrections.get(audioId);
          const before = setOf(current);
          if (change.baseRevision !== undefined && change.baseRevision !== before.revision) {
            throw new HttpError(
              409,
              'CORRECTIONS.STALE',
              `the corrections are at revision ${before.revision}, not ${change.baseRevision}: reload and edit again`,
            );
          }
          const next = mergeCorrections(before, change, facts);
          const changes = describeChanges(before, next);
          if (!changes.length) return { record: current, changes, changed: false };
          const revision = before.revision + 1;
          const doc: CorrectionsRecord = {
            ...next,
            revision,
            _id: audioId,
            userId: record.userId,
            updatedAt: Date.now(),
          };
          // Conditional on the revision read, so two edits at once cannot both claim one revision.
          const ok = current
            ? await corrections.update({ _id: audioId, revision: before.revision }, { $set: { ...doc } })
            : (await corrections.insert(doc))
              ? doc
              : null;
          if (!ok) return null;
          await announce(doc, changes);
          return { record: doc, changes, changed: true };
        });
        if (!saved) throw new HttpError(409, 'CORRECTIONS.CONFLICT', 'the corrections changed meanwhile; try again');
        const set = setOf(saved.record);
        res.json({ audioId, revision: set.revision, corrections: set, changes: saved.changes });
      }),
    );
  }

  return {
    mount,
    /** The current revision of a recording's corrections (0: none). */
    revisionOf: async (audioId: string) => (await corrections.get(audioId))?.revision ?? 0,
    /** A deleted recording's corrections (the gateway's purge). */
    purge: (audioId: string) => corrections.delete({ _id: audioId }),
  };
}

import { randomUUID } from 'node:crypto';
import type { Express, RequestHandler } from 'express';
import {
  compileTracker,
  TRACKER_LIMITS,
  TRACKER_PARTS,
  TRACKER_SPEAKERS,
  trackerDefinitionView,
  type TrackerDefinition,
  type TrackerPartName,
  type TrackerRule,
  type TrackerSpeaker,
} from '@speech/analysis';
import { pick } from '@speech/kernel';
import type { Collection } from '@speech/persistence';
import { HttpError, jsonObjectOf, route, userOf, writeChains } from '@speech/platform';
import { publish, type GatewayDeps } from './upload-intake';

/**
 * Trackers (issue #15), the command side: POST /trackers, PATCH and DELETE /trackers/:id. The
 * gateway's `trackers` collection is the owner's truth, with a revision bumped by every change,
 * and `tracker.changed` carries the whole definition (the query service keeps the highest
 * revision, runs the tracker over the library and on every new transcript, and serves the reads).
 * A tracker belongs to a user (the token's subject); `ownerId` is where a team would go.
 */
export interface TrackerRecord extends TrackerDefinition {
  ownerId: string;
  deleted?: boolean;
}

export interface TrackerInput extends TrackerRule {
  name: string;
}

export async function trackersCollection(docs: GatewayDeps['docs']): Promise<Collection<TrackerRecord>> {
  const c = docs.collection<TrackerRecord>('trackers');
  await c.ensureIndex({ ownerId: 1, createdAt: -1 });
  return c;
}

export function trackerCommands(deps: GatewayDeps, trackers: Collection<TrackerRecord>) {
  async function announce(t: TrackerRecord): Promise<void> {
    await publish(deps, 'tracker.changed', t._id, `tracker-${t._id}-${t.revision}`, {
      userId: t.ownerId,
      trackerId: t._id,
      revision: t.revision,
      deleted: t.deleted === true,
      ...pick(t, ['name', 'phrases', 'speaker', 'fromPct', 'toPct', 'createdAt']),
    });
  }

  const view = trackerDefinitionView;

  /** The owner's live tracker, or a 404 (another user's is reported as missing, as reads do). */
  async function mine(ownerId: string, trackerId: string): Promise<TrackerRecord> {
    const t = await trackers.get(trackerId);
    if (!t || t.ownerId !== ownerId || t.deleted)
      throw new HttpError(404, 'TRACKER.NOT_FOUND', `no tracker ${trackerId}`);
    return t;
  }

  /** The next revision, conditional on the one read: two changes at once cannot both claim it. */
  async function change(current: TrackerRecord, set: Partial<TrackerRecord>): Promise<TrackerRecord> {
    const saved = await deps.tx.run(async () => {
      const next = await trackers.update(
        { _id: current._id, revision: current.revision },
        { $set: { ...set, revision: current.revision + 1, updatedAt: Date.now() } },
      );
      if (next) await announce(next);
      return next;
    });
    if (!saved) throw new HttpError(409, 'TRACKER.CONFLICT', 'the tracker changed meanwhile; try again');
    return saved;
  }

  function mount(app: Express, mw: { auth: RequestHandler[]; limiter: RequestHandler; json: RequestHandler }): void {
    const { write, writeJson } = writeChains(mw);
    app.post(
      '/trackers',
      ...writeJson,
      route(async (req, res) => {
        const input = parseTracker(req.body, 'create');
        const now = Date.now();
        const t: TrackerRecord = {
          _id: randomUUID(),
          ownerId: userOf(req).id,
          ...input,
          revision: 1,
          createdAt: now,
          updatedAt: now,
        };
        await deps.tx.run(async () => {
          await trackers.insert(t);
          await announce(t);
        });
        res.status(201).json(view(t));
      }),
    );

    app.patch(
      '/trackers/:trackerId',
      ...writeJson,
      route(async (req, res) => {
        const changes = parseTracker(req.body, 'change');
        const current = await mine(userOf(req).id, String(req.params.trackerId));
        res.json(view(await change(current, changes)));
      }),
    );

    // 202: its hits go asynchronously (the query service removes them when it reads the event).
    app.delete(
      '/trackers/:trackerId',
      ...write,
      route(async (req, res) => {
        const current = await mine(userOf(req).id, String(req.params.trackerId));
        await change(current, { deleted: true });
        res.status(202).json({ trackerId: current._id, status: 'deleting' });
      }),
    );
  }

  return { mount };
}

const FIELDS = ['name', 'phrases', 'speaker', 'part'] as const;

/**
 * A tracker body: on create, name and phrases are required; on change, any of the fields. Every
 * phrase must compile in the phrase language; anything else is a 400 with the reason.
 */
export function parseTracker(body: unknown, mode: 'create'): TrackerInput;
export function parseTracker(body: unknown, mode: 'change'): Partial<TrackerInput>;
export function parseTracker(body: unknown, mode: 'create' | 'change'): Partial<TrackerInput> {
  const bad = (message: string) => new HttpError(400, 'TRACKER.BAD_REQUEST', message);
  const input = jsonObjectOf(body, FIELDS, bad);
  if (mode === 'change' && !Object.keys(input).length) throw bad(`nothing to change (allowed: ${FIELDS.join(', ')})`);
  const out: Partial<TrackerInput> = {};
  if ('name' in input || mode === 'create') {
    if (typeof input.name !== 'string' || !input.name.trim()) throw bad('name must be a non-empty string');
    if (input.name.trim().length > TRACKER_LIMITS.name)
      throw bad(`name is longer than ${TRACKER_LIMITS.name} characters`);
    out.name = input.name.trim();
  }
  if ('phrases' in input || mode === 'create') {
    const v = input.phrases;
    if (!Array.isArray(v) || !v.length) throw bad('phrases must be a non-empty array of strings');
    if (v.length > TRACKER_LIMITS.phrases) throw bad(`at most ${TRACKER_LIMITS.phrases} phrases`);
    const phrases: string[] = [];
    for (const p of v) {
      if (typeof p !== 'string' || !p.trim()) throw bad('each phrase must be a non-empty string');
      const t = p.trim().replace(/\s+/g, ' ');
      if (t.length > TRACKER_LIMITS.phrase) throw bad(`a phrase is longer than ${TRACKER_LIMITS.phrase} characters`);
      if (!phrases.includes(t)) phrases.push(t);
    }
    try {
      compileTracker({ phrases, speaker: 'any', fromPct: 0, toPct: 100 });
    } catch (err) {
      throw bad((err as Error).message);
    }
    out.phrases = phrases;
  }
  if ('speaker' in input) {
    if (!(TRACKER_SPEAKERS as readonly unknown[]).includes(input.speaker))
      throw bad(`speaker must be one of ${TRACKER_SPEAKERS.join(', ')}`);
    out.speaker = input.speaker as TrackerSpeaker;
  } else if (mode === 'create') out.speaker = 'any';
  if ('part' in input) {
    const [fromPct, toPct] = partOf(input.part, bad);
    out.fromPct = fromPct;
    out.toPct = toPct;
  } else if (mode === 'create') {
    out.fromPct = 0;
    out.toPct = 100;
  }
  return out;
}

function partOf(v: unknown, bad: (m: string) => HttpError): [number, number] {
  const names = Object.keys(TRACKER_PARTS);
  if (typeof v === 'string') {
    if (!names.includes(v)) throw bad(`part must be one of ${names.join(', ')} or { fromPct, toPct }`);
    const [from, to] = TRACKER_PARTS[v as TrackerPartName];
    return [from, to];
  }
  if (!v || typeof v !== 'object' || Array.isArray(v))
    throw bad(`part must be one of ${names.join(', ')} or { fromPct, toPct }`);
  const p = v as Record<string, unknown>;
  const extra = Object.keys(p).filter((k) => k !== 'fromPct' && k !== 'toPct');
  if (extra.length) throw bad(`unknown part fields: ${extra.join(', ')} (allowed: fromPct, toPct)`);
  const pct = (k: 'fromPct' | 'toPct', dflt: number) => {
    const x = p[k] ?? dflt;
    if (typeof x !== 'number' || !Number.isInteger(x) || x < 0 || x > 100)
      throw bad(`part.${k} must be a whole number from 0 to 100`);
    return x;
  };
  const from = pct('fromPct', 0);
  const to = pct('toPct', 100);
  if (from >= to) throw bad('part.fromPct must be below part.toPct');
  return [from, to];
}

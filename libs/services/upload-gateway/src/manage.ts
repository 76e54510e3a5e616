import type { Express, RequestHandler } from 'express';
import { DETAIL_LIMITS, NO_DETAILS, objectKeys, type RecordingDetails } from '@speech/contracts';
import type { Collection } from '@speech/persistence';
import { HttpError, jsonObjectOf, route, userOf, writeChains } from '@speech/platform';
import { deletionsOf, onAudioDeleted, type Deletions, type HandlerMap } from '@speech/service-kit';
import type { AudioRecord } from './audio-repository';
import { correctionsCollection, transcriptCorrections } from './corrections';
import { writableRecording } from './writable-recording';
import { publish, type GatewayDeps } from './upload-intake';

/**
 * Managing a recording: DELETE /audios/:id (every artefact in every service, through
 * audio.deleted), PATCH /audios/:id (its details, through audio.details.changed) and PATCH
 * /audios/:id/transcript/corrections (corrections.ts, through transcript.corrected). The
 * gateway's `audios` record is the owner's truth for both.
 */
export function recordingManagement(deps: GatewayDeps, audios: Collection<AudioRecord>) {
  const deletions: Deletions = deletionsOf(deps.docs);
  const corrections = transcriptCorrections(deps, audios, correctionsCollection(deps.docs));

  /** The gateway's share of a deleted recording: the whole object prefix, uploads in progress, its record. */
  async function purge(audioId: string): Promise<void> {
    const record = await audios.get(audioId);
    if (record?.upload)
      await deps.store.abortMultipart(record.objectKey, record.upload.uploadId).catch((err: unknown) => {
        deps.log.warn({ err, audioId }, 'could not abort the upload in progress; the prefix deletion tries too');
      });
    // Everything under the prefix, whoever wrote it: each service also removes its own (late) writes.
    await deps.store.deletePrefix(objectKeys.prefix(audioId));
    await corrections.purge(audioId);
    await audios.delete({ _id: audioId });
    // Its re-uploads no longer link to it: nothing keeps a deleted recording's id.
    await audios.updateMany({ duplicateOf: audioId }, { $set: { duplicateOf: null } });
    deps.log.info({ audioId }, 'recording deleted');
  }

  async function announceDeletion(record: AudioRecord): Promise<void> {
    await publish(deps, 'audio.deleted', record._id, `delete-${record._id}`, { userId: record.userId });
  }

  async function announceDetails(record: AudioRecord): Promise<void> {
    const d = record.details ?? NO_DETAILS;
    const revision = record.detailsRevision ?? 0;
    await publish(deps, 'audio.details.changed', record._id, `details-${record._id}-${revision}`, {
      userId: record.userId,
      revision,
      ...d,
    });
  }

  function mount(app: Express, mw: { auth: RequestHandler[]; limiter: RequestHandler; json: RequestHandler }): void {
    corrections.mount(app, mw);
    const { write, writeJson } = writeChains(mw);
    /**
     * 202: the deletion is asynchronous. On Kafka every service removes its share when it reads
     * audio.deleted, so "gone" can only be promised once they all have; the answer says it was
     * accepted, and the recording answers 404 from then on here (the read model drops it shortly).
     */
    app.delete(
      '/audios/:audioId',
      ...write,
      route(async (req, res) => {
        const user = userOf(req);
        const audioId = String(req.params.audioId);
        const record = await writableRecording(audios, user, audioId, { evenDeleting: true });
        await deps.tx.run(async () => {
          // The flag first: a gateway that dies before the event re-announces it (the relay).
          await audios.update({ _id: audioId }, { $set: { deleting: true, deleteRequestedAt: Date.now() } });
          await deletions.mark(audioId);
          await announceDeletion(record);
        });
        res.status(202).json({ audioId, status: 'deleting' });
      }),
    );

    app.patch(
      '/audios/:audioId',
      ...writeJson,
      route(async (req, res) => {
        const user = userOf(req);
        const audioId = String(req.params.audioId);
        const changes = parseDetails(req.body);
        await writableRecording(audios, user, audioId);
        const updated = await deps.tx.run(async () => {
          const current = await audios.get(audioId);
          if (!current || current.deleting) return null;
          const details: RecordingDetails = { ...NO_DETAILS, ...current.details, ...changes };
          const revision = (current.detailsRevision ?? 0) + 1;
          // Conditional on the revision read, so two edits at once cannot both claim one revision.
          const saved = await audios.update(
            { _id: audioId, detailsRevision: current.detailsRevision ?? 0 },
            { $set: { details, detailsRevision: revision } },
          );
          if (!saved && current.detailsRevision === undefined) {
            // The first edit: the record has no revision field yet.
            const first = await audios.update(
              { _id: audioId, detailsRevision: { $exists: false } },
              { $set: { details, detailsRevision: revision } },
            );
            if (first) await announceDetails(first);
            return first;
          }
          if (saved) await announceDetails(saved);
          return saved;
        });
        if (!updated) throw new HttpError(409, 'AUDIO.CONFLICT', 'the recording changed meanwhile; try again');
        res.json({ audioId, details: updated.details ?? NO_DETAILS, revision: updated.detailsRevision ?? 0 });
      }),
    );
  }

  /** Deletions a gateway accepted but whose event may not have gone out (Kafka: two writes). */
  async function reannounceDeletions(before: number): Promise<void> {
    const due = await audios.find({ deleting: true, deleteRequestedAt: { $lt: before } }, { limit: 100 });
    for (const record of due) {
      deps.log.warn({ audioId: record._id }, 'deletion accepted but not finished; announcing it again');
      await announceDeletion(record);
    }
  }

  const handlers: HandlerMap = { 'audio.deleted': onAudioDeleted(deletions, purge) };
  return {
    deletions,
    purge,
    mount,
    handlers,
    reannounceDeletions,
    correctionsRevision: corrections.revisionOf,
  };
}

const DETAIL_FIELDS = ['title', 'tags', 'agent', 'customer', 'notes'] as const;

/** A PATCH body: only the detail fields, each checked; anything else is a 400 with the reason. */
export function parseDetails(body: unknown): Partial<RecordingDetails> {
  const bad = (message: string) => new HttpError(400, 'AUDIO.BAD_DETAILS', message);
  const input = jsonObjectOf(body, DETAIL_FIELDS, bad, 'expected a JSON object of details');
  if (!Object.keys(input).length) throw bad(`nothing to change (allowed: ${DETAIL_FIELDS.join(', ')})`);
  const out: Partial<RecordingDetails> = {};
  const text = (field: 'title' | 'agent' | 'customer' | 'notes') => {
    if (!(field in input)) return;
    const v = input[field];
    if (v === null) {
      out[field] = null;
      return;
    }
    if (typeof v !== 'string') throw bad(`${field} must be a string or null`);
    const t = v.trim();
    if (t.length > DETAIL_LIMITS[field]) throw bad(`${field} is longer than ${DETAIL_LIMITS[field]} characters`);
    out[field] = t || null;
  };
  text('title');
  text('agent');
  text('customer');
  text('notes');
  if ('tags' in input) {
    const v = input.tags;
    if (!Array.isArray(v)) throw bad('tags must be an array of strings');
    const tags: string[] = [];
    for (const tag of v) {
      if (typeof tag !== 'string') throw bad('tags must be an array of strings');
      const t = tag.trim();
      if (!t) throw bad('a tag must not be empty');
      if (t.length > DETAIL_LIMITS.tag)
        throw bad(`a tag is longer than ${DETAIL_LIMITS.tag} characters: ${t.slice(0, 50)}`);
      if (!tags.includes(t)) tags.push(t);
    }
    if (tags.length > DETAIL_LIMITS.tags) throw bad(`at most ${DETAIL_LIMITS.tags} tags`);
    out.tags = tags;
  }
  return out;
}

import type { AnyEvent, RecordingDetails } from '@speech/contracts';
import type { MessageContext } from '@speech/messaging';
import type { Logger } from '@speech/platform';
import { transcriptSegments, type SearchIndex, type SearchRecording, type SearchSegment } from '@speech/search';
import { corrector, isEmptyCorrections } from '@speech/transcript';
import type { ObjectStore } from '@speech/storage';
import type { ReadModel, RecordingDoc } from './read-model';

/**
 * Keeps the search index in step with the read model: after each event the read model applied,
 * the recording's searchable fields (title, tags, filters) are put again, and its transcript is
 * indexed when `transcript.completed` arrives (or when the upload arrives after it), streamed
 * from the object store segment by segment. Runs in the read model's handler, so in the single
 * process its writes commit with the event's offset; a redelivery replaces the same rows.
 */
export class SearchIndexer {
  constructor(
    private readonly index: SearchIndex,
    private readonly model: ReadModel,
    private readonly store: ObjectStore,
  ) {}

  /**
   * Indexes the recordings the index has never seen (a DATA_DIR or database from before search),
   * the transcript streamed as on transcript.completed. Runs in the background at start, outside
   * any unit of work, so each batch of segments commits on its own (memory stays flat); events
   * for a recording meanwhile put the same rows, and a backfill cut short is resumed next start.
   */
  async backfill(log?: Logger): Promise<number> {
    let n = 0;
    for await (const doc of this.model.allDocs()) {
      const userId = doc.userId;
      if (!userId) continue;
      const done = await this.index.indexed(doc._id);
      if (done === 'transcript' || (done === 'recording' && !doc.transcriptKey)) continue;
      await this.index.putRecording(searchRecordingOf(doc, userId));
      if (doc.transcriptKey) {
        await this.index.replaceTranscript(doc._id, segmentsOf(doc, await this.store.get(doc.transcriptKey)));
      }
      n++;
    }
    if (n) log?.info({ recordings: n }, 'search index: recordings from before search indexed');
    return n;
  }

  /** A deleted recording's rows (audio.deleted, or a late write that raced the deletion). */
  async remove(audioId: string): Promise<void> {
    await this.index.remove(audioId);
  }

  async apply(e: AnyEvent, ctx?: Pick<MessageContext, 'commitProgress'>): Promise<void> {
    const doc = await this.model.docById(e.audioId);
    // Not uploaded yet as far as the read model knows: the upload event indexes it.
    if (!doc?.userId) return;
    await this.index.putRecording(searchRecordingOf(doc, doc.userId));
    // The transcript is indexed as corrected: again when the owner corrects it.
    const key =
      e.type === 'transcript.completed'
        ? e.payload.transcriptKey
        : e.type === 'audio.uploaded' || e.type === 'transcript.corrected'
          ? doc.transcriptKey
          : null;
    if (!key) return;
    const body = await this.store.get(key);
    await this.index.replaceTranscript(doc._id, segmentsOf(doc, body), ctx?.commitProgress);
  }
}

/**
 * A stored transcript's segments, one at a time, with the owner's corrections applied (the edited
 * text, the swapped label): search finds what the transcript shows.
 */
function segmentsOf(doc: RecordingDoc, body: Parameters<typeof transcriptSegments>[0]): AsyncIterable<SearchSegment> {
  const segments = transcriptSegments(body);
  if (!doc.corrections || isEmptyCorrections(doc.corrections)) return segments;
  const fix = corrector(doc.corrections);
  return (async function* () {
    for await (const s of segments) yield { ...s, speaker: fix.label(s.speaker), text: fix.textOf(s.index) ?? s.text };
  })();
}

const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x.trim() !== '') : [];
const stringOr = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : null);

/**
 * What a recording is found and filtered by. The title, tags and agent are the recording's edited
 * details where it has them, else the upload's metadata (`title`, `tags`, `agent`), else the file
 * name for the title.
 */
export function searchRecordingOf(doc: RecordingDoc, userId: string): SearchRecording {
  // `details`: what PATCH /audios/:id sets (audio.details.changed), when present.
  const own: Partial<RecordingDetails> = doc.details ?? {};
  const meta = doc.metadata ?? {};
  return {
    audioId: doc._id,
    userId,
    teamIds: doc.teamIds ?? [],
    createdAt: doc.createdAt,
    title: stringOr(own.title) ?? stringOr(meta.title) ?? doc.filename,
    tags: strings(own.tags?.length ? own.tags : meta.tags),
    agent: stringOr(own.agent) ?? stringOr(meta.agent),
    callType: doc.callType ?? null,
    status: doc.status,
    issueTypes: doc.issueTypes ?? [],
  };
}

import type { Permission, RecordingView } from '@speech/contracts';
import type { Collection } from '@speech/persistence';
import type { AudioRecord } from './audio-repository';
import { publish, type GatewayDeps } from './upload-intake';

/**
 * Cancelling a queued or running transcription (POST /transcribe/:id/cancel, issue #14). The
 * gateway's record knows the latest request (requestTranscription keeps it), so a cancel names
 * it: `transcription.cancelled` carries its requestId (the stt-worker drops that request's work
 * and ignores the request should it arrive later) and its time (the read model shows `cancelled`
 * while no later request exists). Transcribe again makes a new request, which resumes.
 */

/**
 * Whether the recording's transcription may be cancelled. The record decides what is cancelled
 * (the read model may not have seen a request made a moment ago); the view decides whether it
 * already ended. A repeated cancel of the same request is accepted again (idempotent).
 */
export function cancelPermission(view: RecordingView, record: AudioRecord): Permission {
  const t = record.transcription;
  if (view.transcriptReady)
    return { allowed: false, reason: 'the recording is already transcribed; nothing to cancel' };
  if (!t) {
    return view.canCancelTranscription.allowed
      ? // Requested by a version that did not keep its request: there is no request to name.
        { allowed: false, reason: 'this transcription was requested before cancelling was possible' }
      : view.canCancelTranscription;
  }
  if (t.cancelledAt !== null) return { allowed: true, reason: 'already cancelled' };
  if (view.status === 'failed') return view.canCancelTranscription;
  return { allowed: true, reason: 'a transcription is queued or running' };
}

/**
 * Transcribe is allowed as the view says, and also right after a cancel the read model has not
 * shown yet (it still says `transcribing`): the new request supersedes the cancelled one.
 */
export function transcribePermission(view: RecordingView, record: AudioRecord): Permission {
  if (view.canTranscribe.allowed) return view.canTranscribe;
  if (record.transcription?.cancelledAt != null && view.status === 'transcribing' && !view.transcriptReady)
    return { allowed: true, reason: 'resuming a cancelled transcription' };
  return view.canTranscribe;
}

/**
 * Marks the latest request cancelled and publishes transcription.cancelled (one unit of work in
 * the single process). Conditional on the request read, so a Transcribe at the same moment is not
 * cancelled by mistake. A repeated cancel announces the same cancellation again: every consumer is
 * idempotent, and on Kafka it repairs an announcement that did not go out.
 */
export async function cancelTranscription(
  deps: GatewayDeps,
  audios: Collection<AudioRecord>,
  record: AudioRecord,
): Promise<{ status: 'cancelled'; requestId: string } | null> {
  return deps.tx.run(async () => {
    const current = await audios.get(record._id);
    const t = current?.transcription;
    if (!current || current.deleting || !t) return null;
    if (t.cancelledAt === null) {
      const saved = await audios.update(
        { _id: record._id, 'transcription.requestId': t.requestId, 'transcription.cancelledAt': null },
        { $set: { 'transcription.cancelledAt': Date.now() } },
      );
      if (!saved) return null;
    }
    await publish(deps, 'transcription.cancelled', record._id, `cancel-${t.requestId}`, {
      userId: current.userId,
      requestId: t.requestId,
      requestedAt: t.requestedAt,
    });
    deps.log.info({ audioId: record._id, requestId: t.requestId }, 'transcription cancelled');
    return { status: 'cancelled', requestId: t.requestId };
  });
}

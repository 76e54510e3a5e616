import type { Collection } from '@speech/persistence';
import { assertCanWrite, HttpError, type Viewer } from '@speech/platform';
import type { AudioRecord } from './audio-repository';

/**
 * The recording the caller may change, or an error: outside the caller's read scope (another
 * user's, another team's) a 404, as reads say; a team member's call seen by a manager a 403
 * (visibility.ts). One being deleted is missing too, unless `evenDeleting` (a repeated DELETE).
 */
export async function writableRecording(
  audios: Collection<AudioRecord>,
  viewer: Viewer,
  audioId: string,
  opts: { evenDeleting?: boolean } = {},
): Promise<AudioRecord> {
  const record = await audios.get(audioId);
  assertCanWrite(viewer, record && { ownerId: record.userId, teamIds: record.teamIds }, audioId);
  if (!record || (record.deleting && !opts.evenDeleting))
    throw new HttpError(404, 'AUDIO.NOT_FOUND', `no recording ${audioId}`);
  return record;
}

import type { Collection } from '@speech/persistence';
import { HttpError } from '@speech/platform';
import type { AudioRecord } from './audio-repository';

/**
 * The caller's recording, or a 404: another user's recording is reported as missing, as
 * reads do, and so is one being deleted unless `evenDeleting` (a repeated DELETE).
 */
export async function ownedRecording(
  audios: Collection<AudioRecord>,
  userId: string,
  audioId: string,
  opts: { evenDeleting?: boolean } = {},
): Promise<AudioRecord> {
  const record = await audios.get(audioId);
  if (!record || record.userId !== userId || (record.deleting && !opts.evenDeleting))
    throw new HttpError(404, 'AUDIO.NOT_FOUND', `no recording ${audioId}`);
  return record;
}

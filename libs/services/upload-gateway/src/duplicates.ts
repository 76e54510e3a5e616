import type { Collection } from '@speech/persistence';
import type { AudioRecord } from './audio-repository';

/**
 * A re-upload of the same file (issue #14): the user's earliest recording whose bytes have the
 * same SHA-256, still uploaded and not being deleted. Only the owner's own recordings are looked
 * at (another user's identical file is never linked). The upload is accepted either way; the
 * answer only flags it. Served by the (userId, sha256, uploadedAt) index (audio-repository.ts).
 */
export async function earlierCopyOf(
  audios: Collection<AudioRecord>,
  record: Pick<AudioRecord, '_id' | 'userId' | 'sha256'>,
): Promise<string | null> {
  if (!record.sha256) return null; // a resumable upload still open has no hash yet
  const [first] = await audios.find(
    {
      userId: record.userId,
      sha256: record.sha256,
      status: 'uploaded',
      deleting: { $ne: true },
      _id: { $ne: record._id },
    },
    { sort: { uploadedAt: 1, _id: 1 }, limit: 1 },
  );
  return first?._id ?? null;
}

/** What a recording's duplicate is called where it is shown: its edited title, else its file name. */
export function titleOf(record: Pick<AudioRecord, 'filename' | 'details' | 'metadata'>): string {
  const meta = record.metadata?.title;
  return record.details?.title ?? (typeof meta === 'string' && meta ? meta : null) ?? record.filename;
}

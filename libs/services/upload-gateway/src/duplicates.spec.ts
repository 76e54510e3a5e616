import { SqliteDocumentStore } from '@speech/persistence';
import { audiosCollection, type AudioRecord } from './audio-repository';
import { earlierCopyOf, titleOf } from './duplicates';

describe('earlierCopyOf (a re-upload of the same file)', () => {
  const hash = 'ab'.repeat(32);
  const record = (id: string, over: Partial<AudioRecord> = {}): AudioRecord => ({
    _id: id,
    userId: 'alice',
    filename: `${id}.mp3`,
    contentType: 'audio/mpeg',
    sizeBytes: 1000,
    sha256: hash,
    objectKey: `audio/${id}/source`,
    metadata: null,
    createdAt: 1,
    uploadedAt: 1,
    status: 'uploaded',
    upload: null,
    ...over,
  });
  const audios = () => audiosCollection(SqliteDocumentStore.inMemory());

  it("links the same user's same hash to their earliest recording of it", async () => {
    const c = await audios();
    await c.insert(record('second', { uploadedAt: 20 }));
    await c.insert(record('first', { uploadedAt: 10 }));
    await c.insert(record('other-file', { uploadedAt: 5, sha256: 'cd'.repeat(32) }));
    expect(await earlierCopyOf(c, record('third', { uploadedAt: 30 }))).toBe('first');
  });

  it('never links to the recording itself, nor when nothing matches', async () => {
    const c = await audios();
    await c.insert(record('only'));
    expect(await earlierCopyOf(c, record('only'))).toBeNull();
    expect(await earlierCopyOf(c, record('new', { sha256: 'ef'.repeat(32) }))).toBeNull();
    expect(await earlierCopyOf(c, record('open', { sha256: '' }))).toBeNull();
  });

  it("never links another user's identical file (tenant isolation)", async () => {
    const c = await audios();
    await c.insert(record('bobs', { userId: 'bob', uploadedAt: 1 }));
    expect(await earlierCopyOf(c, record('alices', { userId: 'alice', uploadedAt: 2 }))).toBeNull();
    expect(await earlierCopyOf(c, record('bobs-again', { userId: 'bob', uploadedAt: 3 }))).toBe('bobs');
  });

  it('skips a first copy being deleted, and one whose resumable upload is still open', async () => {
    const c = await audios();
    await c.insert(record('deleted', { uploadedAt: 1, deleting: true, deleteRequestedAt: 5 }));
    await c.insert(record('open', { uploadedAt: undefined, status: 'uploading' }));
    expect(await earlierCopyOf(c, record('new', { uploadedAt: 9 }))).toBeNull();
    await c.insert(record('kept', { uploadedAt: 2 }));
    expect(await earlierCopyOf(c, record('new', { uploadedAt: 9 }))).toBe('kept');
    // Deleted for good (audio.deleted purged the record): not linked either.
    await c.delete({ _id: 'kept' });
    expect(await earlierCopyOf(c, record('new', { uploadedAt: 9 }))).toBeNull();
  });

  it('names the first copy by its edited title, else the upload’s title, else its file name', () => {
    const r = record('a');
    expect(titleOf(r)).toBe('a.mp3');
    expect(titleOf({ ...r, metadata: { title: 'Renewal call' } })).toBe('Renewal call');
    expect(
      titleOf({
        ...r,
        metadata: { title: 'Renewal call' },
        details: { title: 'Edited', tags: [], agent: null, customer: null, notes: null },
      }),
    ).toBe('Edited');
  });
});

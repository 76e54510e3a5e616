import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChunkTranscript } from '@speech/contracts';
import { silentLogger } from '@speech/platform';
import { FsObjectStore } from '@speech/storage';
import { anEvent, eventually, inMemoryPlatform } from '@speech/testing';
import { createMerger } from './merger';

/** The merger's share of a deletion: its documents and the merged transcript go, and stay gone. */
describe('merger: audio.deleted', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'merger-del-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('removes the transcript and every record of the recording; a late chunk.transcribed recreates nothing', async () => {
    const store = new FsObjectStore(dir);
    const p = inMemoryPlatform();
    const merger = await createMerger({ bus: p.bus, store, docs: p.docs, log: silentLogger() });
    merger.subscribe();
    await p.bus.start();
    const key = 'audio/d1/stt/c0.json';
    const t: ChunkTranscript = {
      audioId: 'd1',
      chunkId: 'd1-c0',
      index: 0,
      channel: 0,
      speaker: 'agent',
      offsetMs: 0,
      durationMs: 45_000,
      engine: 'test',
      language: 'en-US',
      words: [{ text: 'hello', startMs: 100, endMs: 400, confidence: 1 }],
    };
    await store.putBuffer(key, JSON.stringify(t));
    const transcribed = anEvent('chunk.transcribed', 'd1', { chunkId: 'd1-c0', index: 0, transcriptKey: key });
    await p.bus.publish(anEvent('audio.chunked', 'd1', { chunkCount: 1, durationMs: 45_000, channels: 1 }));
    await p.bus.publish(transcribed);
    await eventually('the merged transcript', () => store.head('audio/d1/transcript.json'));
    // The merge is done when its record says so (the transcript files are written before it): a
    // deletion in the middle of it is another case (the handler's look after its writes).
    await eventually(
      'the merge recorded',
      async () =>
        (await p.docs.collection<{ _id: string; status: string }>('transcripts').get('d1'))?.status === 'merged',
    );

    await p.bus.publish(anEvent('audio.deleted', 'd1'));
    await eventually('the transcript gone', async () => !(await store.head('audio/d1/transcript.json')));
    await eventually('no record left', async () => {
      const left =
        (await p.docs.collection('merge_chunks').count({ audioId: 'd1' })) +
        (await p.docs.collection('transcripts').count({ _id: 'd1' }));
      return left === 0;
    });
    // Redelivered and late events: nothing comes back.
    await p.bus.publish(anEvent('audio.deleted', 'd1'));
    await p.bus.publish(transcribed);
    await p.bus.publish(anEvent('audio.chunked', 'd1', { chunkCount: 1, durationMs: 45_000, channels: 1 }));
    const probe = anEvent('audio.chunked', 'other', { chunkCount: 2, durationMs: 1, channels: 1 });
    await p.bus.publish(probe); // delivered after the late ones (same group, per-topic order): a marker
    await p.bus.publish(anEvent('chunk.transcription.failed', 'other', { chunkId: 'other-c0', index: 0 }));
    await p.bus.publish(
      anEvent('chunk.transcribed', 'other', { chunkId: 'other-c1', index: 1, transcriptKey: 'none' }),
    );
    await eventually(
      'the markers handled',
      async () =>
        Boolean(await p.docs.collection('transcripts').get('other')) &&
        (await p.docs.collection('merge_chunks').count({ audioId: 'other' })) >= 1,
    );
    expect(await p.docs.collection('merge_chunks').count({ audioId: 'd1' })).toBe(0);
    expect(await p.docs.collection('transcripts').get('d1')).toBeNull();
    expect(await store.head('audio/d1/transcript.json')).toBeNull();
    await p.close();
  });
});

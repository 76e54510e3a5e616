import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventOf } from '@speech/contracts';
import { SqliteDatabase, SqliteDocumentStore } from '@speech/persistence';
import { silentLogger } from '@speech/platform';
import { anEvent, eventually } from '@speech/testing';
import { eventBusContract } from './event-bus.contract';
import { SqliteEventBus } from './sqlite-event-bus';

const fastRetry = { maxAttempts: 3, initialBackoffMs: 1, maxBackoffMs: 5 };
const dir = mkdtempSync(join(tmpdir(), 'sqlite-bus-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const open: { db: SqliteDatabase; bus: SqliteEventBus }[] = [];
function openBus(file: string, compactEvery?: number) {
  const db = new SqliteDatabase(join(dir, `${file}.db`));
  const bus = new SqliteEventBus({ database: db, log: silentLogger(), retry: fastRetry, compactEvery });
  open.push({ db, bus });
  return { db, bus };
}
async function closeAll() {
  for (const { db, bus } of open.splice(0)) {
    await bus.stop();
    db.close();
  }
}

eventBusContract('single process (SQLite event log)', () => ({
  open: async (scope) => openBus(scope).bus,
  closeAll,
  patienceMs: 5_000,
}));

describe('SqliteEventBus', () => {
  afterEach(closeAll);

  it('commits a handler’s writes, its events and its offset together: a failed attempt leaves no trace', async () => {
    const { db, bus } = openBus('tx');
    const docs = new SqliteDocumentStore(db);
    const marks = docs.collection<{ _id: string; n: number }>('marks');
    const downstream: string[] = [];
    bus.subscribe('g', 'audio.chunked', async (e, ctx) => {
      await marks.update({ _id: e.audioId }, { $inc: { n: 1 } }, { upsert: true });
      await bus.publish(anEvent('transcription.requested', e.audioId));
      if (ctx.attempt === 1) throw new Error('crash after the writes');
    });
    bus.subscribe('d', 'transcription.requested', async (e) => void downstream.push(e.audioId));
    await bus.start();
    await bus.publish(anEvent('audio.chunked', 'a1'));
    await eventually('handled and passed on', () => bus.lag() === 0 && downstream.length > 0);
    // The first attempt's increment and event were rolled back with it: exactly one of each.
    expect(await marks.get('a1')).toEqual({ _id: 'a1', n: 1 });
    expect(downstream).toEqual(['a1']);
  });

  it('publishes with the caller’s unit of work, or not at all', async () => {
    const { db, bus } = openBus('outbox');
    const docs = new SqliteDocumentStore(db);
    const records = docs.collection<{ _id: string }>('records');
    const seen: string[] = [];
    bus.subscribe('g', 'audio.uploaded', async (e) => void seen.push(e.audioId));
    await bus.start();
    await expect(
      db.run(async () => {
        await records.insert({ _id: 'lost' });
        await bus.publish(anEvent('audio.uploaded', 'lost'));
        throw new Error('the request failed');
      }),
    ).rejects.toThrow();
    await db.run(async () => {
      await records.insert({ _id: 'kept' });
      await bus.publish(anEvent('audio.uploaded', 'kept'));
    });
    await eventually('delivered', () => seen.length > 0);
    expect(seen).toEqual(['kept']);
    expect(await records.get('lost')).toBeNull();
  });

  it('never hands out an offset twice, even after compaction emptied a partition and the process restarted', async () => {
    const seen: number[] = [];
    const handler = async (e: EventOf<'chunk.created'>) => void seen.push(e.payload.index);
    const first = openBus('offsets', 2);
    first.bus.subscribe('g', 'chunk.created', handler);
    await first.bus.start();
    for (let i = 0; i < 6; i++) await first.bus.publish(anEvent('chunk.created', 'a', { index: i }));
    await eventually('consumed', () => first.bus.lag() === 0);
    await first.bus.stop();
    const left = first.db.db.prepare("SELECT count(*) AS n FROM bus_log WHERE topic = 'chunk.created'").get();
    expect(left).toEqual({ n: 0 }); // compacted: every group has consumed everything

    // An ordinary restart (the bug was here: offsets counted again from 0, under the commits).
    const second = openBus('offsets', 2);
    second.bus.subscribe('g', 'chunk.created', handler);
    await second.bus.start();
    for (let i = 6; i < 9; i++) await second.bus.publish(anEvent('chunk.created', 'a', { index: i }));
    await eventually('the new ones too', () => seen.length === 9);
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
  });
});

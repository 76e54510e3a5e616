import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppError, type EventOf } from '@speech/contracts';
import { silentLogger } from '@speech/platform';
import { anEvent, eventually } from '@speech/testing';
import { InProcessEventBus } from './in-process-event-bus';

const fastRetry = { maxAttempts: 3, initialBackoffMs: 1, maxBackoffMs: 5 };

describe('InProcessEventBus', () => {
  let buses: InProcessEventBus[] = [];
  const dirs: string[] = [];
  const newBus = (dataDir?: string) => {
    const bus = new InProcessEventBus({ log: silentLogger(), retry: fastRetry, dataDir });
    buses.push(bus);
    return bus;
  };
  afterEach(async () => {
    await Promise.all(buses.map((b) => b.stop()));
    buses = [];
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('delivers every event to every group, in order per key', async () => {
    const bus = newBus();
    const seen: Record<string, string[]> = { a: [], b: [] };
    for (const group of ['a', 'b']) {
      bus.subscribe(group, 'chunk.created', async (e) => void seen[group].push(`${e.audioId}:${e.payload.index}`));
    }
    await bus.start();
    for (let i = 0; i < 20; i++) await bus.publish(anEvent('chunk.created', `audio-${i % 3}`, { index: i }));
    await eventually('all delivered', () => bus.lag() === 0);
    for (const group of ['a', 'b']) {
      expect(seen[group]).toHaveLength(20);
      for (const audio of ['audio-0', 'audio-1', 'audio-2']) {
        const idx = seen[group].filter((s) => s.startsWith(`${audio}:`)).map((s) => Number(s.split(':')[1]));
        expect(idx).toEqual([...idx].sort((x, y) => x - y));
      }
    }
  });

  it('retries a failing handler, then succeeds without dead-lettering', async () => {
    const bus = newBus();
    let calls = 0;
    bus.subscribe('g', 'audio.chunked', async (_e, ctx) => {
      calls++;
      if (ctx.attempt < 2) throw new Error('transient');
    });
    await bus.start();
    await bus.publish(anEvent('audio.chunked', 'a1'));
    await eventually('handled', () => bus.lag() === 0);
    expect(calls).toBe(2);
    expect(bus.deadLetters('audio.chunked')).toHaveLength(0);
  });

  it('dead-letters after the retry budget, with the original headers and the reason, and moves on', async () => {
    const bus = newBus();
    const handled: string[] = [];
    bus.subscribe('g', 'audio.chunked', async (e) => {
      if (e.audioId === 'poison') throw new Error('always fails');
      handled.push(e.audioId);
    });
    await bus.start();
    await bus.publish(anEvent('audio.chunked', 'poison'));
    await bus.publish(anEvent('audio.chunked', 'fine'));
    await eventually('both consumed', () => bus.lag() === 0);
    expect(handled).toEqual(['fine']);
    const [dl] = bus.deadLetters('audio.chunked');
    expect(dl.key).toBe('poison');
    expect(dl.headers).toMatchObject({
      'correlation-id': 'corr-poison',
      'dlq-group': 'g',
      'dlq-error': 'always fails',
    });
  });

  it('dead-letters a non-retriable error at once', async () => {
    const bus = newBus();
    let calls = 0;
    bus.subscribe('g', 'audio.chunked', async () => {
      calls++;
      throw new AppError('X.BAD', 'never works', { retriable: false });
    });
    await bus.start();
    await bus.publish(anEvent('audio.chunked', 'a'));
    await eventually('consumed', () => bus.lag() === 0);
    expect(calls).toBe(1);
    expect(bus.deadLetters('audio.chunked')[0].headers['dlq-error-code']).toBe('X.BAD');
  });

  it('runs partitions in parallel up to the subscription concurrency', async () => {
    const bus = newBus();
    let active = 0;
    let peak = 0;
    bus.subscribe(
      'g',
      'stt.chunk.requested',
      async () => {
        active++;
        peak = Math.max(peak, active);
        await new Promise((r) => setTimeout(r, 20));
        active--;
      },
      { concurrency: 3 },
    );
    await bus.start();
    for (let i = 0; i < 24; i++) await bus.publish(anEvent('stt.chunk.requested', 'a', { chunkId: `chunk-${i}` }));
    await eventually('drained', () => bus.lag() === 0);
    expect(peak).toBe(3);
  });

  it('keeps messages and committed positions across a restart (at-least-once, nothing twice once committed)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bus-'));
    dirs.push(dir);
    const first = newBus(dir);
    const seen: number[] = [];
    first.subscribe('g', 'chunk.created', async (e: EventOf<'chunk.created'>) => void seen.push(e.payload.index));
    await first.start();
    for (let i = 0; i < 3; i++) await first.publish(anEvent('chunk.created', 'a', { index: i }));
    await eventually('first three', () => seen.length === 3);
    await first.stop();

    // Published while nobody consumes (as after a crash), then picked up by a new process.
    const producer = newBus(dir);
    await producer.publish(anEvent('chunk.created', 'a', { index: 3 }));
    await producer.stop();

    const second = newBus(dir);
    second.subscribe('g', 'chunk.created', async (e: EventOf<'chunk.created'>) => void seen.push(e.payload.index));
    await second.start();
    await eventually('the fourth', () => seen.length === 4);
    expect(seen).toEqual([0, 1, 2, 3]);
  });
});

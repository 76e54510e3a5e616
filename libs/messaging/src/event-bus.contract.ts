import { randomUUID } from 'node:crypto';
import type { EventOf, TopicName } from '@speech/contracts';
import { AppError } from '@speech/kernel';
import { anEvent, eventually } from '@speech/testing';
import type { DeadLetter, EventBus } from './event-bus.port';

export interface EventBusUnderTest {
  /**
   * A bus on the same log for `scope` (topics, groups): a second call with the same scope is
   * another process on the same data, as after a restart. Retries must be fast (≤ 3 attempts).
   */
  open(scope: string): Promise<EventBus>;
  /** Stops and forgets every bus opened by the test. */
  closeAll(): Promise<void>;
  /** How long a message may take to arrive (Kafka rebalances take seconds). */
  patienceMs: number;
}

/** The dead letters that `group` receives for `topics`, collected as they arrive. */
function deadLettersOf(bus: EventBus, group: string, topics: readonly TopicName[]): DeadLetter[] {
  const got: DeadLetter[] = [];
  bus.subscribeDeadLetters(group, topics, async (dl) => void got.push(dl));
  return got;
}

/**
 * One behaviour for every EventBus adapter: the single process's SQLite event log and Kafka
 * run the same suite, so the two modes cannot drift apart.
 */
export function eventBusContract(name: string, setup: () => EventBusUnderTest): void {
  describe(`EventBus contract: ${name}`, () => {
    const sut = setup();
    const wait = (what: string, cond: () => boolean) => eventually(what, cond, sut.patienceMs);
    let scope: string;
    beforeEach(() => {
      scope = randomUUID().slice(0, 8);
    });
    afterEach(() => sut.closeAll());

    it('delivers every event to every group, in order per key', async () => {
      const bus = await sut.open(scope);
      const seen: Record<string, string[]> = { a: [], b: [] };
      for (const group of ['a', 'b']) {
        bus.subscribe(
          `${group}-${scope}`,
          'chunk.created',
          async (e) => void seen[group].push(`${e.audioId}:${e.payload.index}`),
        );
      }
      await bus.start();
      for (let i = 0; i < 20; i++) await bus.publish(anEvent('chunk.created', `audio-${i % 3}`, { index: i }));
      await wait('all delivered', () => seen.a.length >= 20 && seen.b.length >= 20);
      for (const group of ['a', 'b']) {
        expect(new Set(seen[group]).size).toBe(20);
        for (const audio of ['audio-0', 'audio-1', 'audio-2']) {
          const idx = seen[group].filter((s) => s.startsWith(`${audio}:`)).map((s) => Number(s.split(':')[1]));
          expect(idx).toEqual([...idx].sort((x, y) => x - y));
        }
      }
    });

    it('retries a failing handler with the attempt number, then succeeds without dead-lettering', async () => {
      const bus = await sut.open(scope);
      const attempts: number[] = [];
      bus.subscribe(`g-${scope}`, 'audio.chunked', async (_e, ctx) => {
        attempts.push(ctx.attempt);
        if (ctx.attempt < 2) throw new Error('transient');
      });
      const dead = deadLettersOf(bus, `dl-${scope}`, ['audio.chunked']);
      await bus.start();
      await bus.publish(anEvent('audio.chunked', 'a1'));
      await wait('handled', () => attempts.length >= 2);
      expect(attempts).toEqual([1, 2]);
      expect(dead).toEqual([]);
    });

    it('dead-letters after the retry budget, with the original headers and the reason, and moves on', async () => {
      const bus = await sut.open(scope);
      const handled: string[] = [];
      bus.subscribe(`g-${scope}`, 'audio.chunked', async (e) => {
        if (e.audioId === 'poison') throw new Error('always fails');
        handled.push(e.audioId);
      });
      // Two dead-letter subscribers of different groups: each gets every dead letter.
      const dead = deadLettersOf(bus, `dl-${scope}`, ['audio.chunked']);
      const other = deadLettersOf(bus, `dl2-${scope}`, ['audio.chunked']);
      await bus.start();
      await bus.publish(anEvent('audio.chunked', 'poison'));
      await bus.publish(anEvent('audio.chunked', 'fine'));
      await wait('handled and dead-lettered', () => handled.includes('fine') && dead.length > 0 && other.length > 0);
      expect(handled).toEqual(['fine']);
      expect(dead[0].topic).toBe('audio.chunked');
      expect(dead[0].key).toBe('poison');
      expect(dead[0].headers).toMatchObject({
        'correlation-id': 'corr-poison',
        'event-type': 'audio.chunked',
        'dlq-group': `g-${scope}`,
        'dlq-error': 'always fails',
        'dlq-original-topic': expect.stringContaining('audio.chunked'),
        'dlq-original-offset': expect.any(String),
      });
      expect(dead[0].headers['event-id']).toBeTruthy();
    });

    it('adds dead-letter subscriptions of one group instead of replacing them', async () => {
      const bus = await sut.open(scope);
      bus.subscribe(`g-${scope}`, 'audio.chunked', async () => {
        throw new AppError('X.BAD', 'never works', { retriable: false });
      });
      bus.subscribe(`g-${scope}`, 'chunk.created', async () => {
        throw new AppError('X.BAD', 'never works', { retriable: false });
      });
      // One group, two calls (as two components of one service would make them): both keep working.
      const first = deadLettersOf(bus, `dl-${scope}`, ['audio.chunked']);
      const second = deadLettersOf(bus, `dl-${scope}`, ['chunk.created']);
      await bus.start();
      await bus.publish(anEvent('audio.chunked', 'one'));
      await bus.publish(anEvent('chunk.created', 'two'));
      await wait('both dead-lettered', () => first.length > 0 && second.length > 0);
      expect(first.map((d) => [d.topic, d.key])).toEqual([['audio.chunked', 'one']]);
      expect(second.map((d) => [d.topic, d.key])).toEqual([['chunk.created', 'two']]);
    });

    it('dead-letters a non-retriable error at once', async () => {
      const bus = await sut.open(scope);
      let calls = 0;
      bus.subscribe(`g-${scope}`, 'audio.chunked', async () => {
        calls++;
        throw new AppError('X.BAD', 'never works', { retriable: false });
      });
      const dead = deadLettersOf(bus, `dl-${scope}`, ['audio.chunked']);
      await bus.start();
      await bus.publish(anEvent('audio.chunked', 'a'));
      await wait('dead-lettered', () => dead.length > 0);
      expect(calls).toBe(1);
      expect(dead[0].headers['dlq-error-code']).toBe('X.BAD');
    });

    it('runs partitions in parallel up to the subscription concurrency', async () => {
      const bus = await sut.open(scope);
      let active = 0;
      let peak = 0;
      let done = 0;
      bus.subscribe(
        `g-${scope}`,
        'stt.chunk.requested',
        async () => {
          active++;
          peak = Math.max(peak, active);
          await new Promise((r) => setTimeout(r, 50));
          active--;
          done++;
        },
        { concurrency: 2 },
      );
      await bus.start();
      for (let i = 0; i < 16; i++) await bus.publish(anEvent('stt.chunk.requested', 'a', { chunkId: `a-c0-${i}` }));
      await wait('drained', () => done >= 16);
      expect(peak).toBe(2);
    });

    it('gives an ephemeral subscription what is published after it started, and nothing older', async () => {
      const bus = await sut.open(scope);
      await bus.publish(anEvent('audio.chunked', 'before'));
      const seen: string[] = [];
      bus.subscribe(`live-${scope}`, 'audio.chunked', async (e) => void seen.push(e.audioId), { ephemeral: true });
      await bus.start();
      // Kafka assigns the group's partitions a moment after start: publish until one arrives.
      for (let i = 0; !seen.some((s) => s.startsWith('after')); i++) {
        if (i * 250 > sut.patienceMs) throw new Error(`nothing published after start arrived: ${seen.join(', ')}`);
        await bus.publish(anEvent('audio.chunked', `after-${i}`));
        await new Promise((r) => setTimeout(r, 250));
      }
      expect(seen).not.toContain('before');
    });

    it('keeps messages and committed positions across a restart: nothing lost, nothing handled twice once committed', async () => {
      const seen: number[] = [];
      const group = `g-${scope}`;
      const handler = async (e: EventOf<'chunk.created'>) => void seen.push(e.payload.index);
      const first = await sut.open(scope);
      first.subscribe(group, 'chunk.created', handler);
      await first.start();
      for (let i = 0; i < 3; i++) await first.publish(anEvent('chunk.created', 'a', { index: i }));
      await wait('first three', () => seen.length === 3);
      await first.stop();

      // Published while nobody consumes (as after a crash), then picked up by a new process.
      const producer = await sut.open(scope);
      await producer.publish(anEvent('chunk.created', 'a', { index: 3 }));
      await producer.stop();

      const second = await sut.open(scope);
      second.subscribe(group, 'chunk.created', handler);
      await second.start();
      await wait('the fourth', () => seen.length >= 4);
      expect(seen).toEqual([0, 1, 2, 3]);
    });
  });
}

import { randomUUID } from 'node:crypto';
import type { PayloadMap } from './generated/events.generated';
import { SCHEMA_VERSIONS } from './generated/events.generated';

export type TopicName = keyof PayloadMap;

/** The one envelope every event carries (docs/ARCHITECTURE.md, "Events"). */
export interface Envelope {
  eventId: string;
  type: TopicName;
  version: number;
  occurredAt: number;
  audioId: string;
  correlationId: string;
  causationId: string | null;
  producer: string;
}

/** An event of topic T; of a union of topics, the union of their events (so a switch on `type` narrows). */
export type EventOf<T extends TopicName> = T extends TopicName ? Envelope & { type: T; payload: PayloadMap[T] } : never;
export type AnyEvent = EventOf<TopicName>;

/** What an event is caused by: a user action (correlationId) or another event. */
export interface Cause {
  audioId: string;
  correlationId: string;
  causationId?: string | null;
}

export function newEvent<T extends TopicName>(
  type: T,
  producer: string,
  cause: Cause,
  payload: PayloadMap[T],
  now: () => number = Date.now,
): EventOf<T> {
  return {
    eventId: randomUUID(),
    type,
    version: SCHEMA_VERSIONS[type],
    occurredAt: now(),
    audioId: cause.audioId,
    correlationId: cause.correlationId,
    causationId: cause.causationId ?? null,
    producer,
    payload,
  } as EventOf<T>;
}

/** The cause to hand to events produced while handling `e`. */
export function causedBy(e: Envelope): Cause {
  return { audioId: e.audioId, correlationId: e.correlationId, causationId: e.eventId };
}

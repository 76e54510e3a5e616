import { randomUUID } from 'node:crypto';
import type { PayloadMap } from './generated/events.generated';
import { SCHEMA_VERSIONS } from './generated/events.generated';

export type TopicName = keyof PayloadMap;

/** The one envelope every event carries (STYLE.md "One envelope"). */
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

export type EventOf<T extends TopicName> = Envelope & { type: T; payload: PayloadMap[T] };
export type AnyEvent = { [T in TopicName]: EventOf<T> }[TopicName];

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

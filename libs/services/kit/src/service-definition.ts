import type { Express } from 'express';
import type { TopicName } from '@speech/contracts';
import type { EventBus, Handler, SubscribeOptions } from '@speech/messaging';
import type { DocumentStore, Transactor } from '@speech/persistence';
import type { Logger } from '@speech/platform';
import type { MultipartUploads, ObjectStore } from '@speech/storage';

/**
 * What every service is given, whichever way it runs: the single process hands each one the
 * SQLite bus, store and unit of work it shares; a distributed service gets Kafka, MongoDB and S3.
 */
export interface ServiceInfra {
  bus: EventBus;
  store: ObjectStore & MultipartUploads;
  docs: DocumentStore;
  tx: Transactor;
  log: Logger;
}

/**
 * A service, defined once (`define<Service>(infra, …)` in libs/services/<service>) and run by both
 * composition roots: apps/<service>/src/main.ts alone, apps/standalone with the others.
 */
export interface ServiceDefinition {
  readonly name: string;
  /** Subscribes its handlers; called before the bus starts. */
  subscribe(): void;
  /** Its HTTP routes, beside /healthz, /readyz and /metrics. */
  mount?(app: Express): void | Promise<void>;
  /** Stops what it runs on its own (timers, children); called after the bus has stopped. */
  stop?(): Promise<void>;
}

/** A group's handlers by topic: each handler typed with its topic's event. */
export type HandlerMap = { [T in TopicName]?: Handler<T> };

export function subscribeAll(bus: EventBus, groupId: string, handlers: HandlerMap, opts?: SubscribeOptions): void {
  for (const topic of Object.keys(handlers) as TopicName[]) {
    const handler = handlers[topic] as Handler<typeof topic> | undefined;
    if (handler) bus.subscribe(groupId, topic, handler, opts);
  }
}

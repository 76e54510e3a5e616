import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Express, Request, Response } from 'express';
import express from 'express';
import { EventEmitter } from 'node:events';
import { newEvent, objectKeys, TOPIC_NAMES, type RecordingView } from '@speech/contracts';
import type { EventBus } from '@speech/messaging';
import type { DocumentStore, Transactor } from '@speech/persistence';
import { HttpError, route, userOf, type AccessControl, type Logger } from '@speech/platform';
import type { ObjectStore } from '@speech/storage';
import { ReadModel, type RecordingDoc } from './read-model';

export const GROUP = 'query';
/** Topics the read model does not build from: work items, and its own live notifications. */
const NOT_FACTS = new Set<string>(['stt.chunk.requested', 'chunk.range.requested', 'recording.changed']);

export interface QueryDeps {
  bus: EventBus;
  store: ObjectStore;
  docs: DocumentStore;
  /** The single process's unit of work: live updates wait for the change to commit. */
  tx?: Transactor;
  access: AccessControl;
  log: Logger;
  /** Folder with the dashboard's static files. */
  dashboardDir: string;
  config?: { heartbeatMs?: number };
  /**
   * How live clients learn of changes. `in-process` (one process, the single-process mode): from
   * the read model's own writes. `bus` (several query replicas share the read model and each
   * applies only its partitions): the replica that wrote a change publishes `recording.changed`,
   * and every replica, through an ephemeral subscription of its own, tells its clients.
   */
  live?: 'in-process' | 'bus';
}

/** Builds the read model from every lifecycle topic and serves reads, SSE and the dashboard. */
export async function createQueryService(deps: QueryDeps) {
  const model = new ReadModel(deps.docs, Date.now, deps.tx);
  await model.init();

  // What the SSE route listens to: `change` (userId, view).
  const live = deps.live === 'bus' ? new EventEmitter().setMaxListeners(0) : model.changes;
  if (deps.live === 'bus') {
    model.changes.on('change', (userId: string, view: RecordingView) => {
      const cause = { audioId: view.audioId, correlationId: `live-${view.audioId}` };
      // A notification, best effort: the change itself is stored, and a client that misses one
      // sees it on its next read (the dashboard reloads the list when its stream reconnects).
      deps.bus
        .publish(newEvent('recording.changed', GROUP, cause, { userId }))
        .catch((err: unknown) => deps.log.warn({ err, audioId: view.audioId }, 'live notification not sent'));
    });
  }

  function subscribe(): void {
    for (const topic of TOPIC_NAMES) {
      if (NOT_FACTS.has(topic)) continue;
      deps.bus.subscribe(GROUP, topic, (e) => model.apply(e));
    }
    if (deps.live === 'bus') {
      deps.bus.subscribe(
        `${GROUP}-live`,
        'recording.changed',
        async (e) => {
          const view = await model.get(e.payload.userId, e.audioId);
          if (view) live.emit('change', e.payload.userId, view);
        },
        { ephemeral: true },
      );
    }
    deps.bus.subscribeDeadLetters(`${GROUP}-dlq`, TOPIC_NAMES, (dl) => model.applyDeadLetter(dl));
  }

  function mount(app: Express): void {
    const auth = [...deps.access.user, deps.access.read];
    app.use('/', express.static(deps.dashboardDir, { index: 'index.html', maxAge: 0 }));

    app.get(
      '/all',
      auth,
      route(async (req, res) => {
        const limit = Math.min(Math.max(Number(req.query.limit ?? 50) || 50, 1), 200);
        const cursor = typeof req.query.cursor === 'string' && req.query.cursor ? req.query.cursor : undefined;
        const status = typeof req.query.status === 'string' && req.query.status ? req.query.status : undefined;
        res.json(await model.list(userOf(req).id, { limit, cursor, status }));
      }),
    );

    app.get(
      '/audios/:audioId',
      auth,
      route(async (req, res) => {
        res.json(await mustView(req));
      }),
    );

    app.get(
      '/audios/:audioId/transcript',
      auth,
      route(async (req, res) => {
        const text = req.query.format === 'text';
        await sendArtefact(req, res, {
          what: 'transcript',
          code: 'TRANSCRIPT.NOT_FOUND',
          keyOf: (doc) => doc.transcriptKey && (text ? objectKeys.transcript(doc._id).text : doc.transcriptKey),
          type: text ? 'text/plain; charset=utf-8' : 'application/json',
        });
      }),
    );

    app.get(
      '/audios/:audioId/analysis',
      auth,
      route(async (req, res) => {
        await sendArtefact(req, res, {
          what: 'analysis',
          code: 'ANALYSIS.NOT_FOUND',
          keyOf: (doc) => doc.analysisKey,
          type: 'application/json',
        });
      }),
    );

    // EventSource cannot set headers, so this route also takes ?access_token=.
    app.get('/events', ...deps.access.streamUser, deps.access.stream, (req: Request, res: Response) => {
      const user = userOf(req);
      res.writeHead(200, {
        'Content-Type': 'text/event-stream',
        'Cache-Control': 'no-cache, no-transform',
        Connection: 'keep-alive',
        'X-Accel-Buffering': 'no',
      });
      res.write('retry: 2000\n\n');
      const onChange = (userId: string, view: RecordingView) => {
        if (userId === user.id) res.write(`event: recording\ndata: ${JSON.stringify(view)}\n\n`);
      };
      live.on('change', onChange);
      const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), deps.config?.heartbeatMs ?? 15_000);
      req.on('close', () => {
        clearInterval(heartbeat);
        live.off('change', onChange);
      });
    });

    /** Streams one of the user's recording's stored artefacts, or says why there is none yet. */
    async function sendArtefact(
      req: Request,
      res: Response,
      a: { what: string; code: string; keyOf: (doc: RecordingDoc) => string | null; type: string },
    ): Promise<void> {
      const doc = await model.doc(userOf(req).id, String(req.params.audioId));
      if (!doc) throw new HttpError(404, 'AUDIO.NOT_FOUND', `no recording ${req.params.audioId}`);
      const key = a.keyOf(doc);
      if (!key) throw new HttpError(404, a.code, `the recording is ${doc.status}; it has no ${a.what} yet`);
      res.type(a.type);
      await pipeline(await deps.store.get(key), res);
    }

    async function mustView(req: Request): Promise<RecordingView> {
      const view = await model.get(userOf(req).id, String(req.params.audioId));
      if (!view) throw new HttpError(404, 'AUDIO.NOT_FOUND', `no recording ${req.params.audioId}`);
      return view;
    }
  }

  return { model, subscribe, mount };
}

export const DEFAULT_DASHBOARD_DIR = join(__dirname, '../../../../apps/dashboard/public');

import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Express, Request, Response } from 'express';
import express from 'express';
import { EventEmitter } from 'node:events';
import {
  analysisCsv,
  buildReport,
  isReportFormat,
  REPORT_CONTENT_TYPES,
  REPORT_FORMATS,
  reportHtmlParts,
  DEFAULT_SCORECARD_TEMPLATE,
  type AnalysisResult,
  type ScorecardTemplate,
} from '@speech/analysis';
import {
  audioIdOfKey,
  newEvent,
  objectKeys,
  TOPIC_NAMES,
  type RecordingView,
  type Transcript,
} from '@speech/contracts';
import type { EventBus } from '@speech/messaging';
import type { DocumentStore, Transactor } from '@speech/persistence';
import {
  attachmentDisposition,
  canRead,
  HttpError,
  parseByteRange,
  route,
  safeFilename,
  sendError,
  sendPrivate,
  userOf,
  type AccessControl,
  type Logger,
} from '@speech/platform';
import { SearchQueryError, type SearchIndex } from '@speech/search';
import { getJson, type ObjectStore } from '@speech/storage';
import { deletionsOf, onAudioDeleted, skipDeleted } from '@speech/service-kit';
import {
  applyCorrections,
  exportTranscript,
  isEmptyCorrections,
  isTranscriptFormat,
  plainText,
  TRANSCRIPT_FORMATS,
} from '@speech/transcript';
import { playableMediaType } from './media-type';
import { ReadModel, type RecordingDoc } from './read-model';
import { recordingsCsvHeader, recordingsCsvRows } from './recordings-csv';
import { reportPdf } from './report-pdf';
import { SearchIndexer } from './search-indexer';
import { teamAgents, teamAgentsQueryOf } from './team-agents';
import { searchQueryOf } from './search-params';
import { Trackers } from './trackers';
import { isObjectionType, ObjectionQueryError, Objections } from './objections';
import { recordingScorecard } from './scorecards';

export const GROUP = 'query';
/** Topics the read model does not build from: work items, and its own live notifications. */
const NOT_FACTS = new Set<string>([
  'stt.chunk.requested',
  'chunk.range.requested',
  'recording.changed',
  'tracker.changed',
]);

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
  /** The full-text index behind GET /search, kept by the read model's handlers; none: a 503. */
  search?: SearchIndex;
  /** The scorecard template (SCORECARD_TEMPLATE, scorecards.ts); absent: the default one. */
  scorecardTemplate?: ScorecardTemplate;
}

/** Builds the read model from every lifecycle topic and serves reads, SSE and the dashboard. */
export async function createQueryService(deps: QueryDeps) {
  const model = new ReadModel(deps.docs, Date.now, deps.tx);
  await model.init();
  await deps.search?.init();
  const indexer = deps.search ? new SearchIndexer(deps.search, model, deps.store) : null;

  // What the SSE route listens to: `change` (userId, view).
  const live = deps.live === 'bus' ? new EventEmitter().setMaxListeners(0) : model.changes;
  if (deps.live === 'bus') {
    model.changes.on('change', (userId: string, view: RecordingView, teamIds: string[] = []) => {
      const cause = { audioId: view.audioId, correlationId: `live-${view.audioId}` };
      // A notification, best effort: the change itself is stored, and a client that misses one
      // sees it on its next read (the dashboard reloads the list when its stream reconnects).
      deps.bus
        .publish(newEvent('recording.changed', GROUP, cause, { userId, deleted: false, teamIds }))
        .catch((err: unknown) => deps.log.warn({ err, audioId: view.audioId }, 'live notification not sent'));
    });
    model.changes.on('deleted', (userId: string, audioId: string, teamIds: string[] = []) => {
      deps.bus
        .publish(
          newEvent(
            'recording.changed',
            GROUP,
            { audioId, correlationId: `live-${audioId}` },
            { userId, deleted: true, teamIds },
          ),
        )
        .catch((err: unknown) => deps.log.warn({ err, audioId }, 'live notification not sent'));
    });
  }

  // A deleted recording's late events (and dead letters) must not bring its row back.
  const deletions = deletionsOf(deps.docs);
  // Trackers (issue #15): definitions from tracker.changed, hits, the retroactive jobs.
  const trackers = new Trackers({ ...deps, model, deletions });
  await trackers.init();
  // The objection library (objections.ts): the latest analysis's objections of every recording.
  const objections = new Objections({ ...deps, model });
  await objections.init();
  const forget = async (audioId: string, userId?: string) => {
    await model.remove(audioId, userId);
    await indexer?.remove(audioId);
    await trackers.removeRecording(audioId);
    await objections.removeRecording(audioId);
  };
  const purge = (audioId: string) => forget(audioId);

  function subscribe(): void {
    // Recordings from before search (an older DATA_DIR or database), in the background.
    indexer
      ?.backfill(deps.log)
      .catch((err: unknown) => deps.log.warn({ err }, 'search index: backfill stopped; it resumes on the next start'));
    for (const topic of TOPIC_NAMES) {
      if (NOT_FACTS.has(topic)) continue;
      if (topic === 'audio.deleted') continue;
      // A row removed by the guard (a late event raced the deletion) was already announced gone.
      deps.bus.subscribe(
        GROUP,
        topic,
        skipDeleted(deletions, purge, async (e, ctx) => {
          await model.apply(e);
          await indexer?.apply(e, ctx);
          // A new transcript (or its upload arriving after it): the owner's trackers run on it.
          if (e.type === 'transcript.completed' || e.type === 'audio.uploaded') await trackers.onTranscript(e.audioId);
          if (e.type === 'analysis.completed' || e.type === 'audio.uploaded') await objections.sync(e.audioId);
        }),
      );
    }
    // Keyed by trackerId, not a recording's fact: no tombstone guard, no read-model row.
    deps.bus.subscribe(GROUP, 'tracker.changed', (e) => trackers.onChanged(e));
    trackers.start();
    deps.bus.subscribe(GROUP, 'audio.deleted', (e, ctx) =>
      onAudioDeleted(deletions, (audioId) => forget(audioId, e.payload.userId))(e, ctx),
    );
    if (deps.live === 'bus') {
      deps.bus.subscribe(
        `${GROUP}-live`,
        'recording.changed',
        async (e) => {
          if (e.payload.deleted) {
            live.emit('deleted', e.payload.userId, e.audioId, e.payload.teamIds ?? []);
            return;
          }
          const view = await model.get(e.payload.userId, e.audioId);
          if (view) live.emit('change', e.payload.userId, view, e.payload.teamIds ?? []);
        },
        { ephemeral: true },
      );
    }
    // A tracker's dead letter is no recording's failure (its key is a trackerId).
    const recordingTopics = TOPIC_NAMES.filter((t) => t !== 'tracker.changed');
    deps.bus.subscribeDeadLetters(`${GROUP}-dlq`, recordingTopics, async (dl) => {
      if (!(await deletions.isDeleted(audioIdOfKey(dl.topic, dl.key)))) await model.applyDeadLetter(dl);
    });
  }

  function mount(app: Express): void {
    const auth = [...deps.access.user, deps.access.read];
    app.use('/', express.static(deps.dashboardDir, { index: 'index.html', maxAge: 0 }));

    app.get(
      '/all',
      auth,
      route(async (req, res) => {
        if (req.query.format === 'csv') {
          // Every recording of the user, newest first, written page by page.
          res.setHeader('Content-Type', 'text/csv; charset=utf-8');
          res.setHeader('Content-Disposition', attachmentDisposition('recordings.csv'));
          res.setHeader('Cache-Control', 'private, no-cache');
          res.write(recordingsCsvHeader());
          let cursor: string | undefined;
          do {
            const page = await model.list(userOf(req), { limit: 200, cursor });
            if (res.destroyed) return;
            res.write(recordingsCsvRows(page.items));
            cursor = page.nextCursor ?? undefined;
          } while (cursor);
          res.end();
          return;
        }
        if (req.query.format !== undefined && req.query.format !== 'json') {
          throw new HttpError(
            400,
            'EXPORT.UNKNOWN_FORMAT',
            `format must be csv or json, not ${JSON.stringify(req.query.format)}`,
          );
        }
        const limit = Math.min(Math.max(Number(req.query.limit ?? 50) || 50, 1), 200);
        const cursor = typeof req.query.cursor === 'string' && req.query.cursor ? req.query.cursor : undefined;
        const status = typeof req.query.status === 'string' && req.query.status ? req.query.status : undefined;
        res.json(await model.list(userOf(req), { limit, cursor, status }));
      }),
    );

    // Full-text search over the user's titles, tags and transcripts (libs/search).
    app.get(
      '/search',
      auth,
      route(async (req, res) => {
        const q = searchQueryOf(userOf(req), req.query);
        if (!deps.search) throw new HttpError(503, 'SEARCH.UNAVAILABLE', 'search is not configured here');
        sendPrivate(res, await deps.search.search(q));
      }),
    );

    // The team view (team-agents.ts): per-agent figures of the viewer's teams, weekly, with the team's.
    app.get(
      '/team/agents',
      auth,
      route(async (req, res) => {
        const q = teamAgentsQueryOf(req.query);
        sendPrivate(res, await teamAgents({ model, store: deps.store }, userOf(req), q));
      }),
    );

    // Scorecards (scorecards.ts): the latest analysis scored against the template.
    app.get(
      '/audios/:audioId/scorecard',
      auth,
      route(async (req, res) => {
        const template = deps.scorecardTemplate ?? DEFAULT_SCORECARD_TEMPLATE;
        sendPrivate(
          res,
          await recordingScorecard({ model, store: deps.store, template }, userOf(req), String(req.params.audioId)),
        );
      }),
    );

    // Trackers (trackers.ts): the definitions with their job's progress, and their hits.
    app.get(
      '/trackers',
      auth,
      route(async (req, res) => {
        sendPrivate(res, { items: await trackers.list(userOf(req).id) });
      }),
    );

    app.get(
      '/trackers/:trackerId',
      auth,
      route(async (req, res) => {
        const t = await trackers.get(userOf(req).id, String(req.params.trackerId));
        if (!t) throw new HttpError(404, 'TRACKER.NOT_FOUND', `no tracker ${req.params.trackerId}`);
        sendPrivate(res, t);
      }),
    );

    app.get(
      '/trackers/:trackerId/hits',
      auth,
      route(async (req, res) => {
        const limitText = req.query.limit;
        const limit = limitText === undefined ? 50 : Number(limitText);
        if (typeof limitText !== 'undefined' && (typeof limitText !== 'string' || !/^\d+$/.test(limitText)))
          throw new HttpError(400, 'TRACKER.BAD_REQUEST', 'limit must be a whole number from 1 to 200');
        if (limit < 1 || limit > 200)
          throw new HttpError(400, 'TRACKER.BAD_REQUEST', 'limit must be a whole number from 1 to 200');
        const cursor = req.query.cursor;
        if (cursor !== undefined && (typeof cursor !== 'string' || !cursor))
          throw new HttpError(400, 'TRACKER.BAD_REQUEST', 'cursor must be the nextCursor of a previous page');
        let page;
        try {
          page = await trackers.hitsOf(userOf(req).id, String(req.params.trackerId), { limit, cursor });
        } catch (err) {
          if (err instanceof SearchQueryError) throw new HttpError(400, 'TRACKER.BAD_REQUEST', err.message);
          throw err;
        }
        if (!page) throw new HttpError(404, 'TRACKER.NOT_FOUND', `no tracker ${req.params.trackerId}`);
        sendPrivate(res, page);
      }),
    );

    // The objection library (objections.ts): counts per type, and one type's objections, playable.
    app.get(
      '/objections/types',
      auth,
      route(async (req, res) => {
        sendPrivate(res, { items: await objections.counts(userOf(req)) });
      }),
    );

    app.get(
      '/objections',
      auth,
      route(async (req, res) => {
        const type = req.query.type;
        if (!isObjectionType(type))
          throw new HttpError(
            400,
            'OBJECTION.BAD_REQUEST',
            `type must be an objection type, not ${JSON.stringify(type)}`,
          );
        const limitText = req.query.limit;
        if (limitText !== undefined && (typeof limitText !== 'string' || !/^\d+$/.test(limitText)))
          throw new HttpError(400, 'OBJECTION.BAD_REQUEST', 'limit must be a whole number from 1 to 200');
        const limit = limitText === undefined ? 50 : Number(limitText);
        if (limit < 1 || limit > 200)
          throw new HttpError(400, 'OBJECTION.BAD_REQUEST', 'limit must be a whole number from 1 to 200');
        const cursor = req.query.cursor;
        if (cursor !== undefined && (typeof cursor !== 'string' || !cursor))
          throw new HttpError(400, 'OBJECTION.BAD_REQUEST', 'cursor must be the nextCursor of a previous page');
        try {
          sendPrivate(res, await objections.page(userOf(req), type, { limit, cursor }));
        } catch (err) {
          if (err instanceof ObjectionQueryError) throw new HttpError(400, 'OBJECTION.BAD_REQUEST', err.message);
          throw err;
        }
      }),
    );

    app.get(
      '/audios/:audioId',
      auth,
      route(async (req, res) => {
        res.json(await mustView(req));
      }),
    );

    // No format: the transcript JSON; `text`: its plain text (both inline, as before).
    // txt|json|srt|vtt: a download built from the transcript (TRANSCRIPT_FORMATS). Every form is
    // the corrected transcript when the owner corrected it; `original=true`: the merged one as stored.
    app.get(
      '/audios/:audioId/transcript',
      auth,
      route(async (req, res) => {
        const format = req.query.format;
        const original = originalOf(req);
        if (format !== undefined && format !== 'text' && !isTranscriptFormat(format)) {
          throw new HttpError(
            400,
            'EXPORT.UNKNOWN_FORMAT',
            `format must be one of ${TRANSCRIPT_FORMATS.join(', ')} (or text), not ${JSON.stringify(format)}`,
          );
        }
        const { doc, key } = await artefactOf(req, 'transcript', 'TRANSCRIPT.NOT_FOUND', (d) => d.transcriptKey);
        const corrections =
          original || !doc.corrections || isEmptyCorrections(doc.corrections) ? null : doc.corrections;
        if (format === undefined || format === 'text') {
          const text = format === 'text';
          res.setHeader('Cache-Control', 'private, no-cache');
          if (!corrections) {
            // As stored, streamed.
            res.type(text ? 'text/plain; charset=utf-8' : 'application/json');
            await streamTo(req, res, await deps.store.get(text ? objectKeys.transcript(doc._id).text : key));
            return;
          }
          const corrected = applyCorrections(await getJson<Transcript>(deps.store, key), corrections);
          if (text) res.type('text/plain; charset=utf-8').send(plainText(corrected.segments, corrected.speakerNames));
          else res.json(corrected);
          return;
        }
        const stored = await getJson<Transcript>(deps.store, key);
        const out = exportTranscript(corrections ? applyCorrections(stored, corrections) : stored, format);
        sendDownload(res, out.body, out.contentType, safeFilename(doc.filename, `.transcript.${out.extension}`));
      }),
    );

    // The owner's corrections of the transcript and every revision of them, newest first.
    app.get(
      '/audios/:audioId/transcript/corrections',
      auth,
      route(async (req, res) => {
        const found = await model.corrections(userOf(req), String(req.params.audioId));
        if (!found) throw new HttpError(404, 'AUDIO.NOT_FOUND', `no recording ${req.params.audioId}`);
        sendPrivate(res, found);
      }),
    );

    // No format: the stored JSON; `csv`: the metrics as a CSV download. The latest analysis.
    app.get(
      '/audios/:audioId/analysis',
      auth,
      route(async (req, res) => {
        const format = analysisFormat(req);
        const { doc, key } = await artefactOf(req, 'analysis', 'ANALYSIS.NOT_FOUND', (d) => d.analysisKey);
        await sendAnalysis(req, res, format, key, safeFilename(doc.filename, '.metrics.csv'));
      }),
    );

    // Every analysis of the recording, newest first (a re-analysis keeps the earlier ones).
    app.get(
      '/audios/:audioId/analyses',
      auth,
      route(async (req, res) => {
        const limit = Math.min(Math.max(Number(req.query.limit ?? 50) || 50, 1), 200);
        const cursor = typeof req.query.cursor === 'string' && req.query.cursor ? req.query.cursor : undefined;
        const page = await model.analysisVersions(userOf(req), String(req.params.audioId), { limit, cursor });
        if (!page) throw new HttpError(404, 'AUDIO.NOT_FOUND', `no recording ${req.params.audioId}`);
        res.json(page);
      }),
    );

    // One analysis of the recording, in the formats of /analysis.
    app.get(
      '/audios/:audioId/analyses/:analysisId',
      auth,
      route(async (req, res) => {
        const format = analysisFormat(req);
        const audioId = String(req.params.audioId);
        const analysisId = String(req.params.analysisId);
        const doc = await model.doc(userOf(req), audioId);
        if (!doc) throw new HttpError(404, 'AUDIO.NOT_FOUND', `no recording ${audioId}`);
        const found = await model.analysis(doc, analysisId);
        if (!found) throw new HttpError(404, 'ANALYSIS.NOT_FOUND', `the recording has no analysis ${analysisId}`);
        const filename = safeFilename(doc.filename, `.metrics-${analysisId.slice(0, 8)}.csv`);
        await sendAnalysis(req, res, format, found.analysisKey, filename);
      }),
    );
    // The analysis as a printable report (html, the default, or pdf) with the recording's details
    // and transcript: the latest analysis, or the version `analysisId` names.
    app.get(
      '/audios/:audioId/report',
      auth,
      route(async (req, res) => {
        const format = req.query.format ?? 'html';
        if (!isReportFormat(format)) {
          throw new HttpError(
            400,
            'EXPORT.UNKNOWN_FORMAT',
            `format must be one of ${REPORT_FORMATS.join(', ')}, not ${JSON.stringify(format)}`,
          );
        }
        const version = req.query.analysisId;
        if (version !== undefined && (typeof version !== 'string' || !version)) {
          throw new HttpError(400, 'QUERY.BAD_REQUEST', 'analysisId must be one analysis id');
        }
        let doc: RecordingDoc;
        let key: string;
        if (version === undefined) {
          ({ doc, key } = await artefactOf(req, 'analysis', 'ANALYSIS.NOT_FOUND', (d) => d.analysisKey));
        } else {
          const found = await model.doc(userOf(req), String(req.params.audioId));
          if (!found) throw new HttpError(404, 'AUDIO.NOT_FOUND', `no recording ${req.params.audioId}`);
          const stored = await model.analysis(found, version);
          if (!stored) throw new HttpError(404, 'ANALYSIS.NOT_FOUND', `the recording has no analysis ${version}`);
          doc = found;
          key = stored.analysisKey;
        }
        const analysis = await getJson<AnalysisResult>(deps.store, key);
        const stored = doc.transcriptKey ? await getJson<Transcript>(deps.store, doc.transcriptKey) : null;
        // The corrected transcript, as every export shows it.
        const transcript = stored && doc.corrections ? applyCorrections(stored, doc.corrections) : stored;
        const details = doc.details ?? null;
        const report = buildReport({
          recording: {
            title: details?.title || doc.filename,
            filename: doc.filename,
            createdAt: doc.createdAt,
            durationMs: doc.durationMs ?? doc.estimatedDurationMs,
            agent: details?.agent,
            customer: details?.customer,
            tags: details?.tags,
          },
          analysis,
          transcript,
          analysisId: version ?? doc.latestAnalysisId,
          generatedAt: Date.now(),
        });
        const suffix = `.report${version ? `-${version.slice(0, 8)}` : ''}.${format}`;
        res.setHeader('Content-Type', REPORT_CONTENT_TYPES[format]);
        res.setHeader('Content-Disposition', attachmentDisposition(reportFilename(doc, suffix)));
        res.setHeader('Cache-Control', 'private, no-cache');
        await streamTo(req, res, format === 'pdf' ? reportPdf(report) : Readable.from(reportHtmlParts(report)));
      }),
    );

    // The source recording, with byte ranges (a player seeks with them). An <audio> element
    // cannot send headers, so this route also takes ?access_token=.
    app.get(
      '/audios/:audioId/audio',
      ...deps.access.streamUser,
      deps.access.read,
      route(async (req, res) => {
        const doc = await model.doc(userOf(req), String(req.params.audioId));
        if (!doc || !doc.userId) throw new HttpError(404, 'AUDIO.NOT_FOUND', `no recording ${req.params.audioId}`);
        const key = objectKeys.source(doc._id);
        const info = await deps.store.head(key);
        if (!info) throw new HttpError(404, 'AUDIO.SOURCE_NOT_FOUND', 'the recording has no stored audio');
        const size = info.sizeBytes;
        const etag = `"${info.etag.replaceAll('"', '')}"`;
        const ifRange = req.headers['if-range'];
        // If-Range with another validator: the object changed, so the whole of it.
        const range = ifRange && ifRange !== etag ? { kind: 'full' as const } : parseByteRange(req.headers.range, size);
        res.setHeader('Accept-Ranges', 'bytes');
        if (range.kind === 'unsatisfiable') {
          res.setHeader('Content-Range', `bytes */${size}`);
          sendError(
            res,
            416,
            'HTTP.RANGE_NOT_SATISFIABLE',
            `the range ${req.headers.range} is outside the ${size} bytes of the recording`,
          );
          return;
        }
        const [start, end] = range.kind === 'partial' ? [range.start, range.end] : [0, size - 1];
        // Opened before any header is set: a store that fails answers with a plain JSON error.
        const body = req.method === 'HEAD' || size === 0 ? null : await deps.store.get(key, { start, end });
        res.status(range.kind === 'partial' ? 206 : 200);
        res.setHeader('Content-Type', playableMediaType(doc.contentType, doc.filename));
        res.setHeader('Content-Length', String(size === 0 ? 0 : end - start + 1));
        if (range.kind === 'partial') res.setHeader('Content-Range', `bytes ${start}-${end}/${size}`);
        res.setHeader('ETag', etag);
        res.setHeader('Cache-Control', 'private, no-cache');
        if (!body) {
          res.end();
          return;
        }
        await streamTo(req, res, body);
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
      // Only the changes of recordings the viewer may read (the rule every read route applies).
      const onChange = (userId: string, view: RecordingView, teamIds: string[] = []) => {
        if (canRead(user, { ownerId: userId, teamIds }))
          res.write(`event: recording\ndata: ${JSON.stringify(view)}\n\n`);
      };
      const onDeleted = (userId: string, audioId: string, teamIds: string[] = []) => {
        if (canRead(user, { ownerId: userId, teamIds }))
          res.write(`event: deleted\ndata: ${JSON.stringify({ audioId })}\n\n`);
      };
      live.on('change', onChange);
      live.on('deleted', onDeleted);
      const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), deps.config?.heartbeatMs ?? 15_000);
      req.on('close', () => {
        clearInterval(heartbeat);
        live.off('change', onChange);
        live.off('deleted', onDeleted);
      });
    });

    /** `?original=true`: the merged transcript as stored, without the owner's corrections. */
    function originalOf(req: Request): boolean {
      const v = req.query.original;
      if (v === undefined || v === 'false') return false;
      if (v === 'true') return true;
      throw new HttpError(400, 'QUERY.BAD_REQUEST', `original must be true or false, not ${JSON.stringify(v)}`);
    }

    /** `json` (also no format: the stored JSON, inline) or `csv`; anything else is a 400. */
    function analysisFormat(req: Request): 'json' | 'csv' {
      const format = req.query.format;
      if (format === undefined || format === 'json') return 'json';
      if (format === 'csv') return 'csv';
      throw new HttpError(400, 'EXPORT.UNKNOWN_FORMAT', `format must be csv or json, not ${JSON.stringify(format)}`);
    }

    /** A stored analysis: its JSON as stored, or its metrics as a CSV download. */
    async function sendAnalysis(
      req: Request,
      res: Response,
      format: 'json' | 'csv',
      key: string,
      csvFilename: string,
    ): Promise<void> {
      if (format === 'json') {
        res.type('application/json');
        await streamTo(req, res, await deps.store.get(key));
        return;
      }
      const csv = analysisCsv(await getJson<AnalysisResult>(deps.store, key));
      sendDownload(res, csv, 'text/csv; charset=utf-8', csvFilename);
    }

    /** The user's recording and the key of one of its artefacts, or why there is none yet. */
    async function artefactOf(
      req: Request,
      what: string,
      code: string,
      keyOf: (doc: RecordingDoc) => string | null,
    ): Promise<{ doc: RecordingDoc; key: string }> {
      const doc = await model.doc(userOf(req), String(req.params.audioId));
      if (!doc) throw new HttpError(404, 'AUDIO.NOT_FOUND', `no recording ${req.params.audioId}`);
      const key = keyOf(doc);
      if (!key) throw new HttpError(404, code, `the recording is ${doc.status}; it has no ${what} yet`);
      return { doc, key };
    }

    function sendDownload(res: Response, body: string, type: string, filename: string): void {
      res.setHeader('Content-Type', type);
      res.setHeader('Content-Disposition', attachmentDisposition(filename));
      res.setHeader('Cache-Control', 'private, no-cache');
      res.send(body);
    }

    /**
     * Streams a body to the client. A client that goes away mid-way (a player seeking elsewhere
     * drops its request) is no error of ours.
     */
    async function streamTo(req: Request, res: Response, body: Readable): Promise<void> {
      try {
        await pipeline(body, res);
      } catch (err) {
        if (req.destroyed || res.destroyed || (err as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE') {
          body.destroy();
          return;
        }
        throw err;
      }
    }

    async function mustView(req: Request): Promise<RecordingView> {
      const view = await model.get(userOf(req), String(req.params.audioId));
      if (!view) throw new HttpError(404, 'AUDIO.NOT_FOUND', `no recording ${req.params.audioId}`);
      return view;
    }
  }

  return { model, trackers, objections, subscribe, mount, stop: () => trackers.stop() };
}

/**
 * A report's file name: the owner's title (kept whole: a dot in it is no extension) or the
 * recording's file name, then the suffix.
 */
export function reportFilename(doc: Pick<RecordingDoc, 'filename' | 'details'>, suffix: string): string {
  const title = doc.details?.title?.trim();
  // safeFilename takes an extension off the name; a title has none, so it is given one to drop.
  return title ? safeFilename(`${title}.x`, suffix) : safeFilename(doc.filename, suffix);
}

export const DEFAULT_DASHBOARD_DIR = join(__dirname, '../../../../apps/dashboard/public');

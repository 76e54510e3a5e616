import { z } from 'zod';
import { OBJECTION_ISSUE_TYPES, REPORT_FORMATS } from '@speech/analysis';
import { TRANSCRIPT_CONTENT_TYPES, TRANSCRIPT_FORMATS } from '@speech/transcript';
import { COMPONENT_SCHEMAS, type ComponentName } from './schemas';
import type {
  Header,
  OpenApiDocument,
  Operation,
  Parameter,
  Response,
  Schema,
  SecurityRequirement,
} from './openapi-types';

/**
 * The OpenAPI 3.1 document of every HTTP route the platform serves, in both modes (the single
 * process, and the upload-gateway in front of query in the distributed mode). Served at
 * `GET /openapi.json`, shown at `GET /docs`.
 *
 * Kept honest by three specs: openapi-document.spec.ts validates it as OpenAPI 3.1,
 * apps/standalone/src/api-routes.spec.ts compares its operations with the routes the express
 * apps register, and test/openapi.e2e.spec.ts checks real answers against it.
 */

/** The platform's version (package.json; openapi-document.spec.ts keeps them equal). */
export const API_VERSION = '0.1.0';

type Responses = Record<string, Response>;

const ref = (name: ComponentName) => ({ $ref: `#/components/schemas/${name}` });
const jsonBody = (name: ComponentName, description: string, headers?: Response['headers']): Response => ({
  description,
  ...(headers ? { headers } : {}),
  content: { 'application/json': { schema: ref(name) } },
});
/** An error answer: the codes the route really sends with this status. */
const error = (description: string, ...codes: string[]): Response => ({
  description: `${description}. Codes: ${codes.map((c) => `\`${c}\``).join(', ')}.`,
  content: { 'application/json': { schema: ref('Error') } },
});
const header = (description: string, type: 'string' | 'integer' = 'string'): Header => ({
  description,
  schema: { type },
});

const retryAfter = { 'Retry-After': header('seconds to wait', 'integer') };
const unauthorized = {
  ...error('No token, or one that is invalid, expired or lives too long', 'AUTH.UNAUTHORIZED'),
  headers: { 'WWW-Authenticate': header('`Bearer` (with `error="invalid_token"` for a refused one)') },
};
const rateLimited = (...extra: string[]): Response => ({
  ...error(
    'Too many requests from this user (RATE_LIMIT_*), or too many failed sign-ins from this address',
    'HTTP.RATE_LIMITED',
    ...extra,
  ),
  headers: retryAfter,
});
/** What every route behind a bearer token may answer besides its own results. */
const authenticated = (...extra429: string[]): Responses => ({
  '401': unauthorized,
  '429': rateLimited(...extra429),
});
const unavailable = error(
  'A dependency of the platform (the store, the database, the broker, the query service) does not answer',
  'STORAGE.UNAVAILABLE',
  'QUERY.UNAVAILABLE',
);
const diskFull = error('The disk is full (the filesystem store); earlier data stays intact', 'STORAGE.FULL');

const audioIdParam: Parameter = {
  name: 'audioId',
  in: 'path',
  required: true,
  description: 'the recording id, as `POST /upload` or `POST /uploads` returned it',
  schema: { type: 'string' },
};
const partNumberParam: Parameter = {
  name: 'n',
  in: 'path',
  required: true,
  description: 'the part number, 1 … partCount',
  schema: { type: 'integer', minimum: 1 },
};
const formatParam = (formats: readonly string[], description: string): Parameter => ({
  name: 'format',
  in: 'query',
  required: false,
  description,
  schema: { type: 'string', enum: [...formats] },
});

const unknownFormat = error('A format the route does not have', 'EXPORT.UNKNOWN_FORMAT');
const recordingNotFound = error('No such recording, or another user’s', 'AUDIO.NOT_FOUND');
const uploadNotFound = error('No such upload, or another user’s', 'UPLOAD.NOT_FOUND');
const uploadClosed = error('The upload is already complete (or not open)', 'UPLOAD.INVALID_STATE');
const attachment = {
  'Content-Disposition': header('`attachment; filename="<name>…"; filename*=UTF-8\'\'…` (the recording’s file name)'),
};
const text = (description: string) => ({ schema: { type: 'string', description } });

/** The bearer token or, for the two routes a browser element opens without headers, `?access_token=`. */
const BEARER: SecurityRequirement[] = [{ bearerAuth: [] }];
const BEARER_OR_QUERY: SecurityRequirement[] = [{ bearerAuth: [] }, { accessTokenQuery: [] }];

const upload: Operation = {
  tags: ['uploads'],
  operationId: 'upload',
  summary: 'Upload a recording (multipart, streamed to storage)',
  description:
    'The `file` part is streamed through an audio sniffer and a SHA-256 into the object store, then ' +
    'probed with ffprobe. `autoTranscribe` and `autoAnalyze` may also be query parameters or metadata keys.',
  parameters: [
    { name: 'autoTranscribe', in: 'query', schema: { type: 'string', enum: ['true', '1', 'false', '0'] } },
    { name: 'autoAnalyze', in: 'query', schema: { type: 'string', enum: ['true', '1', 'false', '0'] } },
  ],
  requestBody: {
    required: true,
    content: {
      'multipart/form-data': {
        schema: {
          type: 'object',
          required: ['file'],
          properties: {
            file: { type: 'string', contentMediaType: 'application/octet-stream', description: 'the recording' },
            metadata: { type: 'string', description: 'a JSON object (e.g. `{"competitors":["Stormvault"]}`)' },
            autoTranscribe: { type: 'string', enum: ['true', '1', 'false', '0'] },
            autoAnalyze: { type: 'string', enum: ['true', '1', 'false', '0'] },
          },
        },
      },
    },
  },
  responses: {
    '201': jsonBody('Uploaded', 'Stored; the chunker picks it up'),
    '400': error(
      'Not a multipart body, no `file` field, a malformed body, metadata that is not a JSON object or has a forbidden key',
      'UPLOAD.BAD_REQUEST',
      'UPLOAD.BAD_METADATA',
    ),
    ...authenticated(),
    '413': error('Larger than MAX_UPLOAD_BYTES', 'UPLOAD.TOO_LARGE'),
    '415': error('Not audio, or not decodable', 'UPLOAD.NOT_AUDIO'),
    '422': error('An empty file, or audio of zero duration', 'UPLOAD.EMPTY'),
    '503': unavailable,
    '507': diskFull,
  },
};

/** A write on a call the caller may read but not change (a manager on their agent's call). */
const writeForbidden = error(
  'A call of the caller’s team that is not theirs: only its owner (or an admin) changes it',
  'AUDIO.FORBIDDEN',
);

const getRecording: Operation = {
  tags: ['recordings'],
  operationId: 'getRecording',
  summary: 'A recording’s status, progress and what may be done next',
  description:
    'Right after an upload the read model may not have seen it yet: the gateway then answers from its own ' +
    'record, so a client never gets a 404 for a recording it just made.',
  parameters: [audioIdParam],
  responses: {
    '200': jsonBody('RecordingView', 'The recording'),
    ...authenticated(),
    '404': recordingNotFound,
    '503': unavailable,
  },
};

const updateRecording: Operation = {
  tags: ['recordings'],
  operationId: 'updateRecording',
  summary: 'Change a recording’s title, tags, agent, customer or notes',
  parameters: [audioIdParam],
  requestBody: { required: true, content: { 'application/json': { schema: ref('DetailsChange') } } },
  responses: {
    '200': jsonBody('DetailsChanged', 'Saved; the list shows it once the read model has the event'),
    '400': error('Not a JSON object, an unknown field, or a value too long', 'AUDIO.BAD_DETAILS', 'HTTP.BAD_REQUEST'),
    ...authenticated(),
    '403': writeForbidden,
    '404': recordingNotFound,
    '409': error('Another edit was saved meanwhile; send it again', 'AUDIO.CONFLICT'),
    '503': unavailable,
  },
};

const deleteRecording: Operation = {
  tags: ['recordings'],
  operationId: 'deleteRecording',
  summary: 'Delete a recording and every artefact of it, in every service',
  description:
    'Asynchronous: each service removes its share (the source, chunks, engine results, transcripts, every ' +
    'analysis, uploads in progress, its documents) when it reads `audio.deleted`. The recording answers 404 ' +
    'from then on, and `/events` sends `deleted`.',
  parameters: [audioIdParam],
  responses: {
    '202': jsonBody('DeletionAccepted', 'Accepted: the deletion is under way'),
    ...authenticated(),
    '403': writeForbidden,
    '404': recordingNotFound,
    '503': unavailable,
  },
};

const createUpload: Operation = {
  tags: ['uploads'],
  operationId: 'createUpload',
  summary: 'Start a resumable upload (large files, in parts)',
  requestBody: { required: true, content: { 'application/json': { schema: ref('CreateUpload') } } },
  responses: {
    '201': jsonBody('UploadCreated', 'Created: the part size fits the file in at most 10,000 parts'),
    '400': error(
      'A body that is not JSON or does not match',
      'UPLOAD.BAD_REQUEST',
      'UPLOAD.BAD_METADATA',
      'HTTP.BAD_REQUEST',
    ),
    ...authenticated(),
    '413': error('Larger than MAX_UPLOAD_BYTES, or a body over 256 kB', 'UPLOAD.TOO_LARGE', 'HTTP.TOO_LARGE'),
    '503': unavailable,
    '507': diskFull,
  },
};

const getUpload: Operation = {
  tags: ['uploads'],
  operationId: 'getUpload',
  summary: 'The parts a resumable upload has received (where a client resumes from)',
  parameters: [audioIdParam],
  responses: {
    '200': jsonBody('UploadState', 'The open upload'),
    ...authenticated(),
    '404': uploadNotFound,
    '409': uploadClosed,
  },
};

const abortUpload: Operation = {
  tags: ['uploads'],
  operationId: 'abortUpload',
  summary: 'Abort a resumable upload and remove its parts',
  parameters: [audioIdParam],
  responses: { '204': { description: 'Aborted' }, ...authenticated(), '404': uploadNotFound, '409': uploadClosed },
};

const getPartUrl: Operation = {
  tags: ['uploads'],
  operationId: 'getPartUrl',
  summary: 'Where to PUT one part',
  description:
    'With S3 a pre-signed S3 URL (the bytes never pass through the gateway); with the filesystem store the ' +
    'gateway’s own signed `/uploads/{audioId}/parts/{n}/data` URL.',
  parameters: [audioIdParam, partNumberParam],
  responses: {
    '200': jsonBody('PartUrl', 'The URL, valid for 6 hours'),
    '400': error('A part number outside 1 … partCount', 'UPLOAD.BAD_REQUEST'),
    ...authenticated(),
    '404': uploadNotFound,
    '409': uploadClosed,
  },
};

const putPart: Operation = {
  tags: ['uploads'],
  operationId: 'putPart',
  summary: 'The bytes of one part (a URL the gateway signed)',
  description:
    'No bearer token: the signature in the URL is the grant. Only the filesystem store (the single process) ' +
    'hands out these URLs; with S3 the parts go to S3.',
  security: [],
  parameters: [
    audioIdParam,
    partNumberParam,
    { name: 'expires', in: 'query', required: true, schema: { type: 'integer' }, description: 'epoch ms' },
    { name: 'signature', in: 'query', required: true, schema: { type: 'string' } },
    {
      name: 'Content-MD5',
      in: 'header',
      required: false,
      schema: { type: 'string', pattern: '^[A-Za-z0-9+/]{22}==$' },
      description: 'the base64 MD5 of the part; a part whose bytes do not match is refused',
    },
  ],
  requestBody: {
    required: true,
    content: {
      'application/octet-stream': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } },
    },
  },
  responses: {
    '200': jsonBody('UploadPart', 'Stored', { ETag: header('the part’s MD5, quoted') }),
    '400': error(
      'A malformed Content-MD5, bytes that do not match it, a part number outside 1 … partCount',
      'UPLOAD.BAD_REQUEST',
      'UPLOAD.BAD_DIGEST',
    ),
    '403': error('The URL is invalid or has expired', 'UPLOAD.FORBIDDEN'),
    '409': error('The upload is not open', 'UPLOAD.INVALID_STATE'),
    '507': diskFull,
  },
};

const completeUpload: Operation = {
  tags: ['uploads'],
  operationId: 'completeUpload',
  summary: 'Complete a resumable upload: processing then goes on as for POST /upload',
  parameters: [audioIdParam],
  requestBody: { required: true, content: { 'application/json': { schema: ref('CompleteUpload') } } },
  responses: {
    '201': jsonBody('Uploaded', 'Complete; the whole file’s SHA-256 recorded'),
    '400': error('A body that is not JSON or does not match', 'UPLOAD.BAD_REQUEST', 'HTTP.BAD_REQUEST'),
    ...authenticated(),
    '404': uploadNotFound,
    '409': error('Already complete, or parts missing or not matching', 'UPLOAD.INVALID_STATE'),
    '415': error('The assembled file is not decodable audio', 'UPLOAD.NOT_AUDIO'),
    '422': error('The stored file has another size, or no audio', 'UPLOAD.UNPROCESSABLE', 'UPLOAD.EMPTY'),
  },
};

const command = (
  operationId: string,
  summary: string,
  accepted: ComponentName,
  when: string,
  body?: ComponentName,
): Operation => ({
  tags: ['recordings'],
  operationId,
  summary,
  parameters: [audioIdParam],
  ...(body ? { requestBody: { required: false, content: { 'application/json': { schema: ref(body) } } } } : {}),
  responses: {
    '202': jsonBody(accepted, 'Requested; follow the status on GET /audios/{audioId} or /events'),
    '400': error('A body that is not JSON', 'HTTP.BAD_REQUEST'),
    ...authenticated(),
    '403': writeForbidden,
    '404': recordingNotFound,
    '409': error(`Not allowed in this state (${when}); the message says why`, 'AUDIO.INVALID_STATE'),
    '503': unavailable,
  },
});

const cancelTranscription: Operation = {
  tags: ['recordings'],
  operationId: 'cancelTranscription',
  summary: 'Cancel a queued or running transcription',
  description:
    'The queued chunks leave the queue and a running engine call stops; the chunks already transcribed are ' +
    'kept. The recording shows `cancelled` (with its progress) once every service has read ' +
    '`transcription.cancelled`; `POST /transcribe/{audioId}` resumes it later, transcribing only the chunks ' +
    'not yet done. Cancelling again the same transcription is accepted again (202) and changes nothing. A ' +
    'chunk finishing at that very moment may still count, and a transcription whose last chunk is done is ' +
    'transcribed, not cancelled.',
  parameters: [audioIdParam],
  responses: {
    '202': jsonBody('CancellationAccepted', 'Accepted: the transcription is being stopped'),
    '400': error('A body that is not JSON', 'HTTP.BAD_REQUEST'),
    ...authenticated(),
    '403': writeForbidden,
    '404': recordingNotFound,
    '409': error(
      'Nothing to cancel: no transcription requested, already transcribed, or failed; the message says why',
      'AUDIO.INVALID_STATE',
      'AUDIO.CONFLICT',
    ),
    '503': unavailable,
  },
};

const listRecordings: Operation = {
  tags: ['recordings'],
  operationId: 'listRecordings',
  summary: 'The user’s recordings, newest first (or all of them as CSV)',
  parameters: [
    { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } },
    { name: 'cursor', in: 'query', schema: { type: 'string' }, description: 'the previous page’s nextCursor' },
    { name: 'status', in: 'query', schema: ref('RecordingStatus'), description: 'only recordings in this status' },
    formatParam(['json', 'csv'], '`csv`: every recording of the user as `recordings.csv` (limit and cursor ignored)'),
  ],
  responses: {
    '200': {
      description: 'A page of recordings, or the CSV download',
      headers: attachment,
      content: {
        'application/json': { schema: ref('RecordingPage') },
        'text/csv': text('id, file name, status, upload time, duration, size, chunks, words, ready flags, failure'),
      },
    },
    '400': {
      ...unknownFormat,
      description: `${unknownFormat.description} Or a malformed cursor (\`QUERY.BAD_REQUEST\`).`,
    },
    ...authenticated(),
  },
};

const exportedTranscriptTypes = Object.fromEntries(
  TRANSCRIPT_FORMATS.filter((f) => f !== 'json').map((f) => [
    essence(TRANSCRIPT_CONTENT_TYPES[f]),
    text(`?format=${f}: <name>.transcript.${f}`),
  ]),
);

const getTranscript: Operation = {
  tags: ['results'],
  operationId: 'getTranscript',
  summary: 'The transcript (as the owner corrected it), or an export of it',
  description:
    'Every form shows the owner’s corrections (speaker names, swapped channels, edited segments) when there ' +
    'are any; `original=true` gives the merged transcript as stored.',
  parameters: [
    audioIdParam,
    formatParam(
      ['text', ...TRANSCRIPT_FORMATS],
      'None: the JSON (inline). `text`: the plain text (inline). `txt`, `json`, `srt`, `vtt`: a ' +
        'download named `<name>.transcript.<format>`.',
    ),
    {
      name: 'original',
      in: 'query',
      required: false,
      description: '`true`: the merged transcript without the owner’s corrections',
      schema: { type: 'string', enum: ['true', 'false'], default: 'false' },
    },
  ],
  responses: {
    '200': {
      description:
        'The transcript. `application/json` is the stored transcript without a format and the export (with ' +
        '`speakerNames`, as an attachment) with `format=json`; `text/plain` is the stored text (`text`) or ' +
        'one `[mm:ss] Speaker: …` line per turn (`txt`).',
      headers: attachment,
      content: {
        'application/json': { schema: { oneOf: [ref('Transcript'), ref('TranscriptExport')] } },
        ...exportedTranscriptTypes,
      },
    },
    '400': error(
      'A format the route does not have, or `original` not true/false',
      'EXPORT.UNKNOWN_FORMAT',
      'QUERY.BAD_REQUEST',
    ),
    ...authenticated(),
    '404': error('No such recording, or no transcript yet', 'AUDIO.NOT_FOUND', 'TRANSCRIPT.NOT_FOUND'),
    '503': unavailable,
  },
};

const getCorrections: Operation = {
  tags: ['results'],
  operationId: 'getCorrections',
  summary: 'The owner’s transcript corrections and every revision of them, newest first',
  parameters: [audioIdParam],
  responses: {
    '200': jsonBody('Corrections', 'The current set (revision 0: none) and its versions'),
    ...authenticated(),
    '404': recordingNotFound,
    '503': unavailable,
  },
};

const correctTranscript: Operation = {
  tags: ['recordings'],
  operationId: 'correctTranscript',
  summary: 'Correct the transcript: name the speakers, swap the channels, edit segment texts',
  description:
    'Merged into the current set, which gets the next revision; `transcript.corrected` carries it to the query ' +
    'service (the transcript, its exports, the report and search show it) and the analyzer (the next analysis ' +
    'uses it). The merged original stays as stored (`GET …/transcript?original=true`).',
  parameters: [audioIdParam],
  requestBody: { required: true, content: { 'application/json': { schema: ref('CorrectionChange') } } },
  responses: {
    '200': jsonBody('CorrectionsChanged', 'Saved; the transcript shows it once the read model has the event'),
    '400': error(
      'Not a JSON object, an unknown field, a value of the wrong type or too long, a segment or speaker the ' +
        'transcript does not have',
      'CORRECTIONS.BAD_REQUEST',
      'HTTP.BAD_REQUEST',
    ),
    ...authenticated(),
    '403': writeForbidden,
    '404': recordingNotFound,
    '409': error(
      'No transcript yet, a stale baseRevision, another change saved meanwhile, or nothing to swap',
      'CORRECTIONS.NOT_TRANSCRIBED',
      'CORRECTIONS.STALE',
      'CORRECTIONS.CONFLICT',
      'CORRECTIONS.NOTHING_TO_SWAP',
    ),
    '413': error(
      'The edited texts together are too long, or a body over 2 MB',
      'CORRECTIONS.TOO_LARGE',
      'HTTP.TOO_LARGE',
    ),
    '503': unavailable,
  },
};

const getAnalysis: Operation = {
  tags: ['results'],
  operationId: 'getAnalysis',
  summary: 'The latest analysis, or its metrics as CSV',
  parameters: [
    audioIdParam,
    formatParam(['json', 'csv'], '`csv`: `<name>.metrics.csv`, a `call` row and one row per speaker'),
  ],
  responses: {
    '200': {
      description: 'The analysis (metrics, sentiment, issues, coaching, quiz …), or the metrics CSV download',
      headers: attachment,
      content: {
        'application/json': { schema: ref('Analysis') },
        'text/csv': text('the metrics: a call row and one row per speaker'),
      },
    },
    '400': unknownFormat,
    ...authenticated(),
    '404': error('No such recording, or no analysis yet', 'AUDIO.NOT_FOUND', 'ANALYSIS.NOT_FOUND'),
    '503': unavailable,
  },
};

const listAnalyses: Operation = {
  tags: ['results'],
  operationId: 'listAnalyses',
  summary: 'Every analysis of the recording, newest first (re-analysing keeps the earlier ones)',
  parameters: [
    audioIdParam,
    { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } },
    { name: 'cursor', in: 'query', schema: { type: 'string' }, description: 'the previous page’s nextCursor' },
  ],
  responses: {
    '200': jsonBody('AnalysisVersionPage', 'The versions; empty before the first analysis'),
    '400': error('A malformed cursor', 'QUERY.BAD_REQUEST'),
    ...authenticated(),
    '404': recordingNotFound,
    '503': unavailable,
  },
};

const getAnalysisVersion: Operation = {
  tags: ['results'],
  operationId: 'getAnalysisVersion',
  summary: 'One analysis of the recording, or its metrics as CSV',
  parameters: [
    audioIdParam,
    {
      name: 'analysisId',
      in: 'path',
      required: true,
      schema: { type: 'string' },
      description: 'from GET /audios/{audioId}/analyses',
    },
    formatParam(['json', 'csv'], '`csv`: `<name>.metrics-<first 8 characters of the id>.csv`'),
  ],
  responses: {
    '200': {
      description: 'That analysis, or its metrics CSV download',
      headers: attachment,
      content: {
        'application/json': { schema: ref('Analysis') },
        'text/csv': text('the metrics: a call row and one row per speaker'),
      },
    },
    '400': unknownFormat,
    ...authenticated(),
    '404': error('No such recording, or no such analysis of it', 'AUDIO.NOT_FOUND', 'ANALYSIS.NOT_FOUND'),
    '503': unavailable,
  },
};

const getReport: Operation = {
  tags: ['results'],
  operationId: 'getReport',
  summary: 'The analysis as a printable report (HTML or PDF), with the recording’s details and transcript',
  description:
    'Summary, sentiment (overall and at the close), issues and objections with their times and quotes, ' +
    'coaching, action items, the quiz and the speaker-labelled transcript. The PDF is streamed as it is drawn.',
  parameters: [
    audioIdParam,
    formatParam(
      REPORT_FORMATS,
      '`html` (the default): a self-contained printable page, `<title or name>.report.html`; `pdf`: `<title or name>.report.pdf`',
    ),
    {
      name: 'analysisId',
      in: 'query',
      required: false,
      schema: { type: 'string' },
      description:
        'one analysis from GET /audios/{audioId}/analyses (the file is then `….report-<first 8>.<format>`); default: the latest',
    },
  ],
  responses: {
    '200': {
      description: 'The report, as an attachment',
      headers: attachment,
      content: {
        'text/html': text('a self-contained HTML page (inline CSS, print styles, every value escaped)'),
        'application/pdf': { schema: { type: 'string', contentMediaType: 'application/pdf' } },
      },
    },
    '400': {
      ...unknownFormat,
      description: `${unknownFormat.description} Or an empty \`analysisId\`, or more than one (\`QUERY.BAD_REQUEST\`).`,
    },
    ...authenticated(),
    '404': error(
      'No such recording, no analysis yet, or no such analysis of it',
      'AUDIO.NOT_FOUND',
      'ANALYSIS.NOT_FOUND',
    ),
    '503': unavailable,
  },
};

const textParam = (name: string, description: string): Parameter => ({
  name,
  in: 'query',
  schema: { type: 'string', maxLength: 200 },
  description,
});
const dateParam = (name: string, description: string): Parameter => ({
  name,
  in: 'query',
  schema: { type: 'string' },
  description: `${description}: a date (2026-03-01), a date-time (2026-03-01T09:30:00Z) or ms since the epoch`,
});

const search: Operation = {
  tags: ['recordings'],
  operationId: 'search',
  summary: 'Full-text search over the user’s titles, tags and transcripts',
  description:
    'Each hit names the recording, the segment, the speaker and the time to open the player at. Words are ' +
    'matched whole; `"a phrase"` in quotes matches in order. Relevance ranks the newest 500 matches after filters.',
  parameters: [
    { ...textParam('q', 'the words to search for'), required: true },
    { name: 'status', in: 'query', schema: ref('RecordingStatus') },
    textParam('tag', 'only recordings with this tag'),
    textParam('agent', 'only recordings of this agent'),
    textParam('callType', 'only this call type (of the latest analysis)'),
    textParam('issueType', 'only recordings whose latest analysis found this issue type'),
    dateParam('from', 'uploaded at or after'),
    dateParam('to', 'uploaded at or before (a date: the whole day)'),
    {
      name: 'sort',
      in: 'query',
      schema: { type: 'string', enum: ['relevance', 'newest', 'oldest'], default: 'relevance' },
    },
    { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } },
    { name: 'cursor', in: 'query', schema: { type: 'string' }, description: 'the previous page’s nextCursor' },
  ],
  responses: {
    '200': jsonBody('SearchPage', 'The hits, best (or newest, oldest) first'),
    '400': error('A missing q, or a parameter out of range; the message says which', 'SEARCH.BAD_REQUEST'),
    ...authenticated(),
    '503': error('No search index here, or the database does not answer', 'SEARCH.UNAVAILABLE', 'QUERY.UNAVAILABLE'),
  },
};

const audioParams: Parameter[] = [
  audioIdParam,
  {
    name: 'Range',
    in: 'header',
    required: false,
    description:
      '`bytes=a-b`, `bytes=a-` or `bytes=-n` get 206; anything else (several ranges, a malformed one) the whole file',
    schema: { type: 'string' },
  },
  {
    name: 'If-Range',
    in: 'header',
    required: false,
    description: 'with another ETag, the whole file',
    schema: { type: 'string' },
  },
];
const audioHeaders = {
  'Accept-Ranges': header('`bytes`'),
  'Content-Length': header('bytes in this answer', 'integer'),
  ETag: header('the stored object’s ETag'),
};
const audioContent = {
  'audio/*': {
    schema: {
      type: 'string',
      contentMediaType: 'audio/*',
      description: 'the type recorded at upload, else the one the file name implies (`.mp3` → `audio/mpeg`)',
    },
  },
};
const audioResponses = (withBody: boolean): Responses => ({
  '200': { description: 'The whole recording', headers: audioHeaders, ...(withBody ? { content: audioContent } : {}) },
  '206': {
    description: 'The range asked for',
    headers: { ...audioHeaders, 'Content-Range': header('`bytes a-b/size`') },
    ...(withBody ? { content: audioContent } : {}),
  },
  ...authenticated(),
  '404': error('No such recording, or no stored audio', 'AUDIO.NOT_FOUND', 'AUDIO.SOURCE_NOT_FOUND'),
  '416': {
    ...error('The range starts past the end', 'HTTP.RANGE_NOT_SATISFIABLE'),
    headers: { 'Content-Range': header('`bytes */size`') },
  },
  '503': unavailable,
});
const audioDescription =
  'Streams the recording as uploaded, from the object store. An `<audio>` element cannot send headers, so the ' +
  'token may also be `?access_token=`; it counts against the read limit.';

const events: Operation = {
  tags: ['recordings'],
  operationId: 'events',
  summary: 'Live updates (Server-Sent Events)',
  description:
    'An `event: recording` with the RecordingView as `data` whenever one of the user’s recordings changes; ' +
    '`: keep-alive` comments every 15 s; `retry: 2000`. EventSource cannot send headers, so the token may be ' +
    '`?access_token=`. At most SSE_STREAMS_PER_USER streams per user. A missed event costs nothing stored: ' +
    'reload the list when the stream (re)opens.',
  security: BEARER_OR_QUERY,
  responses: {
    '200': {
      description: 'The stream, open until the client goes',
      content: {
        'text/event-stream': {
          schema: {
            type: 'string',
            description: 'events `recording`, each `data` a RecordingView (#/components/schemas/RecordingView) as JSON',
          },
        },
      },
    },
    ...authenticated('HTTP.TOO_MANY_STREAMS'),
  },
};

const healthz: Operation = {
  tags: ['operations'],
  operationId: 'healthz',
  summary: 'The process is alive',
  security: [],
  responses: { '200': jsonBody('Health', 'Alive') },
};
const readyz: Operation = {
  tags: ['operations'],
  operationId: 'readyz',
  summary: 'The process’s dependencies answer',
  security: [],
  responses: { '200': jsonBody('Readiness', 'Ready'), '503': jsonBody('Readiness', 'A dependency does not answer') },
};
const metrics: Operation = {
  tags: ['operations'],
  operationId: 'metrics',
  summary: 'Prometheus metrics (only with METRICS_TOKEN set)',
  security: [{ metricsToken: [] }],
  responses: {
    '200': {
      description: 'Prometheus text format',
      content: { 'text/plain': text('process_uptime_seconds, process_resident_memory_bytes, http_responses_total') },
    },
    '401': {
      ...error('Not the METRICS_TOKEN', 'AUTH.UNAUTHORIZED'),
      headers: { 'WWW-Authenticate': header('Bearer') },
    },
    '404': error('Metrics are off: METRICS_TOKEN is not set', 'HTTP.NOT_FOUND'),
  },
};
const openapi: Operation = {
  tags: ['operations'],
  operationId: 'openapi',
  summary: 'This document',
  security: [],
  responses: { '200': { description: 'OpenAPI 3.1', content: { 'application/json': { schema: { type: 'object' } } } } },
};
const docs: Operation = {
  tags: ['operations'],
  operationId: 'docs',
  summary: 'This document as a page (Swagger UI, served from the platform itself: nothing is loaded from elsewhere)',
  security: [],
  responses: { '200': { description: 'The page', content: { 'text/html': text('HTML') } } },
};

// Signing in (README "Signing in (OpenID Connect)"): on the gateway.
const authConfig: Operation = {
  tags: ['auth'],
  operationId: 'authConfig',
  summary: 'How the dashboard signs in: the OpenID provider and client, or `{"mode":"token"}`',
  description:
    'Public. With OIDC_ISSUER_URL: the issuer, the dashboard’s public client id, the scopes and the endpoints ' +
    'discovery found (authorization code with PKCE S256, no client secret). Without: tokens are pasted.',
  security: [],
  responses: { '200': jsonBody('AuthConfig', 'The sign-in settings') },
};
const authMe: Operation = {
  tags: ['auth'],
  operationId: 'authMe',
  summary: 'Who the bearer token says the caller is: the user id, the role and the teams every route applies',
  responses: { '200': jsonBody('AuthMe', 'The caller'), ...authenticated() },
};

const tokenIdParam: Parameter = { name: 'tokenId', in: 'path', required: true, schema: { type: 'string' } };
const createApiToken: Operation = {
  tags: ['auth'],
  operationId: 'createApiToken',
  summary: 'Create a personal API token for scripts (shown once; revocable)',
  description:
    'Opaque (`spt_<id>.<secret>`), used as `Authorization: Bearer`. It acts as the caller, with the role and teams ' +
    'the caller had when it was made. Only its SHA-256 is stored. A personal token cannot create another (403). ' +
    'A revoked token is refused by every process within the verification cache (5 s).',
  requestBody: { required: true, content: { 'application/json': { schema: ref('ApiTokenCreate') } } },
  responses: {
    '201': jsonBody('ApiTokenCreated', 'Created; the token is shown here only'),
    '400': error(
      'A bad body (a missing name, a lifetime over AUTH_MAX_TOKEN_HOURS)',
      'AUTH.BAD_REQUEST',
      'HTTP.BAD_REQUEST',
    ),
    '403': error('Called with a personal token', 'AUTH.FORBIDDEN'),
    '409': error('The caller has 50 active tokens already', 'AUTH.TOKEN_LIMIT'),
    ...authenticated(),
    '503': unavailable,
  },
};
const listApiTokens: Operation = {
  tags: ['auth'],
  operationId: 'listApiTokens',
  summary: 'The caller’s personal API tokens, newest first (without their secrets)',
  responses: { '200': jsonBody('ApiTokenList', 'The tokens'), ...authenticated(), '503': unavailable },
};
const revokeApiToken: Operation = {
  tags: ['auth'],
  operationId: 'revokeApiToken',
  summary: 'Revoke a personal API token',
  parameters: [tokenIdParam],
  responses: {
    '204': { description: 'Revoked (again: still 204)' },
    ...authenticated(),
    '404': error('No such token, or another user’s', 'AUTH.TOKEN_NOT_FOUND'),
    '503': unavailable,
  },
};

// Trackers (issue #15): commands on the gateway, reads from the query service.
const trackerIdParam: Parameter = {
  name: 'trackerId',
  in: 'path',
  required: true,
  schema: { type: 'string' },
  description: 'the tracker id',
};
// The team view (issue #15): the query service, for managers and admins.
const getScorecard = {
  tags: ['teams'],
  operationId: 'getScorecard',
  summary: 'The recording’s scorecard: its latest analysis scored against the template',
  description:
    'Each criterion of the template (SCORECARD_TEMPLATE, or the default one: README, "Scorecards") with the ' +
    'metric’s value in this call and whether its rule holds, and the weighted total. Read by whoever may read ' +
    'the recording (its owner, a manager of its teams, an admin).',
  parameters: [audioIdParam],
  responses: {
    '200': jsonBody('RecordingScorecard', 'The scorecard'),
    ...authenticated(),
    '404': error('No such recording (or not the caller’s to read)', 'AUDIO.NOT_FOUND'),
    '409': error(
      'Not analysed yet, or an analysis that names no agent',
      'SCORECARD.NOT_ANALYSED',
      'SCORECARD.NO_AGENT',
    ),
  },
} satisfies Operation;

const teamAgents = {
  tags: ['teams'],
  operationId: 'teamAgents',
  summary: 'Per-agent figures of the caller’s teams, weekly, with the team’s for comparison',
  description:
    'From each call’s latest analysis: the agent’s talk ratio, questions, longest monologue, the objections ' +
    'raised and answered, and the customer’s sentiment at the close. A manager sees the calls of the teams in ' +
    'their token; an admin every team’s (or `team`’s).',
  parameters: [
    {
      name: 'weeks',
      in: 'query',
      required: false,
      schema: { type: 'integer', minimum: 1, maximum: 52, default: 8 },
      description: 'weeks of trend, ending with this one',
    },
    {
      name: 'team',
      in: 'query',
      required: false,
      schema: { type: 'string' },
      description: 'one of the caller’s teams only',
    },
  ],
  responses: {
    '200': jsonBody('TeamView', 'The figures'),
    '400': error('A bad weeks or team', 'TEAM.BAD_REQUEST'),
    ...authenticated(),
    '403': error('An agent’s token, or a team the caller does not manage', 'TEAM.FORBIDDEN'),
  },
} satisfies Operation;
const trackerNotFound = error('No such tracker, or another user’s', 'TRACKER.NOT_FOUND');
const trackerOps = {
  create: {
    tags: ['trackers'],
    operationId: 'createTracker',
    summary: 'Create a tracker: phrases (with variants) and conditions, run over the library and every new call',
    requestBody: { required: true, content: { 'application/json': { schema: ref('TrackerInput') } } },
    responses: {
      '201': jsonBody('Tracker', 'Created; its run over the library starts once the query service has the event'),
      '400': error(
        'Not a JSON object, an unknown field, a phrase that is no pattern',
        'TRACKER.BAD_REQUEST',
        'HTTP.BAD_REQUEST',
      ),
      ...authenticated(),
      '503': unavailable,
    },
  } satisfies Operation,
  list: {
    tags: ['trackers'],
    operationId: 'listTrackers',
    summary: 'The user’s trackers, newest first, each with its run’s progress',
    responses: { '200': jsonBody('TrackerList', 'The trackers'), ...authenticated(), '503': unavailable },
  } satisfies Operation,
  get: {
    tags: ['trackers'],
    operationId: 'getTracker',
    summary: 'A tracker, its run’s progress (done of total recordings) and how many hits it has',
    parameters: [trackerIdParam],
    responses: {
      '200': jsonBody('TrackerDetail', 'The tracker'),
      ...authenticated(),
      '404': trackerNotFound,
      '503': unavailable,
    },
  } satisfies Operation,
  change: {
    tags: ['trackers'],
    operationId: 'updateTracker',
    summary: 'Change a tracker (a new revision: its hits are found again over the library)',
    parameters: [trackerIdParam],
    requestBody: { required: true, content: { 'application/json': { schema: ref('TrackerChange') } } },
    responses: {
      '200': jsonBody('Tracker', 'Saved'),
      '400': error(
        'Nothing to change, an unknown field, a phrase that is no pattern',
        'TRACKER.BAD_REQUEST',
        'HTTP.BAD_REQUEST',
      ),
      ...authenticated(),
      '404': trackerNotFound,
      '409': error('Another change was saved meanwhile; send it again', 'TRACKER.CONFLICT'),
      '503': unavailable,
    },
  } satisfies Operation,
  remove: {
    tags: ['trackers'],
    operationId: 'deleteTracker',
    summary: 'Delete a tracker and its hits',
    parameters: [trackerIdParam],
    responses: {
      '202': jsonBody('TrackerDeletion', 'Accepted: its hits go once the query service has the event'),
      ...authenticated(),
      '404': trackerNotFound,
      '503': unavailable,
    },
  } satisfies Operation,
  hits: {
    tags: ['trackers'],
    operationId: 'listTrackerHits',
    summary: 'A tracker’s hits: the recording, the speaker, the time, the quote; newest recording first',
    parameters: [
      trackerIdParam,
      { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } },
      { name: 'cursor', in: 'query', schema: { type: 'string' }, description: 'the previous page’s nextCursor' },
    ],
    responses: {
      '200': jsonBody('TrackerHitPage', 'The hits'),
      '400': error('A limit out of range, or a cursor of another tracker or revision', 'TRACKER.BAD_REQUEST'),
      ...authenticated(),
      '404': trackerNotFound,
      '503': unavailable,
    },
  } satisfies Operation,
};

// The objection library (issue #15): reads from the query service.
const objectionOps = {
  types: {
    tags: ['objections'],
    operationId: 'objectionTypes',
    summary: 'Every objection type, with how many objections of it the caller may read',
    description: 'Counted over the latest analysis of each recording in the caller’s read scope.',
    responses: { '200': jsonBody('ObjectionTypeCounts', 'The counts'), ...authenticated(), '503': unavailable },
  } satisfies Operation,
  list: {
    tags: ['objections'],
    operationId: 'listObjections',
    summary: 'Every objection of a type across the caller’s readable recordings, newest recording first',
    description:
      'From each recording’s latest analysis (a re-analysis replaces its objections): the quote, the speaker, the ' +
      'time, whether the agent answered it, and the audio at that time. An agent reads their own calls, a manager ' +
      'also their teams’, an admin all.',
    parameters: [
      {
        name: 'type',
        in: 'query',
        required: true,
        schema: { type: 'string', enum: [...OBJECTION_ISSUE_TYPES] },
        description: 'the objection type',
      },
      { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } },
      { name: 'cursor', in: 'query', schema: { type: 'string' }, description: 'the previous page’s nextCursor' },
    ],
    responses: {
      '200': jsonBody('ObjectionPage', 'The objections'),
      '400': error('An unknown type, a limit out of range, or a cursor of another type', 'OBJECTION.BAD_REQUEST'),
      ...authenticated(),
      '503': unavailable,
    },
  } satisfies Operation,
};

function components(): Record<string, Schema> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(COMPONENT_SCHEMAS)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, { io: 'output', uri: (id) => `#/components/schemas/${id}` });
  return Object.fromEntries(Object.entries(schemas).map(([id, s]) => [id, tidy(s) as Schema]));
}

/** Drops what only clutters the document: each schema's own `$schema` and `$id`, and zod's safe-integer bounds. */
function tidy(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(tidy);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node as Record<string, unknown>)
      .filter(
        ([k, v]) =>
          k !== '$schema' && k !== '$id' && !(k.endsWith('imum') && Math.abs(Number(v)) === Number.MAX_SAFE_INTEGER),
      )
      .map(([k, v]) => [k, tidy(v)]),
  );
}

/** `text/plain; charset=utf-8` → `text/plain`. */
export function essence(mediaType: string): string {
  return (mediaType.split(';')[0] ?? '').trim().toLowerCase();
}

const webhookIdParam: Parameter = { name: 'webhookId', in: 'path', required: true, schema: { type: 'string' } };
const webhookNotFound = error('No such webhook, or another user’s', 'WEBHOOK.NOT_FOUND');

const createWebhook: Operation = {
  tags: ['webhooks'],
  operationId: 'createWebhook',
  summary: 'Register a webhook for the caller’s recordings (signed deliveries, retried)',
  description:
    'Each delivery is a POST of `{id, type, occurredAt, audioId, data}` with `Webhook-Id`, `Webhook-Timestamp` ' +
    '(Unix seconds) and `Webhook-Signature: v1=<hex HMAC-SHA256 of "<id>.<timestamp>.<body>">`, the secret ' +
    'as the key. 2xx is delivered; 410 disables the webhook; anything else is retried with backoff ' +
    '(WEBHOOK_RETRY_SCHEDULE, about 22 hours by default). The secret is in this answer only.',
  requestBody: { required: true, content: { 'application/json': { schema: ref('WebhookCreate') } } },
  responses: {
    '201': jsonBody('WebhookCreated', 'Registered; the secret is shown once'),
    '400': error(
      'Not a JSON object, an unknown field or event, a URL that is not http(s), or a private address',
      'WEBHOOK.BAD_REQUEST',
      'WEBHOOK.BAD_URL',
      'WEBHOOK.PRIVATE_ADDRESS',
      'WEBHOOK.UNRESOLVABLE',
      'HTTP.BAD_REQUEST',
    ),
    ...authenticated(),
    '409': error('The caller has 20 webhooks already', 'WEBHOOK.LIMIT'),
    '503': unavailable,
  },
};

const listWebhooks: Operation = {
  tags: ['webhooks'],
  operationId: 'listWebhooks',
  summary: 'The caller’s webhooks, newest first (without their secrets)',
  responses: { '200': jsonBody('WebhookList', 'The webhooks'), ...authenticated(), '503': unavailable },
};

const deleteWebhook: Operation = {
  tags: ['webhooks'],
  operationId: 'deleteWebhook',
  summary: 'Remove a webhook, its pending deliveries and its log',
  parameters: [webhookIdParam],
  responses: { '204': { description: 'Removed' }, ...authenticated(), '404': webhookNotFound, '503': unavailable },
};

const listWebhookDeliveries: Operation = {
  tags: ['webhooks'],
  operationId: 'listWebhookDeliveries',
  summary: 'A webhook’s delivery log, newest first: each message with every attempt',
  parameters: [
    webhookIdParam,
    { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 } },
  ],
  responses: {
    '200': jsonBody('WebhookDeliveryList', 'The deliveries'),
    '400': error('A limit that is not 1 to 200', 'WEBHOOK.BAD_REQUEST'),
    ...authenticated(),
    '404': webhookNotFound,
    '503': unavailable,
  },
};

export function openApiDocument(): OpenApiDocument {
  return {
    openapi: '3.1.1',
    info: {
      title: 'Speech Coach API',
      version: API_VERSION,
      summary: 'Upload call recordings; get speaker-labelled transcripts and coaching analyses.',
      description:
        'Every route but the operational ones carries `Authorization: Bearer <JWT>` (HS256 with AUTH_JWT_SECRET, ' +
        'or RS256/ES256 from AUTH_JWKS_URL or an OpenID provider, OIDC_ISSUER_URL, with its issuer and AUTH_AUDIENCE ' +
        'checked and ID tokens refused; `sub` is the user, `exp` is required; or a personal API token). The token’s ' +
        'roles and teams claims decide what a caller reads: an agent their own recordings, a manager also those of ' +
        'their teams, an admin all; a recording outside that is a 404. Only the owner (or an admin) changes a ' +
        'recording: a manager gets 403 `AUDIO.FORBIDDEN`. Every error is JSON, `{"error":{"code","message"}}`; an unknown ' +
        'route is a 404 with `HTTP.NOT_FOUND`. Authenticated routes are rate-limited per user (429 with ' +
        '`Retry-After`). The dashboard (static files at `/`) is served beside the API. In the distributed mode the ' +
        'upload-gateway is the one address: it answers the write routes and `GET /audios/{audioId}`, and passes ' +
        'every other GET and HEAD to the query service.',
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [{ url: '/', description: 'this platform' }],
    tags: [
      { name: 'uploads', description: 'whole and resumable uploads' },
      { name: 'recordings', description: 'status, commands and live updates' },
      { name: 'results', description: 'transcripts, analyses, the audio, and their exports' },
      { name: 'trackers', description: 'phrases tracked across every call, and their hits' },
      { name: 'objections', description: 'the objection library: every objection of a type across calls, playable' },
      { name: 'teams', description: 'the team view: per-agent figures for managers' },
      { name: 'operations', description: 'health, readiness, metrics, this document' },
      { name: 'webhooks', description: 'signed notifications of the caller’s recordings' },
      { name: 'auth', description: 'signing in: the identity provider, and who a token is' },
    ],
    security: BEARER,
    paths: {
      '/upload': { post: upload },
      '/uploads': { post: createUpload },
      '/uploads/{audioId}': { get: getUpload, delete: abortUpload },
      '/uploads/{audioId}/parts/{n}': { get: getPartUrl },
      '/uploads/{audioId}/parts/{n}/data': { put: putPart },
      '/uploads/{audioId}/complete': { post: completeUpload },
      '/transcribe/{audioId}': {
        post: command(
          'transcribe',
          'Transcribe the recording (or resume: only chunks not yet transcribed are queued)',
          'TranscriptionAccepted',
          'allowed from `ready`, and to retry failed chunks or resume a stalled transcription',
          'TranscribeRequest',
        ),
      },
      '/transcribe/{audioId}/cancel': { post: cancelTranscription },
      '/analyze/{audioId}': {
        post: command(
          'analyze',
          'Analyse the transcript (again: earlier versions are kept)',
          'AnalysisAccepted',
          'allowed once transcribed, not while an analysis runs',
        ),
      },
      '/all': { get: listRecordings },
      '/search': { get: search },
      '/trackers': { get: trackerOps.list, post: trackerOps.create },
      '/trackers/{trackerId}': { get: trackerOps.get, patch: trackerOps.change, delete: trackerOps.remove },
      '/trackers/{trackerId}/hits': { get: trackerOps.hits },
      '/team/agents': { get: teamAgents },
      '/objections': { get: objectionOps.list },
      '/objections/types': { get: objectionOps.types },
      '/audios/{audioId}/scorecard': { get: getScorecard },
      '/audios/{audioId}': { get: getRecording, patch: updateRecording, delete: deleteRecording },
      '/audios/{audioId}/transcript': { get: getTranscript },
      '/audios/{audioId}/transcript/corrections': { get: getCorrections, patch: correctTranscript },
      '/audios/{audioId}/analysis': { get: getAnalysis },
      '/audios/{audioId}/analyses': { get: listAnalyses },
      '/audios/{audioId}/analyses/{analysisId}': { get: getAnalysisVersion },
      '/audios/{audioId}/report': { get: getReport },
      '/audios/{audioId}/audio': {
        get: {
          tags: ['results'],
          operationId: 'getAudio',
          summary: 'The source recording, with byte ranges',
          description: audioDescription,
          security: BEARER_OR_QUERY,
          parameters: audioParams,
          responses: audioResponses(true),
        },
        head: {
          tags: ['results'],
          operationId: 'headAudio',
          summary: 'The source recording’s headers (size, type, ETag)',
          description: audioDescription,
          security: BEARER_OR_QUERY,
          parameters: audioParams,
          responses: audioResponses(false),
        },
      },
      '/events': { get: events },
      '/webhooks': { post: createWebhook, get: listWebhooks },
      '/webhooks/{webhookId}': { delete: deleteWebhook },
      '/webhooks/{webhookId}/deliveries': { get: listWebhookDeliveries },
      '/auth/config': { get: authConfig },
      '/auth/me': { get: authMe },
      '/auth/tokens': { post: createApiToken, get: listApiTokens },
      '/auth/tokens/{tokenId}': { delete: revokeApiToken },
      '/healthz': { get: healthz },
      '/readyz': { get: readyz },
      '/metrics': { get: metrics },
      '/openapi.json': { get: openapi },
      '/docs': { get: docs },
    },
    components: {
      schemas: components(),
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        accessTokenQuery: {
          type: 'apiKey',
          in: 'query',
          name: 'access_token',
          description: 'the same JWT, for /events and /audios/{audioId}/audio only (RFC 6750 §2.3)',
        },
        metricsToken: { type: 'http', scheme: 'bearer', description: 'METRICS_TOKEN' },
      },
    },
  };
}

import { createHash } from 'node:crypto';
import type { EventOf, TopicName } from '@speech/contracts';
import { pick } from '@speech/kernel';

/**
 * What a webhook can be registered for. `tracker.hit` is reserved for the trackers still to come
 * (issue #15): refused until something emits it.
 */
export const WEBHOOK_EVENTS = ['transcribed', 'analyzed', 'failed'] as const;
export const RESERVED_EVENTS = ['tracker.hit'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** The topics a delivery is made of, and what each one is to a webhook. */
export const DELIVERED_TOPICS = {
  'transcript.completed': 'transcribed',
  'analysis.completed': 'analyzed',
  'transcription.failed': 'failed',
  'analysis.failed': 'failed',
  'audio.chunking.failed': 'failed',
} as const satisfies Partial<Record<TopicName, WebhookEvent>>;
export type DeliveredTopic = keyof typeof DELIVERED_TOPICS;

/**
 * A registered endpoint. Its scope is its owner: `user` (the token's subject) today; a `team`
 * scope is the same record with `scope: 'team'` and the team's id as `ownerId`, looked up beside
 * the user's when teams exist.
 */
export interface WebhookRecord {
  _id: string;
  scope: 'user';
  ownerId: string;
  url: string;
  events: WebhookEvent[];
  secret: string;
  createdAt: number;
  /** Set when the endpoint answered 410 Gone: nothing more is sent to it. */
  disabledAt: number | null;
  disabledReason: string | null;
}

export interface DeliveryAttempt {
  attempt: number;
  at: number;
  /** The endpoint's HTTP status, or null when there was none (refused, unreachable, timed out). */
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

/**
 * One message to one webhook: the job and its log. Its `_id` is the webhook's and the message's,
 * so a redelivered event inserts nothing new. `nextAttemptAt` is when it is due (null once
 * finished); a worker taking it moves that past its lease, so a crashed worker's job is due again.
 */
export interface DeliveryRecord {
  _id: string;
  webhookId: string;
  scope: 'user';
  ownerId: string;
  audioId: string;
  messageId: string;
  type: DeliveredTopic;
  /** The JSON body, fixed when the job is made: every attempt sends the same bytes. */
  body: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: DeliveryAttempt[];
  createdAt: number;
  nextAttemptAt: number | null;
  deliveredAt: number | null;
}

export interface WebhookMessage {
  id: string;
  type: DeliveredTopic;
  occurredAt: string;
  audioId: string;
  data: Record<string, unknown>;
}

const hash = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 32);

/**
 * The message an event becomes: the headline results and where to fetch the whole. Its id is
 * derived from what happened (the analysis, the recording's transcript, the failed request), not
 * from the event's id, so an event announced again (the analyzer re-announces on a redelivered
 * request) is the same message with the same `Webhook-Id`.
 */
export function messageOf(e: EventOf<DeliveredTopic>): WebhookMessage {
  const recordingPath = `/audios/${e.audioId}`;
  let key: string;
  let data: Record<string, unknown>;
  switch (e.type) {
    case 'transcript.completed':
      key = e.audioId;
      data = {
        ...pick(e.payload, ['wordCount', 'segmentCount', 'durationMs', 'speakers', 'engine']),
        recordingPath,
        transcriptPath: `${recordingPath}/transcript`,
      };
      break;
    case 'analysis.completed': {
      const p = e.payload;
      key = p.analysisId;
      data = {
        ...pick(p, [
          'analysisId',
          'analyst',
          'model',
          'issueCount',
          'sentimentScore',
          'quizCount',
          'callType',
          'overallSentiment',
          'closingSentiment',
          'issueTypes',
          'agentTalkRatio',
        ]),
        recordingPath,
        analysisPath: `${recordingPath}/analyses/${p.analysisId}`,
      };
      break;
    }
    case 'analysis.failed':
      key = e.payload.analysisId;
      data = {
        stage: 'analysis',
        analysisId: e.payload.analysisId,
        code: e.payload.code,
        reason: e.payload.reason,
        recordingPath,
      };
      break;
    case 'transcription.failed':
      key = `${e.audioId}:${e.correlationId}`;
      data = { stage: 'transcription', code: e.payload.code, reason: e.payload.reason, recordingPath };
      break;
    case 'audio.chunking.failed':
      key = e.audioId;
      data = { stage: 'chunking', code: e.payload.code, reason: e.payload.reason, recordingPath };
      break;
  }
  return {
    id: `msg_${hash(`${e.type}:${key}`)}`,
    type: e.type,
    occurredAt: new Date(e.occurredAt).toISOString(),
    audioId: e.audioId,
    data,
  };
}

export function deliveryIdOf(webhookId: string, messageId: string): string {
  return `${webhookId}.${messageId}`;
}

/**
 * Everything the rule-based coaching, quiz and summary need, computed once per call.
 */
import type { Transcript } from '@speech/contracts';
import type { ActionItem, CallKind, CallType, Issue, Metrics, Sentiment, SentimentLabel } from './analysis.schema';
import type { Facts } from './facts';
import type { IssueResponse } from './objection-response';
import type { Utterance } from './utterances';

export interface CallFacts {
  transcript: Transcript;
  utterances: Utterance[];
  callType: CallType;
  /** The finer kind (call-kind.ts). */
  callKind: CallKind;
  metrics: Metrics;
  sentiment: Sentiment;
  issues: Issue[];
  responses: IssueResponse[];
  actionItems: ActionItem[];
  /** "agent" on stereo calls, the only speaker on mono calls, else null. */
  coachee: string | null;
  /** The customer on stereo calls, else null. */
  customer: string | null;
  /** How the customer sounded at the end, or null without a customer. */
  customerClosing: { score: number; label: SentimentLabel; atMs: number | null } | null;
  /** Entities, outcomes and the root cause (facts.ts). */
  found: Facts;
}

/** The webhook routes' bodies (README "Webhooks"; libs/webhooks routes.ts sends them). */
import { z } from 'zod';

const epochMs = z.number().int().describe('milliseconds since 1970-01-01 UTC');
const events = z
  .array(z.enum(['transcribed', 'analyzed', 'failed']))
  .min(1)
  .describe('`tracker.hit` is reserved for the trackers to come and refused until then');

export const WebhookCreateSchema = z
  .object({
    url: z.string().max(2000).describe('http:// or https://; private, loopback and link-local hosts are refused'),
    events,
    secret: z
      .string()
      .regex(/^[\x21-\x7e]{24,200}$/)
      .optional()
      .describe('the signing secret; generated (`whsec_…`) when absent'),
  })
  .strict();

export const WebhookSchema = z.object({
  id: z.string(),
  url: z.string(),
  events,
  enabled: z.boolean().describe('false once the endpoint answered 410 Gone'),
  disabledReason: z.string().nullable(),
  createdAt: epochMs,
});

export const WebhookCreatedSchema = WebhookSchema.extend({
  secret: z.string().describe('shown here only: sign-checking key of every delivery'),
});

export const WebhookListSchema = z.object({ items: z.array(WebhookSchema) });

export const WebhookDeliverySchema = z.object({
  id: z.string(),
  messageId: z.string().describe('the `Webhook-Id` header: the same on every retry'),
  type: z.enum([
    'transcript.completed',
    'analysis.completed',
    'transcription.failed',
    'analysis.failed',
    'audio.chunking.failed',
  ]),
  audioId: z.string(),
  status: z.enum(['pending', 'delivered', 'failed']),
  createdAt: epochMs,
  nextAttemptAt: epochMs.nullable(),
  deliveredAt: epochMs.nullable(),
  attempts: z.array(
    z.object({
      attempt: z.number().int().min(1),
      at: epochMs,
      statusCode: z.number().int().nullable().describe('null: no answer (refused, unreachable, timed out)'),
      error: z.string().nullable(),
      durationMs: z.number().int().min(0),
    }),
  ),
});

export const WebhookDeliveryListSchema = z.object({ items: z.array(WebhookDeliverySchema) });

export const WEBHOOK_SCHEMAS = {
  WebhookCreate: WebhookCreateSchema,
  Webhook: WebhookSchema,
  WebhookCreated: WebhookCreatedSchema,
  WebhookList: WebhookListSchema,
  WebhookDelivery: WebhookDeliverySchema,
  WebhookDeliveryList: WebhookDeliveryListSchema,
} satisfies Record<string, z.ZodType>;

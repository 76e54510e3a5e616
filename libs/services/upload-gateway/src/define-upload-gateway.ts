import { probeAudio } from '@speech/audio';
import type { RecordingReader } from '@speech/contracts';
import type { AccessControl, AuthClientConfig } from '@speech/platform';
import { subscribeAll, type ServiceDefinition, type ServiceInfra } from '@speech/service-kit';
import {
  createWebhooks,
  DEFAULT_SCHEDULE,
  GROUP as WEBHOOKS_GROUP,
  httpWebhookSender,
  mountWebhookRoutes,
  parseSchedule,
  resolveHost,
  type WebhookSender,
} from '@speech/webhooks';
import express from 'express';
import { audiosCollection } from './audio-repository';
import { mountAuthRoutes } from './auth-routes';
import { mountPersonalTokenRoutes } from './personal-tokens';
import { recordingManagement } from './manage';
import { mountUploadGateway } from './upload-gateway';
import type { GatewayDeps } from './upload-intake';

export interface UploadGatewaySettings {
  MAX_UPLOAD_BYTES: number;
  UPLOAD_EXPIRY_HOURS: number;
  /** The longest lifetime of a personal API token (default 30 days). */
  AUTH_MAX_TOKEN_HOURS?: number;
  /** Webhooks (README "Webhooks"); the defaults are the config's. */
  WEBHOOK_ALLOW_PRIVATE?: boolean;
  WEBHOOK_RETRY_SCHEDULE?: string;
  WEBHOOK_TIMEOUT_MS?: number;
  WEBHOOK_POLL_MS?: number;
}

export interface UploadGatewayParts {
  /** Where a recording's state is read (the query service, in process or over HTTP). */
  recordings: RecordingReader;
  access: AccessControl;
  /** How clients reach the API, for the part URLs the gateway signs itself. */
  publicUrl: () => string;
  /** How the dashboard signs in (GET /auth/config); default: pasted tokens. */
  authClient?: AuthClientConfig;
  /** The key those part URLs are signed with, when the store cannot pre-sign (the filesystem store). */
  uploadSigningKey?: string;
  /** How webhook deliveries go out (default: node:http, refusing private addresses unless allowed). */
  webhookSender?: WebhookSender;
}

/**
 * The write side of the API: uploads (whole and resumable), the Transcribe/Analyze commands, and
 * the user's webhooks (registered here, delivered by this service's worker from the pipeline's
 * events: the gateway holds each recording's owner).
 */
export async function defineUploadGateway(
  infra: ServiceInfra,
  parts: UploadGatewayParts,
  settings: UploadGatewaySettings,
): Promise<ServiceDefinition> {
  let relay: { close(): void } | null = null;
  const deps: GatewayDeps = {
    ...infra,
    recordings: parts.recordings,
    access: parts.access,
    probe: probeAudio,
    config: {
      maxUploadBytes: settings.MAX_UPLOAD_BYTES,
      publicUrl: parts.publicUrl,
      uploadSigningKey: parts.uploadSigningKey,
      uploadExpiryMs: settings.UPLOAD_EXPIRY_HOURS * 3600_000,
    },
  };
  const audios = await audiosCollection(infra.docs);
  const manage = recordingManagement(deps, audios);
  const allowPrivate = settings.WEBHOOK_ALLOW_PRIVATE ?? false;
  const webhooks = await createWebhooks({
    docs: infra.docs,
    tx: infra.tx,
    log: infra.log.child({ component: 'webhooks' }),
    ownerOf: async (audioId) => (await audios.get(audioId))?.userId ?? null,
    sender: parts.webhookSender ?? httpWebhookSender({ allowPrivate }),
    resolve: resolveHost,
    settings: {
      allowPrivate,
      retry: { schedule: parseSchedule(settings.WEBHOOK_RETRY_SCHEDULE ?? DEFAULT_SCHEDULE), jitter: 0.2 },
      timeoutMs: settings.WEBHOOK_TIMEOUT_MS ?? 10_000,
      pollMs: settings.WEBHOOK_POLL_MS ?? 1000,
    },
  });
  return {
    name: 'upload-gateway',
    subscribe: () => {
      // Its own share of a deletion (the objects, its record).
      subscribeAll(infra.bus, 'upload-gateway', manage.handlers);
      // Webhook jobs from the outcomes (and their removal on audio.deleted), in a group of their own.
      subscribeAll(infra.bus, WEBHOOKS_GROUP, webhooks.handlers);
    },
    mount: async (app) => {
      mountAuthRoutes(app, parts.authClient ?? { mode: 'token' }, parts.access);
      await mountPersonalTokenRoutes(app, infra.docs, parts.access, {
        maxHours: settings.AUTH_MAX_TOKEN_HOURS ?? 30 * 24,
        json: express.json({ limit: '16kb' }),
      });
      relay = await mountUploadGateway(app, deps, manage);
      const { user: auth, write: limiter, read } = parts.access;
      mountWebhookRoutes(app, webhooks, { auth, limiter, read, json: express.json({ limit: '64kb' }) });
      webhooks.start();
    },
    stop: async () => {
      relay?.close();
      await webhooks.stop();
    },
  };
}

import { probeAudio } from '@speech/audio';
import type { RecordingReader } from '@speech/contracts';
import type { AccessControl } from '@speech/platform';
import type { ServiceDefinition, ServiceInfra } from '@speech/service-kit';
import { mountUploadGateway } from './upload-gateway';

export interface UploadGatewaySettings {
  MAX_UPLOAD_BYTES: number;
  UPLOAD_EXPIRY_HOURS: number;
}

export interface UploadGatewayParts {
  /** Where a recording's state is read (the query service, in process or over HTTP). */
  recordings: RecordingReader;
  access: AccessControl;
  /** How clients reach the API, for the part URLs the gateway signs itself. */
  publicUrl: () => string;
  /** The key those part URLs are signed with, when the store cannot pre-sign (the filesystem store). */
  uploadSigningKey?: string;
}

/** The write side of the API: uploads (whole and resumable) and the Transcribe/Analyze commands. */
export async function defineUploadGateway(
  infra: ServiceInfra,
  parts: UploadGatewayParts,
  settings: UploadGatewaySettings,
): Promise<ServiceDefinition> {
  let relay: { close(): void } | null = null;
  return {
    name: 'upload-gateway',
    subscribe: () => undefined, // it consumes nothing: it publishes
    mount: async (app) => {
      relay = await mountUploadGateway(app, {
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
      });
    },
    stop: async () => relay?.close(),
  };
}

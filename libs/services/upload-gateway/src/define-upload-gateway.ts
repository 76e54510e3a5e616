import { probeAudio } from '@speech/audio';
import type { RecordingReader } from '@speech/contracts';
import type { AccessControl } from '@speech/platform';
import { subscribeAll, type ServiceDefinition, type ServiceInfra } from '@speech/service-kit';
import { audiosCollection } from './audio-repository';
import { recordingManagement } from './manage';
import { mountUploadGateway } from './upload-gateway';
import type { GatewayDeps } from './upload-intake';

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
  const manage = recordingManagement(deps, await audiosCollection(infra.docs));
  return {
    name: 'upload-gateway',
    // It publishes, and consumes only audio.deleted: its share of a deletion (the objects, its record).
    subscribe: () => subscribeAll(infra.bus, 'upload-gateway', manage.handlers),
    mount: async (app) => {
      relay = await mountUploadGateway(app, deps, manage);
    },
    stop: async () => relay?.close(),
  };
}

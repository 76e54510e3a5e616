import { AppError, type ErrorKind } from '@speech/kernel';

/**
 * Codes raised by libs/audio. `retriable` follows the project rule (docs/ARCHITECTURE.md, "Errors"):
 * only failures that another attempt could fix (a flaky URL) are retriable; a file that
 * is not audio stays not-audio however often it is probed.
 */
export type AudioErrorCode =
  | 'AUDIO.NOT_AUDIO'
  | 'AUDIO.EMPTY'
  | 'AUDIO.NOT_FOUND'
  | 'AUDIO.UNREACHABLE'
  | 'AUDIO.DECODE_FAILED'
  | 'AUDIO.FFMPEG_MISSING'
  | 'AUDIO.ABORTED';

const KIND: Record<AudioErrorCode, ErrorKind> = {
  'AUDIO.NOT_AUDIO': 'input',
  'AUDIO.EMPTY': 'input',
  'AUDIO.NOT_FOUND': 'input',
  'AUDIO.UNREACHABLE': 'infrastructure',
  'AUDIO.DECODE_FAILED': 'input',
  'AUDIO.FFMPEG_MISSING': 'infrastructure',
  'AUDIO.ABORTED': 'infrastructure',
};

export class AudioError extends AppError {
  declare readonly code: AudioErrorCode;

  constructor(code: AudioErrorCode, message: string, opts: { retriable?: boolean; cause?: unknown } = {}) {
    // Without a flag, only the infrastructure's failures are worth another attempt.
    super(code, message, { retriable: opts.retriable ?? false, cause: opts.cause, kind: KIND[code] });
    this.name = 'AudioError';
  }
}

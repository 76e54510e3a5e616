import { AppError } from '@speech/contracts';

/**
 * Codes raised by libs/audio. `retriable` follows the project rule (STYLE.md "Errors"):
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

export class AudioError extends AppError {
  declare readonly code: AudioErrorCode;

  constructor(code: AudioErrorCode, message: string, opts: { retriable?: boolean; cause?: unknown } = {}) {
    super(code, message, opts);
    this.name = 'AudioError';
  }
}

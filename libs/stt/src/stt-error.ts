import { AppError } from '@speech/contracts';

/**
 * Codes raised by speech-to-text adapters. The stt-worker retries or dead-letters a chunk from
 * `retriable` alone (STYLE.md "Errors"): a crash or a timeout may pass on another attempt or
 * another worker; a missing binary, a missing model or an unreadable WAV will not.
 */
export type SttErrorCode =
  | 'STT.ENGINE_FAILED'
  | 'STT.ENGINE_TIMEOUT'
  | 'STT.ENGINE_MISSING'
  | 'STT.MODEL_MISSING'
  | 'STT.BAD_AUDIO'
  | 'STT.UNSUPPORTED_LANGUAGE'
  | 'STT.ABORTED';

export class SttError extends AppError {
  declare readonly code: SttErrorCode;

  constructor(code: SttErrorCode, message: string, opts: { retriable?: boolean; cause?: unknown } = {}) {
    super(code, message, opts);
    this.name = 'SttError';
  }
}

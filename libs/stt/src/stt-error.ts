import { AppError, type ErrorKind } from '@speech/kernel';

/**
 * Codes raised by speech-to-text adapters. The stt-worker retries or dead-letters a chunk from
 * `retriable` alone (docs/ARCHITECTURE.md, "Errors"): a crash or a timeout may pass on another attempt or
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

/** What each code is (libs/kernel ErrorKind): it decides which retry budget a failure spends. */
const KIND: Record<SttErrorCode, ErrorKind> = {
  'STT.ENGINE_FAILED': 'engine',
  'STT.ENGINE_TIMEOUT': 'engine',
  'STT.ENGINE_MISSING': 'infrastructure',
  'STT.MODEL_MISSING': 'infrastructure',
  'STT.BAD_AUDIO': 'input',
  'STT.UNSUPPORTED_LANGUAGE': 'input',
  'STT.ABORTED': 'infrastructure',
};

export class SttError extends AppError {
  declare readonly code: SttErrorCode;

  /** `kind` overrides the code's: an engine nobody can reach is the infrastructure's failure. */
  constructor(
    code: SttErrorCode,
    message: string,
    opts: { retriable?: boolean; cause?: unknown; kind?: ErrorKind } = {},
  ) {
    super(code, message, { retriable: opts.retriable ?? false, cause: opts.cause, kind: opts.kind ?? KIND[code] });
    this.name = 'SttError';
  }
}

import type { Word } from '@speech/contracts';

export interface TranscribeInput {
  /** 16 kHz mono s16le WAV with the canonical 44-byte header (what libs/audio's chunker writes). */
  wavPath: string;
  /** BCP-47, e.g. 'en-US'; engines that cannot honour it throw STT.UNSUPPORTED_LANGUAGE. */
  language?: string;
  /** Vocabulary hints (product and competitor names); engines that cannot use them ignore them. */
  phrases?: string[];
  signal?: AbortSignal;
}

export interface TranscribeResult {
  /** Time-ordered; times RELATIVE to the chunk start, integer ms. */
  words: Word[];
  language: string;
  /** Engine id recorded in the transcript, e.g. 'pocketsphinx-5prealpha/en-us'. */
  engine: string;
}

export interface SpeechToText {
  readonly name: string;
  transcribe(input: TranscribeInput): Promise<TranscribeResult>;
}

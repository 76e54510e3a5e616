/**
 * Speech to text with Azure AI Speech through microsoft-cognitiveservices-speech-sdk.
 *
 * One chunk = one continuous-recognition session fed from a push stream: the WAV's PCM
 * samples are pushed as they are read from disk, then the stream is closed, and the session ends
 * when the service has recognised everything (canceled with EndOfStream, then sessionStopped).
 * - Word timestamps: `requestWordLevelTimestamps()` and the Detailed output format, read from
 *   each result's JSON (NBest[0].Words, offsets in 100 ns ticks from the stream start).
 * - Vocabulary: the upload's `phrases` go into a PhraseListGrammar for that session.
 * - Diarization (mono recordings): a ConversationTranscriber instead of a SpeechRecognizer;
 *   each phrase carries a speaker id ("Guest-1"), returned in `segments`.
 * The recognizer comes from a factory, so tests can drive the SDK's events without a key.
 */
import { createReadStream } from 'node:fs';
import type { Word } from '@speech/contracts';
import type { ClientRetryOptions } from '@speech/kernel';
import * as sdk from 'microsoft-cognitiveservices-speech-sdk';
import { z } from 'zod';
import {
  DEFAULT_RETRY_POLICY,
  Semaphore,
  SttProviderError,
  abortedError,
  withRetries,
  type RetryPolicy,
} from './resilience';
import type { SpeechToText } from './speech-to-text.port';
import { timeoutMessage } from './stt-timeout';
import { SttError } from './stt-error';
import { normaliseWords, type CloudTranscribeInput, type CloudTranscribeResult, type SttSegment } from './stt-result';
import { readWavInfo, type WavInfo } from './wav';

/** The parts of SpeechRecognizer the adapter uses (a fake implements the same names). */
export type AzureSpeechRecognizer = Pick<
  sdk.SpeechRecognizer,
  | 'recognized'
  | 'canceled'
  | 'sessionStopped'
  | 'startContinuousRecognitionAsync'
  | 'stopContinuousRecognitionAsync'
  | 'close'
>;
/** The parts of ConversationTranscriber the adapter uses. */
export type AzureConversationTranscriber = Pick<
  sdk.ConversationTranscriber,
  'transcribed' | 'canceled' | 'sessionStopped' | 'startTranscribingAsync' | 'stopTranscribingAsync' | 'close'
>;

export type AzureRecognizer =
  | { kind: 'speech'; recognizer: AzureSpeechRecognizer }
  | { kind: 'conversation'; recognizer: AzureConversationTranscriber };

export interface AzureRecognizerRequest {
  diarize: boolean;
  speechConfig: sdk.SpeechConfig;
  audioConfig: sdk.AudioConfig;
  /** Vocabulary for this session's phrase list. */
  phrases: readonly string[];
}

export type AzureRecognizerFactory = (req: AzureRecognizerRequest) => AzureRecognizer;

/** The real SDK objects, with the phrase list attached. */
export const createAzureRecognizer: AzureRecognizerFactory = ({ diarize, speechConfig, audioConfig, phrases }) => {
  if (diarize) {
    const recognizer = new sdk.ConversationTranscriber(speechConfig, audioConfig);
    if (phrases.length) sdk.PhraseListGrammar.fromRecognizer(recognizer).addPhrases([...phrases]);
    return { kind: 'conversation', recognizer };
  }
  const recognizer = new sdk.SpeechRecognizer(speechConfig, audioConfig);
  if (phrases.length) sdk.PhraseListGrammar.fromRecognizer(recognizer).addPhrases([...phrases]);
  return { kind: 'speech', recognizer };
};

export interface AzureSpeechOptions extends ClientRetryOptions {
  key: string;
  /** e.g. 'westeurope'. One of region or endpoint is required. */
  region?: string;
  /** A custom endpoint (private link, sovereign cloud, container); wins over region. */
  endpoint?: string;
  /** BCP-47 used when an upload names no language. Default 'en-US'. */
  defaultLanguage?: string;
  /** Separate speakers when the caller does not say (CloudTranscribeInput.diarize). Default false. */
  diarize?: boolean;
  /** Per session. Default max(60 s, 2 × the audio's length). */
  timeoutMs?: number | ((audioMs: number) => number);
  /** Sessions at once from this adapter. Default 4. */
  concurrency?: number;
  createRecognizer?: AzureRecognizerFactory;
}

/** Detailed-format result JSON (lenient: only what we read). */
const DetailedResultSchema = z.object({
  Offset: z.number().optional(),
  Duration: z.number().optional(),
  DisplayText: z.string().optional(),
  SpeakerId: z.string().optional(),
  NBest: z
    .array(
      z.object({
        Confidence: z.number().optional(),
        Lexical: z.string().optional(),
        Display: z.string().optional(),
        Words: z
          .array(
            z.object({ Word: z.string(), Offset: z.number(), Duration: z.number(), Confidence: z.number().optional() }),
          )
          .optional(),
      }),
    )
    .optional(),
});

const TICKS_PER_MS = 10_000;
const PUSH_CHUNK_BYTES = 32 * 1024;

export interface RecognizedPhrase {
  words: Word[];
  segment: SttSegment;
}

/**
 * One recognised phrase (a `recognized` or `transcribed` result) as chunk-relative words and a
 * segment. Offsets in the result are from the start of the pushed stream, i.e. of the chunk.
 */
export function phraseFromResult(result: {
  json: string;
  offset: number;
  duration: number;
  text: string;
  speakerId?: string;
}): RecognizedPhrase | null {
  let detailed: z.infer<typeof DetailedResultSchema> = {};
  try {
    const parsed = DetailedResultSchema.safeParse(JSON.parse(result.json));
    if (parsed.success) detailed = parsed.data;
  } catch {
    // simple output format or no JSON: fall back to text and offsets
  }
  const best = detailed.NBest?.[0];
  const startMs = Math.round((detailed.Offset ?? result.offset) / TICKS_PER_MS);
  const endMs = startMs + Math.round((detailed.Duration ?? result.duration) / TICKS_PER_MS);
  const phraseConfidence = best?.Confidence ?? 1;
  let words: Word[];
  if (best?.Words && best.Words.length > 0) {
    words = best.Words.map((w) => ({
      text: w.Word,
      startMs: Math.round(w.Offset / TICKS_PER_MS),
      endMs: Math.round((w.Offset + w.Duration) / TICKS_PER_MS),
      confidence: w.Confidence ?? phraseConfidence,
    }));
  } else {
    // No word timings: spread the lexical form over the phrase.
    const tokens = (best?.Lexical ?? result.text).split(/\s+/).filter((t) => t !== '');
    const step = tokens.length ? (endMs - startMs) / tokens.length : 0;
    words = tokens.map((text, i) => ({
      text,
      startMs: startMs + i * step,
      endMs: startMs + (i + 1) * step,
      confidence: phraseConfidence,
    }));
  }
  const text = (detailed.DisplayText ?? best?.Display ?? result.text).trim();
  if (words.length === 0 && text === '') return null;
  const speaker = result.speakerId ?? detailed.SpeakerId ?? null;
  return {
    words,
    segment: { startMs, endMs: Math.max(startMs, endMs), text, speaker: speaker && speaker !== '' ? speaker : null },
  };
}

/** A session's cancellation as an SttError that says whether a retry can help. */
export function sttErrorFromCancellation(errorCode: sdk.CancellationErrorCode, errorDetails: string): SttProviderError {
  const C = sdk.CancellationErrorCode;
  const provider = 'azure';
  const detail = errorDetails ? `: ${errorDetails}` : '';
  // In Node the SDK reports a refused WebSocket upgrade as ConnectionFailure with the HTTP status
  // only in the text ("Unable to contact server. StatusCode: 1006, … Unexpected server response: 401").
  const status = Number(/server response:?\s*(\d{3})/i.exec(errorDetails)?.[1] ?? NaN);
  if (status === 401 || status === 403) errorCode = C.AuthenticationFailure;
  else if (status === 429) errorCode = C.TooManyRequests;
  else if (status === 400) errorCode = C.BadRequestParameters;
  else if (status === 404) {
    return new SttProviderError(
      'STT.ENGINE_FAILED',
      `azure speech endpoint not found (check AZURE_SPEECH_ENDPOINT / region)${detail}`,
      { provider, status, retriable: false },
    );
  }
  switch (errorCode) {
    case C.AuthenticationFailure:
    case C.Forbidden:
      return new SttProviderError(
        'STT.ENGINE_FAILED',
        `azure speech rejected the credentials (check AZURE_SPEECH_KEY and the region/endpoint)${detail}`,
        {
          provider,
          retriable: false,
        },
      );
    case C.BadRequestParameters:
      return /language|locale/i.test(errorDetails)
        ? new SttProviderError('STT.UNSUPPORTED_LANGUAGE', `azure speech does not support the language${detail}`, {
            provider,
            retriable: false,
          })
        : new SttProviderError('STT.ENGINE_FAILED', `azure speech rejected the request${detail}`, {
            provider,
            retriable: false,
          });
    case C.TooManyRequests:
      return new SttProviderError('STT.ENGINE_FAILED', `azure speech is throttling requests${detail}`, {
        provider,
        retriable: true,
      });
    case C.ServiceTimeout:
      return new SttProviderError('STT.ENGINE_TIMEOUT', `azure speech timed out${detail}`, {
        provider,
        retriable: true,
      });
    case C.ConnectionFailure:
    case C.ServiceError:
    case C.RuntimeError:
    default:
      return new SttProviderError('STT.ENGINE_FAILED', `azure speech failed (${C[errorCode] ?? errorCode})${detail}`, {
        provider,
        retriable: true,
      });
  }
}

export class AzureSpeechToText implements SpeechToText {
  readonly name = 'azure';
  private readonly semaphore: Semaphore;
  private readonly policy: RetryPolicy;
  private readonly createRecognizer: AzureRecognizerFactory;

  constructor(private readonly opts: AzureSpeechOptions) {
    if (!opts.key) throw new SttError('STT.ENGINE_FAILED', 'azure speech needs a key (AZURE_SPEECH_KEY)');
    if (!opts.region && !opts.endpoint) {
      throw new SttError(
        'STT.ENGINE_FAILED',
        'azure speech needs a region (AZURE_SPEECH_REGION) or an endpoint (AZURE_SPEECH_ENDPOINT)',
      );
    }
    this.semaphore = new Semaphore(opts.concurrency ?? 4);
    this.policy = { ...DEFAULT_RETRY_POLICY, ...opts.retry };
    this.createRecognizer = opts.createRecognizer ?? createAzureRecognizer;
  }

  /** The SDK configuration for one session. */
  speechConfig(language: string): sdk.SpeechConfig {
    const cfg = this.opts.endpoint
      ? sdk.SpeechConfig.fromEndpoint(new URL(this.opts.endpoint), this.opts.key)
      : sdk.SpeechConfig.fromSubscription(this.opts.key, this.opts.region as string);
    cfg.speechRecognitionLanguage = language;
    cfg.outputFormat = sdk.OutputFormat.Detailed;
    cfg.requestWordLevelTimestamps();
    // Quotes are evidence in the analysis: masked words ("***") would not match what was said.
    cfg.setProfanity(sdk.ProfanityOption.Raw);
    return cfg;
  }

  async transcribe(input: CloudTranscribeInput): Promise<CloudTranscribeResult> {
    const wav = await readWavInfo(input.wavPath);
    if (wav.channels !== 1)
      throw new SttError(
        'STT.BAD_AUDIO',
        `${input.wavPath} has ${wav.channels} channels; azure speech takes mono chunks`,
      );
    const language = input.language ?? this.opts.defaultLanguage ?? 'en-US';
    const diarize = input.diarize ?? this.opts.diarize ?? false;
    const t = this.opts.timeoutMs;
    const timeoutMs = typeof t === 'function' ? t(wav.durationMs) : (t ?? Math.max(60_000, 2 * wav.durationMs));
    const phrases = await withRetries(
      () => this.semaphore.run(() => this.session(input, wav, language, diarize, timeoutMs), input.signal),
      { policy: this.policy, signal: input.signal, sleep: this.opts.sleep, random: this.opts.random },
    );
    phrases.sort((a, b) => a.segment.startMs - b.segment.startMs);
    return {
      words: normaliseWords(phrases.flatMap((p) => p.words)),
      segments: phrases.map((p) => p.segment),
      language,
      engine: diarize ? `azure-speech/${language}/diarized` : `azure-speech/${language}`,
    };
  }

  private async session(
    input: CloudTranscribeInput,
    wav: WavInfo,
    language: string,
    diarize: boolean,
    timeoutMs: number,
  ): Promise<RecognizedPhrase[]> {
    if (input.signal?.aborted) throw abortedError(input.signal);
    const stream = sdk.AudioInputStream.createPushStream(
      sdk.AudioStreamFormat.getWaveFormatPCM(wav.sampleRate, wav.bitsPerSample, wav.channels),
    );
    const audioConfig = sdk.AudioConfig.fromStreamInput(stream);
    const speechConfig = this.speechConfig(language);
    const rec = this.createRecognizer({ diarize, speechConfig, audioConfig, phrases: input.phrases ?? [] });
    const phrases: RecognizedPhrase[] = [];
    let finish: (err: unknown | null) => void = () => undefined;

    const done = new Promise<RecognizedPhrase[]>((resolve, reject) => {
      let settled = false;
      finish = (err: unknown | null): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        input.signal?.removeEventListener('abort', onAbort);
        if (err) reject(err);
        else resolve(phrases);
      };
      const timer = setTimeout(
        () =>
          finish(
            new SttProviderError('STT.ENGINE_TIMEOUT', timeoutMessage('azure speech', timeoutMs, wav.durationMs), {
              provider: 'azure',
              retriable: true,
            }),
          ),
        timeoutMs,
      );
      const onAbort = (): void => finish(abortedError(input.signal));
      input.signal?.addEventListener('abort', onAbort, { once: true });

      const onResult = (result: sdk.SpeechRecognitionResult | sdk.ConversationTranscriptionResult): void => {
        if (result.reason !== sdk.ResultReason.RecognizedSpeech) return; // NoMatch: silence or noise
        const phrase = phraseFromResult(result);
        if (phrase) phrases.push(phrase);
      };
      const onCanceled = (e: {
        reason: sdk.CancellationReason;
        errorCode: sdk.CancellationErrorCode;
        errorDetails: string;
      }): void => {
        if (e.reason === sdk.CancellationReason.EndOfStream) finish(null);
        else finish(sttErrorFromCancellation(e.errorCode, e.errorDetails));
      };
      const onStopped = (): void => finish(null);
      const onStartError = (message: string): void =>
        finish(
          new SttProviderError('STT.ENGINE_FAILED', `azure speech could not start: ${message}`, {
            provider: 'azure',
            retriable: true,
          }),
        );

      if (rec.kind === 'conversation') {
        rec.recognizer.transcribed = (_s, e) => onResult(e.result);
        rec.recognizer.canceled = (_s, e) => onCanceled(e);
        rec.recognizer.sessionStopped = onStopped;
        rec.recognizer.startTranscribingAsync(undefined, onStartError);
      } else {
        rec.recognizer.recognized = (_s, e) => onResult(e.result);
        rec.recognizer.canceled = (_s, e) => onCanceled(e);
        rec.recognizer.sessionStopped = onStopped;
        rec.recognizer.startContinuousRecognitionAsync(undefined, onStartError);
      }
    });

    // Settled by the events, a timeout, an abort, or a failed push (below); never left dangling.
    done.catch(() => undefined);
    try {
      await pushPcm(input.wavPath, wav, stream, input.signal);
      return await done;
    } catch (err) {
      finish(err);
      try {
        stream.close();
      } catch {
        // already closed
      }
      throw err;
    } finally {
      await stopAndClose(rec);
    }
  }
}

/** Streams the WAV's samples into the push stream and closes it (end of audio). */
async function pushPcm(
  wavPath: string,
  wav: WavInfo,
  stream: sdk.PushAudioInputStream,
  signal?: AbortSignal,
): Promise<void> {
  if (wav.dataBytes <= 0) {
    stream.close();
    return;
  }
  const file = createReadStream(wavPath, {
    start: wav.dataOffset,
    end: wav.dataOffset + wav.dataBytes - 1,
    highWaterMark: PUSH_CHUNK_BYTES,
  });
  try {
    for await (const chunk of file as AsyncIterable<Buffer>) {
      if (signal?.aborted) throw abortedError(signal);
      // The SDK keeps the ArrayBuffer: hand it a copy, not a view of the stream's pooled buffer.
      stream.write(chunk.buffer.slice(chunk.byteOffset, chunk.byteOffset + chunk.byteLength) as ArrayBuffer);
    }
  } catch (err) {
    if (err instanceof SttError) throw err;
    throw new SttError('STT.BAD_AUDIO', `cannot read ${wavPath}: ${(err as Error).message}`, { cause: err });
  } finally {
    file.destroy();
  }
  stream.close();
}

function stopAndClose(rec: AzureRecognizer): Promise<void> {
  return new Promise<void>((resolve) => {
    const close = (): void => {
      try {
        rec.recognizer.close(
          () => resolve(),
          () => resolve(),
        );
      } catch {
        resolve();
      }
    };
    try {
      if (rec.kind === 'conversation') rec.recognizer.stopTranscribingAsync(close, close);
      else rec.recognizer.stopContinuousRecognitionAsync(close, close);
    } catch {
      close();
    }
  });
}

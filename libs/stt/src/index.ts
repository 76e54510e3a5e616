export type { SpeechToText, TranscribeInput, TranscribeResult } from './speech-to-text.port';
export { SttError, type SttErrorCode } from './stt-error';
export {
  DEFAULT_POCKETSPHINX_MODEL_DIR,
  PocketsphinxSpeechToText,
  ensureWarmModelCopy,
  lastCmnVector,
  parsePocketsphinxOutput,
  quietestStretchDb,
  withCmnInit,
  type PocketsphinxDecode,
  type PocketsphinxOptions,
} from './pocketsphinx.adapter';
export { integerWords, normalizeWords, spellNumbers, spokenWordErrorRate, wordErrorRate, type WerResult } from './wer';
export {
  STT_PROVIDERS,
  MeasuredSpeechToText,
  createSpeechToText,
  startSpeechToText,
  whisperUrl,
  type RunningSpeechToText,
  refineSttProviderEnv,
  sttProviderEnvProblems,
  sttProviderEnvSchema,
  type SpeechToTextDeps,
  type SttProvider,
  type SttProviderEnv,
} from './stt-provider';
export {
  AzureSpeechToText,
  createAzureRecognizer,
  type AzureRecognizerFactory,
  type AzureSpeechOptions,
} from './azure-speech.adapter';
export {
  OpenAiTranscriptionSpeechToText,
  engineOf,
  vocabularyPrompt,
  type OpenAiTranscriptionOptions,
  type OpenAiTranscriptionTarget,
} from './openai-transcription.adapter';
export { Semaphore, SttProviderError, DEFAULT_RETRY_POLICY, type RetryPolicy } from './resilience';
export type { CloudTranscribeInput, CloudTranscribeResult, SttSegment } from './stt-result';
export { readWavInfo, type WavInfo } from './wav';
export { NOMINAL_SPEED_FACTOR, SpeedBudget, timeoutMessage, type SpeedBudgetOptions } from './stt-timeout';
export {
  SupervisedSpeechToText,
  WHISPER_MODELS,
  WhisperEngineSupervisor,
  whisperEngineLayout,
  type EngineLog,
  type EngineState,
  type WhisperEngineLayout,
  type WhisperEngineOptions,
  type WhisperModelName,
} from './whisper-engine';
export {
  AGENT,
  CUSTOMER,
  MAX_FIT_SEGMENTS,
  UtteranceSample,
  agentCluster,
  chunkUtterances,
  fitTwoSpeakers,
  relabelChunk,
  speakerOf,
  type TwoSpeakerModel,
  type VoicedUtterance,
} from './mono-diarization';

export { AudioError, type AudioErrorCode } from './audio-error';
export { probeAudio, type AudioInfo } from './probe-audio';
export {
  ChunkPlanner,
  DEFAULT_PLANNER_OPTIONS,
  MIN_DBFS,
  frameDbfs,
  type ChunkPlannerOptions,
  type PlannedChunk,
} from './chunk-planner';
export {
  streamChunks,
  CHUNK_SAMPLE_RATE,
  type AudioChunk,
  type ChannelSpan,
  type StreamChunksOptions,
} from './chunk-stream';
export { findCuts, type FindCutsOptions } from './range-cut';
export { findSeekAnchors, needsSeekAnchors, probeSeekAnchors, scanMp3Anchors, type SeekAnchor } from './seek-index';
export { Mp3FrameScanner, parseMp3Header, type Mp3Frame, type Mp3FrameHeader } from './mp3-frames';
export { WAV_HEADER_BYTES, pcmToWav, wavHeader } from './wav';
export {
  MIN_VOICE_MS,
  cepstralStats,
  utteranceSpans,
  voiceFeatures,
  type VoiceSegment,
  type VoiceSpan,
} from './voice-features';

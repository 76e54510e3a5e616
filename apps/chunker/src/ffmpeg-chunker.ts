import { findCuts, findSeekAnchors, probeAudio, streamChunks } from '@speech/audio';
import type { PipelineSettings } from '@speech/runtime';
import { createChunker, type ChunkerDeps } from './chunker';

/** The chunker on ffmpeg (libs/audio), configured from the pipeline settings: what both modes run. */
export function createFfmpegChunker(
  deps: Pick<ChunkerDeps, 'bus' | 'store' | 'docs' | 'log'>,
  cfg: Pick<PipelineSettings, 'CHUNK_MIN_MS' | 'CHUNK_MAX_MS' | 'CHUNK_RANGE_MS' | 'CHUNKER_CONCURRENCY'>,
) {
  return createChunker({
    ...deps,
    probe: probeAudio,
    streamChunks: (location, o) => streamChunks(location, o),
    findCuts: (location, o) => findCuts(location, o),
    findSeekAnchors: (location, times, startMs) => findSeekAnchors(location, times, startMs),
    config: {
      minChunkMs: cfg.CHUNK_MIN_MS,
      maxChunkMs: cfg.CHUNK_MAX_MS,
      rangeMs: cfg.CHUNK_RANGE_MS,
      concurrency: cfg.CHUNKER_CONCURRENCY,
    },
  });
}

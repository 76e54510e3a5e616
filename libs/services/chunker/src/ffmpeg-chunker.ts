import { findCuts, findSeekAnchors, probeAudio, streamChunks } from '@speech/audio';
import { createChunker, type ChunkerDeps } from './chunker';

/** The chunker's keys of the pipeline settings (both modes parse them from the same env keys). */
export interface ChunkerSettings {
  CHUNK_MIN_MS: number;
  CHUNK_MAX_MS: number;
  CHUNK_RANGE_MS: number;
  CHUNKER_CONCURRENCY: number;
}

/** The chunker on ffmpeg (libs/audio), configured from the pipeline settings: what both modes run. */
export function createFfmpegChunker(deps: Pick<ChunkerDeps, 'bus' | 'store' | 'docs' | 'log'>, cfg: ChunkerSettings) {
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

import type { ServiceDefinition, ServiceInfra } from '@speech/service-kit';
import { createFfmpegChunker, type ChunkerSettings } from './ffmpeg-chunker';

/** The chunker as both modes run it: ffmpeg for decoding, the pipeline's chunk settings. */
export async function defineChunker(infra: ServiceInfra, settings: ChunkerSettings): Promise<ServiceDefinition> {
  const chunker = await createFfmpegChunker(infra, settings);
  return { name: 'chunker', subscribe: () => chunker.subscribe() };
}

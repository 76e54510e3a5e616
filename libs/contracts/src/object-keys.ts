/**
 * Where every artefact of a recording lives in the object store: one module builds the keys,
 * so the services agree on them and a deletion finds them all under `prefix`.
 */
export const objectKeys = {
  /** Everything of one recording. */
  prefix: (audioId: string) => `audio/${audioId}/`,
  /** The uploaded file, as it came. */
  source: (audioId: string) => `audio/${audioId}/source`,
  /** A chunk's 16 kHz mono WAV. */
  chunk: (audioId: string, channel: number, index: number) =>
    `audio/${audioId}/chunks/${channel}-${String(index).padStart(6, '0')}.wav`,
  /** Every chunk (the chunker's own objects). */
  chunksPrefix: (audioId: string) => `audio/${audioId}/chunks/`,
  /** Every chunk transcript (the stt-worker's own objects). */
  chunkTranscriptsPrefix: (audioId: string) => `audio/${audioId}/stt/`,
  /** A chunk's transcript from the speech engine. */
  chunkTranscript: (audioId: string, chunkId: string) => `audio/${audioId}/stt/${chunkId}.json`,
  /** The merged transcript: JSON (segments, words) and plain text. */
  transcript: (audioId: string) => ({
    json: `audio/${audioId}/transcript.json`,
    text: `audio/${audioId}/transcript.txt`,
  }),
  /** Every analysis version (the analyzer's own objects). */
  analysesPrefix: (audioId: string) => `audio/${audioId}/analysis/`,
  /** One analysis (every version is kept). */
  analysis: (audioId: string, analysisId: string) => `audio/${audioId}/analysis/${analysisId}.json`,
} as const;

import type { RecordingView } from '@speech/contracts';
import { RECORDINGS_CSV_COLUMNS, recordingsCsvHeader, recordingsCsvRows } from './recordings-csv';

const view = (over: Partial<RecordingView>): RecordingView =>
  ({
    audioId: 'a1',
    filename: 'call.mp3',
    status: 'analyzed',
    createdAt: Date.UTC(2026, 0, 2, 3, 4, 5),
    durationMs: 61_234,
    sizeBytes: 1000,
    chunkCount: 4,
    wordCount: 120,
    transcriptReady: true,
    analysisReady: true,
    failure: null,
    ...over,
  }) as RecordingView;

describe('recordings CSV', () => {
  it('writes one row per recording under the header', () => {
    expect(recordingsCsvHeader()).toBe(RECORDINGS_CSV_COLUMNS.join(',') + '\r\n');
    expect(recordingsCsvRows([view({})])).toBe(
      'a1,call.mp3,analyzed,2026-01-02T03:04:05.000Z,61.2,1000,4,120,yes,yes,\r\n',
    );
  });

  it('quotes names with commas and defuses formulas; empty cells for what is not known yet', () => {
    const row = recordingsCsvRows([
      view({
        filename: '=cmd,1.mp3',
        status: 'failed',
        durationMs: null,
        chunkCount: null,
        wordCount: null,
        transcriptReady: false,
        analysisReady: false,
        failure: { code: 'AUDIO.X', reason: 'it said "no"' } as RecordingView['failure'],
      }),
    ]);
    expect(row).toBe(`a1,"'=cmd,1.mp3",failed,2026-01-02T03:04:05.000Z,,1000,,,no,no,"it said ""no"""\r\n`);
  });
});

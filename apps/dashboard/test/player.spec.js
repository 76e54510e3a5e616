// @ts-check
import { filenameOf } from '../public/js/api.js';
import { EXPORTS, exportPath, exportsOf } from '../public/js/detail/exports.js';
import { lastStartedAt, SPEEDS, spokenAt } from '../public/js/detail/player.js';

const words = [
  { startMs: 0, endMs: 400 },
  { startMs: 400, endMs: 800 },
  { startMs: 2000, endMs: 2300 },
];

describe('the player', () => {
  it('finds the last word started at a moment', () => {
    expect(lastStartedAt(words, -1)).toBe(-1);
    expect(lastStartedAt(words, 0)).toBe(0);
    expect(lastStartedAt(words, 799)).toBe(1);
    expect(lastStartedAt(words, 1500)).toBe(1);
    expect(lastStartedAt(words, 99_999)).toBe(2);
    expect(lastStartedAt([], 10)).toBe(-1);
  });

  it('highlights the word being spoken, shortly after it ends, and none in a long pause', () => {
    expect(spokenAt(words, 450)).toBe(words[1]);
    expect(spokenAt(words, 1000)).toBe(words[1]); // within the linger
    expect(spokenAt(words, 1500)).toBeNull();
    expect(spokenAt(words, 2100)).toBe(words[2]);
    expect(spokenAt(words, 1000, 0)).toBeNull();
  });

  it('offers 0.75× to 2×', () => {
    expect(SPEEDS[0]).toBe(0.75);
    expect(SPEEDS.at(-1)).toBe(2);
    expect(SPEEDS).toContain(1);
  });
});

describe('exports', () => {
  it('asks the transcript, analysis and report routes for each format', () => {
    expect(EXPORTS.map((k) => exportPath('a/b', k))).toEqual([
      '/audios/a%2Fb/transcript?format=txt',
      '/audios/a%2Fb/transcript?format=srt',
      '/audios/a%2Fb/transcript?format=vtt',
      '/audios/a%2Fb/transcript?format=json',
      '/audios/a%2Fb/analysis?format=csv',
      '/audios/a%2Fb/report?format=html',
      '/audios/a%2Fb/report?format=pdf',
    ]);
  });

  it('offers the report, like the metrics, only once the recording is analysed', () => {
    const labels = (transcriptReady = false, analysisReady = false) =>
      exportsOf({ transcriptReady, analysisReady }).map((k) => k.label);
    expect(labels()).toEqual([]);
    expect(labels(true)).toEqual(['Text', 'SRT', 'WebVTT', 'JSON']);
    expect(labels(true, true)).toEqual([
      'Text',
      'SRT',
      'WebVTT',
      'JSON',
      'Metrics CSV',
      'Report (HTML)',
      'Report (PDF)',
    ]);
  });

  it('reads the file name the server gave, exact name first', () => {
    expect(filenameOf(`attachment; filename="M_ller.srt"; filename*=UTF-8''M%C3%BCller.srt`)).toBe('Müller.srt');
    expect(filenameOf('attachment; filename="call.vtt"')).toBe('call.vtt');
    expect(filenameOf('attachment; filename=call.txt')).toBe('call.txt');
    expect(filenameOf(null)).toBe('download');
  });
});

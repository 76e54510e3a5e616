import { spawnSync } from 'node:child_process';

/**
 * Ground truth for talk time, independent of any STT: how long each channel of a stereo
 * fixture carries speech, from ffmpeg's silencedetect (speech = duration - silences).
 */
export function speechMsPerChannel(file: string, noiseDb = -40, minSilenceS = 0.3): number[] {
  return [0, 1].map((ch) => {
    const r = spawnSync(
      'ffmpeg',
      [
        '-hide_banner',
        '-nostats',
        '-i',
        file,
        '-af',
        `pan=mono|c0=c${ch},silencedetect=n=${noiseDb}dB:d=${minSilenceS}`,
        '-f',
        'null',
        '-',
      ],
      { encoding: 'utf8' },
    );
    if (r.status !== 0) throw new Error(`ffmpeg failed: ${r.stderr}`);
    const duration = /Duration: (\d+):(\d+):([\d.]+)/.exec(r.stderr);
    if (!duration) throw new Error('no duration in ffmpeg output');
    const totalMs = (Number(duration[1]) * 3600 + Number(duration[2]) * 60 + Number(duration[3])) * 1000;
    const silentMs = [...r.stderr.matchAll(/silence_duration: ([\d.]+)/g)].reduce((s, m) => s + Number(m[1]) * 1000, 0);
    // A trailing silence has a start but no end line: count it to the end of the file.
    const starts = [...r.stderr.matchAll(/silence_start: ([\d.]+)/g)].map((m) => Number(m[1]) * 1000);
    const ends = [...r.stderr.matchAll(/silence_end: ([\d.]+)/g)].length;
    const openTail = starts.length > ends ? totalMs - starts[starts.length - 1] : 0;
    return totalMs - silentMs - openTail;
  });
}

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AudioError } from './audio-error';
import { probeAudio } from './probe-audio';

jest.setTimeout(30_000);

const FIXTURES = join(__dirname, '../../../test/fixtures');
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'probe-audio-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('probeAudio', () => {
  it('describes the stereo sample call', async () => {
    const info = await probeAudio(join(FIXTURES, 'sales-discovery.stereo.mp3'));
    expect(info).toMatchObject({ channels: 2, sampleRate: 16000, codec: 'mp3', formatName: 'mp3' });
    expect(info.durationMs).toBe(85_320);
    expect(info.bitRate).toBeGreaterThan(60_000);
    expect(info.bitRate).toBeLessThan(70_000);
  });

  it('reads the audio stream of a file that also has video', async () => {
    const mkv = join(dir, 'av.mkv');
    execFileSync('ffmpeg', [
      '-v',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      'testsrc=d=2:s=64x64',
      '-f',
      'lavfi',
      '-i',
      'sine=d=2:r=8000',
      '-shortest',
      mkv,
    ]);
    const info = await probeAudio(mkv);
    expect(info).toMatchObject({ channels: 1, sampleRate: 8000 });
  });

  it('rejects random bytes as AUDIO.NOT_AUDIO', async () => {
    const junk = join(dir, 'junk.bin');
    writeFileSync(junk, Buffer.from(Array.from({ length: 50_000 }, (_, i) => (i * 2654435761) >>> 24)));
    const err = await probeAudio(junk).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AudioError);
    expect(err).toMatchObject({ code: 'AUDIO.NOT_AUDIO', retriable: false });
  });

  it('rejects a text file as AUDIO.NOT_AUDIO', async () => {
    const txt = join(dir, 'notes.txt');
    writeFileSync(txt, 'Hi, this is Laura from Cedar Cloud.\n'.repeat(50));
    await expect(probeAudio(txt)).rejects.toMatchObject({ code: 'AUDIO.NOT_AUDIO' });
  });

  it('rejects a video without sound as AUDIO.NOT_AUDIO', async () => {
    const mkv = join(dir, 'silent-film.mkv');
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=d=1:s=64x64', mkv]);
    await expect(probeAudio(mkv)).rejects.toMatchObject({
      code: 'AUDIO.NOT_AUDIO',
      message: expect.stringMatching(/no audio stream/),
    });
  });

  it('rejects a header-only WAV as AUDIO.EMPTY', async () => {
    const empty = join(dir, 'empty.wav');
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'anullsrc=r=16000:cl=mono', '-t', '0', empty]);
    await expect(probeAudio(empty)).rejects.toMatchObject({ code: 'AUDIO.EMPTY', retriable: false });
  });

  it('reports a missing file as AUDIO.NOT_FOUND', async () => {
    await expect(probeAudio(join(dir, 'nope.mp3'))).rejects.toMatchObject({
      code: 'AUDIO.NOT_FOUND',
      retriable: false,
    });
  });
});

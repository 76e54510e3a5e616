import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Mp3FrameScanner, parseMp3Header, type Mp3Frame } from './mp3-frames';
import { probeSeekAnchors, scanMp3Anchors } from './seek-index';

const fixtures = ['sales-discovery', 'support-outage', 'product-names'].map((n) =>
  join(__dirname, '../../../test/fixtures', `${n}.stereo.mp3`),
);

/** ffprobe's packet list: [byte offset, start time in ms] of every packet that has a position. */
function ffprobePackets(file: string): [number, number][] {
  const out = execFileSync(
    'ffprobe',
    ['-v', 'error', '-select_streams', 'a:0', '-show_entries', 'packet=pts_time,pos', '-of', 'csv=p=0', file],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  return out
    .split('\n')
    .map((l) => l.split(','))
    .filter((f) => f.length >= 2 && Number.isFinite(Number(f[0])) && Number.isFinite(Number(f[1])) && f[1] !== '')
    .map((f) => [Number(f[1]), Number(f[0]) * 1000]);
}

function scan(bytes: Buffer, pieceBytes = 1024 * 1024): { frames: Mp3Frame[]; scanner: Mp3FrameScanner } {
  const frames: Mp3Frame[] = [];
  const scanner = new Mp3FrameScanner((byte, sample, sampleRate, frameBytes) =>
    frames.push({ byte, sample, sampleRate, frameBytes }),
  );
  for (let at = 0; at < bytes.length; at += pieceBytes) scanner.push(bytes.subarray(at, at + pieceBytes));
  scanner.end();
  return { frames, scanner };
}

const asPackets = (frames: Mp3Frame[]): [number, number][] =>
  frames.map((f) => [f.byte, (f.sample * 1000) / f.sampleRate]);

function expectSamePackets(scanned: [number, number][], probed: [number, number][]): void {
  // ffprobe leaves the position off the last packet (it prints side data there): compare what it lists.
  expect(probed.length).toBeGreaterThan(100);
  expect(scanned.length).toBeGreaterThanOrEqual(probed.length);
  expect(scanned.slice(0, probed.length).map(([b]) => b)).toEqual(probed.map(([b]) => b));
  const worst = probed.reduce((m, [, ms], i) => Math.max(m, Math.abs(ms - scanned[i]![1])), 0);
  expect(worst).toBeLessThan(0.001); // ffprobe prints 6 decimals of a second
  expect(scanned.length - probed.length).toBeLessThanOrEqual(1);
}

let dir: string;
let vbr: string;
let mpeg25: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mp3-frames-'));
  vbr = join(dir, 'vbr.mp3');
  mpeg25 = join(dir, 'mpeg25.mp3');
  const src = fixtures[0] as string;
  // VBR MPEG-1 with a Xing header; and MPEG-2.5 (8 kHz), mono, CBR with an Info header.
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', src, '-c:a', 'libmp3lame', '-q:a', '5', '-ar', '44100', vbr]);
  execFileSync('ffmpeg', [
    '-v',
    'error',
    '-y',
    '-i',
    src,
    '-c:a',
    'libmp3lame',
    '-b:a',
    '16k',
    '-ar',
    '8000',
    '-ac',
    '1',
    mpeg25,
  ]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('parseMp3Header', () => {
  it('reads MPEG-1 Layer III: 128 kbit/s at 44.1 kHz is 417 bytes, 418 with the padding slot', () => {
    expect(parseMp3Header(0xff, 0xfb, 0x90, 0x64)).toMatchObject({
      version: 1,
      bitrateKbps: 128,
      sampleRate: 44100,
      frameBytes: 417,
      samples: 1152,
      padding: false,
    });
    expect(parseMp3Header(0xff, 0xfb, 0x92, 0x64)?.frameBytes).toBe(418);
  });

  it('reads MPEG-2 and MPEG-2.5 (576 samples, 72 × bitrate / rate)', () => {
    // MPEG-2, 64 kbit/s, 16 kHz: 288 bytes (the fixtures)
    expect(parseMp3Header(0xff, 0xf3, 0x88, 0x00)).toMatchObject({ version: 2, sampleRate: 16000, frameBytes: 288 });
    // MPEG-2.5, 16 kbit/s, 8 kHz: 144 bytes
    expect(parseMp3Header(0xff, 0xe3, 0x28, 0xc0)).toMatchObject({ version: 2.5, sampleRate: 8000, frameBytes: 144 });
  });

  it('rejects free format, reserved values and other layers', () => {
    expect(parseMp3Header(0xff, 0xfb, 0x00, 0x64)).toBeNull(); // bitrate index 0: free format
    expect(parseMp3Header(0xff, 0xfb, 0xf0, 0x64)).toBeNull(); // bitrate index 15
    expect(parseMp3Header(0xff, 0xfb, 0x9c, 0x64)).toBeNull(); // sample-rate index 3
    expect(parseMp3Header(0xff, 0xeb, 0x90, 0x64)).toBeNull(); // version '01' (reserved)
    expect(parseMp3Header(0xff, 0xfd, 0x90, 0x64)).toBeNull(); // Layer II
    expect(parseMp3Header(0xff, 0xf1, 0x50, 0x80)).toBeNull(); // ADTS AAC (layer '00')
    expect(parseMp3Header(0xfe, 0xfb, 0x90, 0x64)).toBeNull(); // no sync
  });
});

describe('Mp3FrameScanner against ffprobe -show_packets', () => {
  it.each(fixtures)('lists the same packets (offset and time) as ffprobe: %s', (file) => {
    const { frames, scanner } = scan(readFileSync(file));
    expect(scanner.infoFrame?.tag).toBe('Info'); // ffmpeg does not list it as a packet either
    expectSamePackets(asPackets(frames), ffprobePackets(file));
  });

  it('a VBR MPEG-1 file with a Xing header', () => {
    const { frames, scanner } = scan(readFileSync(vbr));
    expect(scanner.infoFrame?.tag).toBe('Xing');
    expect(new Set(frames.map((f) => f.frameBytes)).size).toBeGreaterThan(2); // really variable
    expectSamePackets(asPackets(frames), ffprobePackets(vbr));
  });

  it('MPEG-2.5 mono', () => {
    const { frames } = scan(readFileSync(mpeg25));
    expect(frames[0]?.sampleRate).toBe(8000);
    expectSamePackets(asPackets(frames), ffprobePackets(mpeg25));
  });

  it('gives the same frames whatever the pieces the file comes in', () => {
    const bytes = readFileSync(vbr);
    const whole = scan(bytes).frames;
    expect(scan(bytes, 7).frames).toEqual(whole);
    expect(scan(bytes, 1000).frames).toEqual(whole);
  });

  it('skips an ID3v2 tag with a footer, and resyncs after garbage between frames', () => {
    const bytes = readFileSync(vbr);
    const { frames } = scan(bytes);
    // An ID3v2.4 tag with the footer flag, 300 bytes of body (syncsafe size), then its footer.
    const body = Buffer.alloc(300, 0xff); // 0xFF bytes inside a tag must not be taken for sync
    const tag = Buffer.concat([
      Buffer.from([0x49, 0x44, 0x33, 4, 0, 0x10, 0, 0, 2, 44]),
      body,
      Buffer.from([0x33, 0x44, 0x49, 4, 0, 0x10, 0, 0, 2, 44]),
    ]);
    // Garbage with sync-like patterns (a header whose successor does not follow), between frames 100 and 101.
    const cut = frames[100]!.byte + frames[100]!.frameBytes;
    // (A valid header right where the next frame is due would be taken for one, by ffmpeg too.)
    const garbage = Buffer.concat([Buffer.from([1, 2, 3, 0xff, 0xfb, 0x90, 0x64, 1, 2, 3]), Buffer.alloc(500, 0xab)]);
    const spoiled = Buffer.concat([tag, bytes.subarray(0, cut), garbage, bytes.subarray(cut)]);
    const got = scan(spoiled, 4096);
    const shifted = frames.map((f, i) => ({ ...f, byte: f.byte + tag.length + (i > 100 ? garbage.length : 0) }));
    expect(got.frames).toEqual(shifted);
    expect(got.scanner.skippedBytes).toBeGreaterThanOrEqual(garbage.length);
    writeFileSync(join(dir, 'spoiled.mp3'), spoiled);
  });
});

describe('findSeekAnchors by the frame scan', () => {
  it.each([
    ['fixture', () => fixtures[1] as string],
    ['VBR', () => vbr],
  ])('answers as the packet list does (%s)', async (_name, file) => {
    const times = [0, 1000, 12_345.6, 40_000, 60_001, 1e9];
    const startMs = 25.057;
    const scanned = await scanMp3Anchors(file(), times, startMs);
    const probed = await probeSeekAnchors(file(), times, startMs);
    expect(scanned).not.toBeNull();
    // ffprobe prints side data (the encoder delay) after the first and last packets' positions,
    // and the CSV reading of probeSeekAnchors skips those two lines: for time 0 it answers the
    // second packet, for a time past the end the last but one. The scan answers the first packet
    // and the last (both are frames at or before the time, as asked).
    const packets = ffprobePackets(file());
    expect(scanned![0]).toEqual({ byte: packets[0]![0], ms: packets[0]![1] - startMs });
    expect(probed[0]!.byte).toBe(packets[1]![0]);
    const middle = (a: { byte: number; ms: number }[]) => a.slice(1, -1);
    expect(middle(scanned!).map((a) => a.byte)).toEqual(middle(probed).map((a) => a.byte));
    middle(scanned!).forEach((a, i) => expect(Math.abs(a.ms - middle(probed)[i]!.ms)).toBeLessThan(0.001));
    expect(scanned!.at(-1)!.byte).toBeGreaterThan(probed.at(-1)!.byte);
  });

  it('declines a file with no Layer III frames (the caller asks ffprobe)', async () => {
    const wav = join(dir, 'x.wav');
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'sine=d=1', wav]);
    expect(await scanMp3Anchors(wav, [500], 0)).toBeNull();
  });
});

import { pcmToWav, wavHeader, WAV_HEADER_BYTES } from './wav';

describe('wavHeader', () => {
  it('matches, byte for byte, the header ffmpeg writes with -fflags +bitexact -map_metadata -1', () => {
    // Captured from `ffmpeg … -ar 16000 -ac 1 -c:a pcm_s16le -fflags +bitexact -flags:a +bitexact -map_metadata -1`
    // on an 85.247 s channel (2,727,904 data bytes).
    const expected = Buffer.from(
      '52494646' +
        '04a02900' +
        '57415645' +
        '666d7420' +
        '10000000' +
        '01000100' +
        '803e0000' +
        '007d0000' +
        '02001000' +
        '64617461' +
        'e09f2900',
      'hex',
    );
    expect(wavHeader(2_727_904)).toEqual(expected);
  });

  it('describes other rates and channel counts', () => {
    const h = wavHeader(1000, 44100, 2);
    expect(h.readUInt16LE(22)).toBe(2);
    expect(h.readUInt32LE(24)).toBe(44100);
    expect(h.readUInt32LE(28)).toBe(44100 * 4);
    expect(h.readUInt16LE(32)).toBe(4);
  });

  it('rejects sizes a RIFF header cannot carry', () => {
    expect(() => wavHeader(-1)).toThrow(RangeError);
    expect(() => wavHeader(1.5)).toThrow(RangeError);
    expect(() => wavHeader(2 ** 32)).toThrow(RangeError);
  });
});

describe('pcmToWav', () => {
  it('prepends a 44-byte header and keeps the samples', () => {
    const pcm = Buffer.from([1, 0, 255, 127, 0, 128]);
    const wav = pcmToWav(pcm);
    expect(wav.length).toBe(WAV_HEADER_BYTES + 6);
    expect(wav.subarray(0, 44)).toEqual(wavHeader(6));
    expect(wav.subarray(44)).toEqual(pcm);
    expect(wav.toString('ascii', 36, 40)).toBe('data');
  });

  it('copies, so later changes to the source do not leak into the WAV', () => {
    const pcm = Buffer.from([1, 2]);
    const wav = pcmToWav(pcm);
    pcm[0] = 9;
    expect(wav[44]).toBe(1);
  });

  it('rejects a partial sample', () => {
    expect(() => pcmToWav(Buffer.alloc(3))).toThrow(RangeError);
  });
});

import { join } from 'node:path';
import { contentTypeOf, detectContentType } from './content-type';

const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));

describe('the content type the CLI declares', () => {
  it('is audio/mpeg for the sample MP3, as the browser sends it', () => {
    expect(detectContentType(join(__dirname, '../../test/fixtures/sales-discovery.stereo.mp3'))).toBe('audio/mpeg');
  });

  it('follows the first bytes, whatever the name says', () => {
    expect(contentTypeOf(bytes('ID3', [4, 0]), '.bin')).toBe('audio/mpeg');
    expect(contentTypeOf(bytes([0xff, 0xfb, 0x90]), '')).toBe('audio/mpeg');
    expect(contentTypeOf(bytes([0xff, 0xf1, 0x50]), '.mp3')).toBe('audio/aac');
    expect(contentTypeOf(bytes('RIFF', [0, 0, 0, 0], 'WAVEfmt '), '.mp3')).toBe('audio/wav');
    expect(contentTypeOf(bytes('fLaC'), '')).toBe('audio/flac');
    expect(contentTypeOf(bytes('OggS'), '.opus')).toBe('audio/ogg');
    expect(contentTypeOf(bytes([0, 0, 0, 0x20], 'ftypM4A '), '.m4a')).toBe('audio/mp4');
    expect(contentTypeOf(bytes([0x1a, 0x45, 0xdf, 0xa3]), '.webm')).toBe('audio/webm');
    expect(contentTypeOf(bytes([0x1a, 0x45, 0xdf, 0xa3]), '.mka')).toBe('audio/x-matroska');
    expect(contentTypeOf(bytes('FORM', [0, 0, 0, 0], 'AIFF'), '')).toBe('audio/aiff');
  });

  it('falls back to the extension, then to application/octet-stream', () => {
    expect(contentTypeOf(bytes('????'), '.wav')).toBe('audio/wav');
    expect(contentTypeOf(bytes('????'), '.xyz')).toBe('application/octet-stream');
    expect(contentTypeOf(Buffer.alloc(0), '')).toBe('application/octet-stream');
  });
});

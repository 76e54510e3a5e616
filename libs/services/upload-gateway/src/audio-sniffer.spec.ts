import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { recordedMediaType, SNIFF_BYTES, sniffAudio } from './audio-sniffer';

const MP3 = join(__dirname, '../../../../test/fixtures/sales-discovery.stereo.mp3');

describe('the media type recorded for an upload', () => {
  const head = readFileSync(MP3).subarray(0, SNIFF_BYTES);

  it('is what the bytes show when the client names none or a generic type (curl, a bare Blob)', () => {
    expect(sniffAudio(head)).toBe('mp3');
    expect(recordedMediaType('application/octet-stream', sniffAudio(head))).toBe('audio/mpeg');
    expect(recordedMediaType(undefined, 'wav')).toBe('audio/wav');
    expect(recordedMediaType('', 'flac')).toBe('audio/flac');
    expect(recordedMediaType('text/plain', 'aac')).toBe('audio/aac');
  });

  it('keeps the client’s audio or video type, as a browser names it', () => {
    expect(recordedMediaType('audio/mpeg', 'mp3')).toBe('audio/mpeg');
    expect(recordedMediaType(' Audio/X-M4A ', 'mp4')).toBe('audio/x-m4a');
    expect(recordedMediaType('video/webm', 'webm')).toBe('video/webm');
  });

  it('keeps the declared type when the bytes name no format', () => {
    expect(recordedMediaType('application/octet-stream', null)).toBe('application/octet-stream');
    expect(recordedMediaType(null, null)).toBe('application/octet-stream');
  });
});

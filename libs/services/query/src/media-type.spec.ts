import { playableMediaType } from './media-type';

describe('playableMediaType', () => {
  it('keeps an audio or video type the upload recorded', () => {
    expect(playableMediaType('audio/mpeg', 'x.wav')).toBe('audio/mpeg');
    expect(playableMediaType('Video/MP4', 'x')).toBe('video/mp4');
  });

  it('falls back to the file name, else to octet-stream', () => {
    expect(playableMediaType('application/octet-stream', 'call.MP3')).toBe('audio/mpeg');
    expect(playableMediaType('', 'call.m4a')).toBe('audio/mp4');
    expect(playableMediaType('audio/mpeg\r\nX-Evil: 1', 'call.wav')).toBe('audio/wav');
    expect(playableMediaType(null, 'notes.txt')).toBe('application/octet-stream');
    expect(playableMediaType(undefined, undefined)).toBe('application/octet-stream');
  });
});

import { attachmentDisposition, parseByteRange, safeFilename } from './byte-range';

describe('byte ranges', () => {
  it.each([
    [undefined, { kind: 'full' }],
    ['bytes=0-99', { kind: 'partial', start: 0, end: 99 }],
    ['bytes=10-', { kind: 'partial', start: 10, end: 999 }],
    ['bytes=-100', { kind: 'partial', start: 900, end: 999 }],
    ['bytes=-5000', { kind: 'partial', start: 0, end: 999 }],
    ['bytes=500-5000', { kind: 'partial', start: 500, end: 999 }],
    ['bytes=999-999', { kind: 'partial', start: 999, end: 999 }],
    [' bytes = 1 - 2 ', { kind: 'partial', start: 1, end: 2 }],
    ['bytes=1000-', { kind: 'unsatisfiable' }],
    ['bytes=2000-3000', { kind: 'unsatisfiable' }],
    ['bytes=-0', { kind: 'unsatisfiable' }],
    // Ignored, as RFC 9110 allows: the whole object.
    ['bytes=5-1', { kind: 'full' }],
    ['bytes=-', { kind: 'full' }],
    ['bytes=0-1,5-6', { kind: 'full' }],
    ['items=0-1', { kind: 'full' }],
    ['bytes=abc-', { kind: 'full' }],
    ['bytes=99999999999999999999-', { kind: 'full' }],
  ])('%s of 1000 bytes', (header, answer) => {
    expect(parseByteRange(header, 1000)).toEqual(answer);
  });

  it('finds nothing to send in an empty object', () => {
    expect(parseByteRange('bytes=0-', 0)).toEqual({ kind: 'unsatisfiable' });
    expect(parseByteRange('bytes=-1', 0)).toEqual({ kind: 'unsatisfiable' });
    expect(parseByteRange(undefined, 0)).toEqual({ kind: 'full' });
  });
});

describe('download names', () => {
  it('keeps the recording’s name, safe in a header and on disk', () => {
    expect(safeFilename('support-outage.stereo.mp3', '.srt')).toBe('support-outage.stereo.srt');
    expect(safeFilename('../../etc/passwd', '.txt')).toBe('etc_passwd.txt');
    expect(safeFilename('a"b\r\nc:d.wav', '.vtt')).toBe('a_b_c_d.vtt');
    expect(safeFilename('', '.csv')).toBe('recording.csv');
    expect(safeFilename('x'.repeat(300), '.json')).toHaveLength(105);
  });

  it('says the name twice: ASCII, and exactly in RFC 8187 form', () => {
    expect(attachmentDisposition('call.srt')).toBe(`attachment; filename="call.srt"; filename*=UTF-8''call.srt`);
    expect(attachmentDisposition('Müller (1).vtt')).toBe(
      `attachment; filename="M_ller (1).vtt"; filename*=UTF-8''M%C3%BCller%20%281%29.vtt`,
    );
  });
});

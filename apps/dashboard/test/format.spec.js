// @ts-check
import { bytes, capital, clock, metricValue, percent, plural, sentence, signed } from '../public/js/format.js';

describe('format', () => {
  it('writes durations as mm:ss, and h:mm:ss from one hour', () => {
    expect(clock(0)).toBe('00:00');
    expect(clock(75_400)).toBe('01:15');
    expect(clock(3_600_000 + 62_000)).toBe('1:01:02');
    expect(clock(-1)).toBe('—');
    expect(clock(Number.NaN)).toBe('—');
    expect(clock(null)).toBe('—');
  });

  it('writes sizes in 1024-based units', () => {
    expect(bytes(512)).toBe('512 B');
    expect(bytes(1536)).toBe('1.5 KB');
    expect(bytes(23 * 1024 * 1024)).toBe('23 MB');
    expect(bytes(undefined)).toBe('');
  });

  it('writes shares, scores and counts', () => {
    expect(percent(0.574)).toBe('57%');
    expect(percent(null)).toBe('—');
    expect(signed(0.1)).toBe('+0.10');
    expect(signed(-0.04)).toBe('-0.04');
    expect(signed(0)).toBe('0.00');
    expect(plural(1, 'chunk')).toBe('1 chunk');
    expect(plural(17, 'chunk')).toBe('17 chunks');
    expect(capital('customer')).toBe('Customer');
  });

  it('makes a reason fragment a sentence, once', () => {
    expect(sentence('the recording could not be chunked')).toBe('The recording could not be chunked.');
    expect(sentence('Already a sentence.')).toBe('Already a sentence.');
    expect(sentence('')).toBe('');
  });

  it('shows a coaching metric in the unit its name suggests', () => {
    expect(metricValue('agent.talkRatio', 0.62)).toBe('62%');
    expect(metricValue('agent.longestMonologueMs', 76_000)).toBe('01:16');
    expect(metricValue('agent.wordsPerMinute', 169.34)).toBe((169.3).toLocaleString());
    expect(metricValue('agent.wordsPerMinute', null)).toBe('—');
  });
});

// @ts-check
import { createLive, POLL_MS, RECONNECT_MS } from '../public/js/live.js';
import { aView } from './builders.js';

/** @typedef {import('../public/js/live.js').EventStream} EventStream */

/** An EventSource the test drives: open it, send events, fail it. */
class FakeStream {
  /** @param {string} url */
  constructor(url) {
    this.url = url;
    this.readyState = 0;
    this.closed = false;
    /** @type {((event: Event) => void) | null} */
    this.onopen = null;
    /** @type {((event: Event) => void) | null} */
    this.onerror = null;
    /** @type {Map<string, (event: MessageEvent) => void>} */
    this.listeners = new Map();
  }
  /** @param {string} type @param {(event: MessageEvent) => void} listener */
  addEventListener(type, listener) {
    this.listeners.set(type, listener);
  }
  close() {
    this.closed = true;
    this.readyState = 2;
  }
  open() {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
  }
  /** @param {string} data */
  send(data) {
    this.listeners.get('recording')?.(new MessageEvent('recording', { data }));
  }
  /** @param {boolean} fatal whether the browser gives up (readyState CLOSED) */
  fail(fatal) {
    this.readyState = fatal ? 2 : 0;
    this.onerror?.(new Event('error'));
  }
}

function setup({ withEventSource = true } = {}) {
  /** @type {FakeStream[]} */
  const streams = [];
  /** @type {string[]} */
  const modes = [];
  /** @type {string[]} */
  const received = [];
  /** @type {string[]} */
  const deleted = [];
  const counts = { polls: 0, catchUps: 0 };
  const live = createLive({
    url: () => '/events?access_token=t',
    onRecording: (view) => void received.push(view.audioId),
    onDeleted: (audioId) => void deleted.push(audioId),
    onMode: (mode) => void modes.push(mode),
    poll: async () => void counts.polls++,
    onCatchUp: () => void counts.catchUps++,
    openStream: withEventSource
      ? (url) => {
          const s = new FakeStream(url);
          streams.push(s);
          return s;
        }
      : null,
  });
  return { live, streams, modes, received, deleted, counts };
}

describe('live updates', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('folds the stream’s recording events and skips malformed ones', () => {
    const { live, streams, received } = setup();
    live.start();
    streams[0].open();
    streams[0].send(JSON.stringify(aView({ audioId: 'a1' })));
    streams[0].send('{"broken"');
    streams[0].send(JSON.stringify(aView({ audioId: 'a2' })));
    expect(received).toEqual(['a1', 'a2']);
    live.stop();
  });

  it('passes on the stream’s deleted events (the row goes) and skips malformed ones', () => {
    const { live, streams, deleted } = setup();
    live.start();
    streams[0].open();
    const send = (/** @type {string} */ data) =>
      streams[0].listeners.get('deleted')?.(new MessageEvent('deleted', { data }));
    send(JSON.stringify({ audioId: 'a1' }));
    send('{"audioId": 42}');
    send('not json');
    expect(deleted).toEqual(['a1']);
    live.stop();
  });

  it('polls while the stream is down and stops when it reopens, then catches up', () => {
    const { live, streams, modes, counts } = setup();
    live.start();
    streams[0].open();
    expect(modes).toEqual(['live']);
    expect(counts).toEqual({ polls: 0, catchUps: 1 });

    streams[0].fail(false); // the browser retries by itself
    expect(modes.at(-1)).toBe('polling');
    expect(live.polling).toBe(true);
    expect(counts.polls).toBe(1);
    jest.advanceTimersByTime(POLL_MS * 2);
    expect(counts.polls).toBe(3);

    streams[0].open();
    expect(modes.at(-1)).toBe('live');
    expect(live.polling).toBe(false);
    expect(counts.catchUps).toBe(2);
    jest.advanceTimersByTime(POLL_MS * 3);
    expect(counts.polls).toBe(3);
    expect(streams).toHaveLength(1);
    live.stop();
  });

  it('reopens the stream itself after the browser gave up on it', () => {
    const { live, streams, counts } = setup();
    live.start();
    streams[0].fail(true);
    expect(streams[0].closed).toBe(true);
    expect(counts.polls).toBe(1);
    jest.advanceTimersByTime(RECONNECT_MS - 1);
    expect(streams).toHaveLength(1);
    jest.advanceTimersByTime(1);
    expect(streams).toHaveLength(2);
    streams[1].open();
    expect(live.polling).toBe(false);
    live.stop();
  });

  it('stops everything on stop, and ignores a late error of the old stream', () => {
    const { live, streams, modes, counts } = setup();
    live.start();
    streams[0].fail(false);
    live.stop();
    expect(streams[0].closed).toBe(true);
    expect(live.polling).toBe(false);
    const polls = counts.polls;
    streams[0].fail(true);
    jest.advanceTimersByTime(RECONNECT_MS + POLL_MS * 2);
    expect(counts.polls).toBe(polls);
    expect(streams).toHaveLength(1);
    expect(modes).toEqual(['polling']);
  });

  it('polls when the browser has no EventSource', () => {
    const { live, modes, counts } = setup({ withEventSource: false });
    live.start();
    expect(modes).toEqual(['polling']);
    jest.advanceTimersByTime(POLL_MS);
    expect(counts.polls).toBe(2);
    live.stop();
  });
});

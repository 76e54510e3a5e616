/**
 * An MPEG audio Layer III frame-header scanner: finds every frame's byte offset and start time
 * by reading headers only (4 bytes a frame, then a jump by the frame's length), so listing the
 * frames of a 100 GB file runs at disk speed instead of through ffprobe's demuxer.
 *
 * Streaming and bounded: `push` takes the file in pieces of any size and keeps at most a few
 * kilobytes between them (an unfinished frame header, or a candidate frame being confirmed).
 *
 * What it knows (ISO/IEC 11172-3 and 13818-3, and the MPEG 2.5 extension):
 * - MPEG-1, MPEG-2 and MPEG-2.5 Layer III headers, their bitrate and sample-rate tables, the
 *   padding slot; frame length = 144 (MPEG-1) or 72 (MPEG-2/2.5) × bitrate / sample rate + padding;
 * - free-format frames (bitrate index 0) and the reserved values are rejected: their length is
 *   not in the header;
 * - ID3v2 tags (with a footer too) at the start, skipped by their syncsafe size;
 * - garbage (ID3v1, APE tags, junk between frames): resync on the next header whose successor
 *   is a header of the same stream at the expected offset (as ffmpeg's mp3 demuxer checks), so
 *   a stray 0xFFE sync pattern in junk is not taken for a frame;
 * - a first frame holding a Xing / Info or VBRI header carries no audio: ffmpeg does not emit
 *   it as a packet, so it is reported apart (`infoFrame`) and not counted in the timeline.
 */

/** Kbit/s by [MPEG-1 ? 0 : 1][bitrate index] (Layer III). 0 = free format, -1 = reserved. */
const BITRATES: readonly (readonly number[])[] = [
  [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, -1],
  [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, -1],
];
/** Hz by version bits (0 = 2.5, 2 = MPEG-2, 3 = MPEG-1) and sample-rate index. */
const SAMPLE_RATES: Record<number, readonly number[]> = {
  3: [44100, 48000, 32000],
  2: [22050, 24000, 16000],
  0: [11025, 12000, 8000],
};

export interface Mp3FrameHeader {
  /** 1 (MPEG-1), 2 (MPEG-2) or 2.5. */
  version: 1 | 2 | 2.5;
  bitrateKbps: number;
  sampleRate: number;
  padding: boolean;
  /** No CRC after the header. */
  unprotected: boolean;
  mono: boolean;
  /** Whole frame, header included. */
  frameBytes: number;
  /** 1152 (MPEG-1) or 576. */
  samples: number;
}

/** Parses 4 header bytes; null if they are not a Layer III header this scanner can follow. */
export function parseMp3Header(b0: number, b1: number, b2: number, b3: number): Mp3FrameHeader | null {
  if (b0 !== 0xff || (b1 & 0xe0) !== 0xe0) return null; // 11-bit frame sync
  const versionBits = (b1 >> 3) & 3;
  if (versionBits === 1) return null; // reserved
  if (((b1 >> 1) & 3) !== 1) return null; // Layer III only ('01')
  const bitrateIndex = b2 >> 4;
  const rateIndex = (b2 >> 2) & 3;
  if (rateIndex === 3) return null; // reserved
  const mpeg1 = versionBits === 3;
  const bitrateKbps = BITRATES[mpeg1 ? 0 : 1]![bitrateIndex]!;
  if (bitrateKbps <= 0) return null; // free format (0) or reserved (-1)
  const sampleRate = SAMPLE_RATES[versionBits]![rateIndex]!;
  const padding = ((b2 >> 1) & 1) === 1;
  if ((b3 & 3) === 2) return null; // emphasis '10' is reserved
  const frameBytes = Math.floor(((mpeg1 ? 144 : 72) * bitrateKbps * 1000) / sampleRate) + (padding ? 1 : 0);
  return {
    version: mpeg1 ? 1 : versionBits === 2 ? 2 : 2.5,
    bitrateKbps,
    sampleRate,
    padding,
    unprotected: (b1 & 1) === 1,
    mono: b3 >> 6 === 3,
    frameBytes,
    samples: mpeg1 ? 1152 : 576,
  };
}

/**
 * The scan's hot path, as tables indexed by header bytes 1–2 (byte 0 is 0xFF): frame length
 * (0 = not a header this scanner follows) and sample rate. No object per frame.
 */
const FRAME_BYTES = new Int32Array(65536);
const FRAME_RATE = new Int32Array(65536);
for (let k = 0; k < 65536; k++) {
  const h = parseMp3Header(0xff, k >> 8, k & 0xff, 0);
  if (h) {
    FRAME_BYTES[k] = h.frameBytes;
    FRAME_RATE[k] = h.sampleRate;
  }
}
/** Bits of header bytes 1–2 every frame of one stream shares: version, layer, sample rate. */
const STREAM_KEY_MASK = 0xfe0c;

/** Where a Xing/Info or VBRI tag would sit in a frame with this header. */
function infoTagAt(h: Mp3FrameHeader): { xing: number; vbri: number } {
  const sideInfo = h.version === 1 ? (h.mono ? 17 : 32) : h.mono ? 9 : 17;
  return { xing: 4 + (h.unprotected ? 0 : 2) + sideInfo, vbri: 4 + 32 };
}

/** Of a new piece, how much is joined to the carried bytes: more than any frame's lookahead needs. */
const SEAM_BYTES = 8192;
const EMPTY = Buffer.alloc(0);

/** Bytes of the frame needed to recognise an info frame. */
const INFO_PROBE_BYTES = 4 + 2 + 32 + 4;

function tagAt(buf: Buffer, at: number, tag: string): boolean {
  if (at + 4 > buf.length) return false;
  for (let i = 0; i < 4; i++) if (buf[at + i] !== tag.charCodeAt(i)) return false;
  return true;
}

export interface Mp3Frame {
  /** Byte offset of the frame header in the file. */
  byte: number;
  /** Samples (per channel) before this frame: its start on the decoder's clock is sample / sampleRate. */
  sample: number;
  sampleRate: number;
  frameBytes: number;
}

/** Key fields two frames of one stream share (version bits, layer, sample rate); the rest may vary (VBR). */
function streamKey(b1: number, b2: number): number {
  return ((b1 << 8) | b2) & STREAM_KEY_MASK;
}

/** Called for each audio frame: its header's file offset, the samples (per channel) before it, its rate and length. */
export type Mp3FrameCallback = (byte: number, sample: number, sampleRate: number, frameBytes: number) => void;

/**
 * The scanner. Feed it the file from its first byte with `push`, then `end()`; `onFrame` is
 * called, in order, for each audio frame (not the info frame), with plain numbers: a 100 GB file has
 * hundreds of millions of frames, so the hot path allocates nothing.
 */
export class Mp3FrameScanner {
  /** The Xing/Info/VBRI frame, if the stream starts with one. */
  infoFrame: { byte: number; tag: 'Xing' | 'Info' | 'VBRI' } | null = null;
  /** Bytes skipped as garbage (not headers, tags or frames). */
  skippedBytes = 0;
  frames = 0;

  private carry: Buffer = EMPTY;
  /** File offset of carry[0] / of the buffer being scanned. */
  private base = 0;
  /** File offset where the next header is expected (or the scan goes on from). */
  private next = 0;
  private locked = -1; // streamKey of the stream once found
  private sample = 0;
  private atStart = true; // before the first frame: ID3v2 tags and the info frame may come
  private skipUntil = 0; // inside an ID3v2 tag

  /** Where the audio can start at the earliest: past the ID3v2 tags seen so far. */
  get skipUntilByte(): number {
    return this.skipUntil;
  }

  constructor(private readonly onFrame: Mp3FrameCallback) {}

  push(chunk: Buffer): void {
    let buf = chunk;
    if (this.carry.length) {
      // Across the seam: the carried bytes joined to the chunk's head only (never a copy of the
      // whole chunk), then the chunk itself from where that scan stopped.
      const head = chunk.subarray(0, Math.min(chunk.length, SEAM_BYTES));
      const joined = Buffer.concat([this.carry, head]);
      const end = this.scan(joined, false);
      if (end < this.carry.length || head.length === chunk.length) {
        this.carry = Buffer.concat([joined.subarray(end), chunk.subarray(head.length)]);
        this.base += end;
        return;
      }
      buf = chunk.subarray(end - this.carry.length);
      this.base += end;
      this.carry = EMPTY;
    }
    const end = this.scan(buf, false);
    // Keep only what is still needed: from the next position to look at (a few KB at most).
    this.carry = end < buf.length ? Buffer.from(buf.subarray(end)) : EMPTY;
    this.base += end;
  }

  end(): void {
    if (this.carry.length) this.scan(this.carry, true);
    this.carry = EMPTY;
  }

  /** Scans `buf` (at file offset this.base); returns the index up to which it is done. */
  private scan(buf: Buffer, final: boolean): number {
    const base = this.base;
    let at = Math.max(0, this.next - base);
    if (this.skipUntil > base) at = Math.max(at, this.skipUntil - base);
    const len = buf.length;
    while (at < len) {
      // Hot path: the header is where the previous frame said, of the same stream.
      if (at === this.next - base && at + 4 <= len && buf[at] === 0xff && !this.atStart) {
        const k = (buf[at + 1]! << 8) | buf[at + 2]!;
        const frameBytes = FRAME_BYTES[k]!;
        if (frameBytes > 0 && (k & STREAM_KEY_MASK) === this.locked && (buf[at + 3]! & 3) !== 2) {
          this.onFrame(base + at, this.sample, FRAME_RATE[k]!, frameBytes);
          this.frames++;
          this.sample += (k & 0x1800) === 0x1800 ? 1152 : 576;
          this.next += frameBytes;
          at += frameBytes;
          continue;
        }
      }
      if (this.skipUntil > base + at) {
        at = this.skipUntil - base;
        continue;
      }
      if (at + 10 > len && !final) return at;
      // ID3v2 tags: at the start (several may follow each other).
      if (this.atStart && buf[at] === 0x49 && buf[at + 1] === 0x44 && buf[at + 2] === 0x33 && at + 10 <= len) {
        const b6 = buf[at + 6]!;
        const b7 = buf[at + 7]!;
        const b8 = buf[at + 8]!;
        const b9 = buf[at + 9]!;
        if (((b6 | b7 | b8 | b9) & 0x80) === 0) {
          const size = (b6 << 21) | (b7 << 14) | (b8 << 7) | b9;
          const footer = (buf[at + 5]! & 0x10) !== 0 ? 10 : 0;
          this.skipUntil = base + at + 10 + size + footer;
          at = this.skipUntil - base;
          continue;
        }
      }
      if (at + 4 > len) {
        if (!final) return at;
        this.skippedBytes += len - at;
        return len;
      }
      const b1 = buf[at + 1]!;
      const b2 = buf[at + 2]!;
      const h = buf[at] === 0xff && (b1 & 0xe0) === 0xe0 ? parseMp3Header(0xff, b1, b2, buf[at + 3]!) : null;
      if (h && (this.locked < 0 || streamKey(b1, b2) === this.locked)) {
        const afterFrame = at + h.frameBytes;
        if (this.locked < 0 || base + at !== this.next) {
          // Not where the previous frame said: confirm by the next header (or the end of the file).
          if (afterFrame + 4 > len && !final) return at;
          const ok =
            afterFrame + 4 > len
              ? afterFrame === len
              : buf[afterFrame] === 0xff &&
                streamKey(buf[afterFrame + 1]!, buf[afterFrame + 2]!) === streamKey(b1, b2) &&
                parseMp3Header(0xff, buf[afterFrame + 1]!, buf[afterFrame + 2]!, buf[afterFrame + 3]!) !== null;
          if (!ok) {
            this.skippedBytes++;
            at++;
            continue;
          }
          this.locked = streamKey(b1, b2);
        }
        if (this.atStart) {
          if (at + INFO_PROBE_BYTES > len && !final) return at;
          this.atStart = false;
          const pos = infoTagAt(h);
          const tag = tagAt(buf, at + pos.xing, 'Xing')
            ? 'Xing'
            : tagAt(buf, at + pos.xing, 'Info')
              ? 'Info'
              : tagAt(buf, at + pos.vbri, 'VBRI')
                ? 'VBRI'
                : null;
          if (tag) {
            this.infoFrame = { byte: base + at, tag };
            this.next = base + afterFrame;
            at = afterFrame;
            continue;
          }
        }
        this.onFrame(base + at, this.sample, h.sampleRate, h.frameBytes);
        this.frames++;
        this.sample += h.samples;
        this.next = base + afterFrame;
        at = afterFrame;
        continue;
      }
      // Garbage: look for the next sync byte.
      const sync = buf.indexOf(0xff, at + 1);
      const to = sync < 0 ? len : sync;
      this.skippedBytes += to - at;
      at = to;
    }
    return Math.min(at, len);
  }
}

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  access,
  mkdir,
  mkdtemp,
  open,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Word } from '@speech/contracts';
import type { SpeechToText, TranscribeInput, TranscribeResult } from './speech-to-text.port';
import { SttError } from './stt-error';
import { timeoutMessage } from './stt-timeout';
import { readWavInfo } from './wav';

export const DEFAULT_POCKETSPHINX_MODEL_DIR = '/usr/share/pocketsphinx/model/en-us';

export interface PocketsphinxOptions {
  /** Default 'pocketsphinx_continuous' from PATH. */
  binary?: string;
  /** Holds `en-us/` (acoustic model), `en-us.lm.bin` and `cmudict-en-us.dict`. */
  modelDir?: string;
  hmmDir?: string;
  lmPath?: string;
  dictPath?: string;
  /** Writable; model copies with an edited feat.params (symlinks + one small file) are made here. */
  workDir?: string;
  /**
   * Where each decode's cepstral-mean estimate starts (pocketsphinx adapts it over a file, so a new
   * process per chunk starts "cold"; `-cmninit` on the command line is ignored because the model's
   * feat.params sets it too):
   * - 'self' (default): a cheap first pass over the same WAV (keyword-spotting search, no LM:
   *   ~10 % of a full decode) yields this chunk's own final estimate, and the real decode starts
   *   from it, through a throw-away model copy. Stateless, so chunks of one channel can still go
   *   to different workers in any order;
   * - 'model': the model's own vector (cold start);
   * - a vector: a fixed warm start, through a model copy cached in workDir.
   * Why 'self', measured in libs/stt/README.md: the right vector depends on voice and line (agent
   * and customer voices differ by 6–8 in C0, added line noise moves it by 10), so one committed
   * constant helps some calls and hurts others, while a per-chunk estimate matches each.
   */
  cmnInit?: 'self' | 'model' | readonly number[];
  /**
   * pocketsphinx's spectral noise removal (`-remove_noise`, on in the model). Its noise estimate
   * starts cold in every process; when a chunk starts in near-digital silence (a stereo channel
   * while the other side talks) it then swallows the first words, yet with real line noise it is
   * worth 8.8 WER points (libs/stt/README.md). 'auto' (default) turns it off only for a WAV whose
   * quietest 300 ms are below `digitalSilenceDb` (there is no noise to remove there), else on.
   */
  removeNoise?: boolean | 'auto';
  /** dBFS under which 'auto' treats the quietest 300 ms as digital silence. Default -70. */
  digitalSilenceDb?: number;
  /** Kill the decoder after this long. Default max(60 s, 3 × the audio's length). */
  timeoutMs?: number | ((audioMs: number) => number);
  /** BCP-47 tag reported for the model's language. */
  language?: string;
  extraArgs?: readonly string[];
}

export interface PocketsphinxDecode {
  words: Word[];
  /** Whether pocketsphinx's noise removal was on (see `removeNoise`). */
  noiseRemoval: boolean;
  /** The CMN vector the decode started from; null = the model's own. */
  startCmn: readonly number[] | null;
  /** The decoder's last cepstral-mean estimate (from its `cmn_live` log lines), if it printed one. */
  finalCmn: number[] | null;
  audioMs: number;
}

/** Enough of the log to hold the final cmn_live update and the stats after it, or a fatal error. */
const STDERR_TAIL_BYTES = 16 * 1024;

/**
 * Offline English STT with Debian's pocketsphinx 0.8+5prealpha (`pocketsphinx_continuous`).
 * One process per chunk; a crash or a timeout affects that chunk only.
 */
export class PocketsphinxSpeechToText implements SpeechToText {
  readonly name = 'pocketsphinx';
  private readonly binary: string;
  private readonly hmmDir: string;
  private readonly lmPath: string;
  private readonly dictPath: string;
  private readonly workDir: string;
  private readonly cmnInit: 'self' | 'model' | readonly number[];
  private readonly language: string;
  private model: Promise<string> | null = null;

  constructor(private readonly opts: PocketsphinxOptions = {}) {
    const modelDir = opts.modelDir ?? DEFAULT_POCKETSPHINX_MODEL_DIR;
    this.binary = opts.binary ?? 'pocketsphinx_continuous';
    this.hmmDir = opts.hmmDir ?? join(modelDir, 'en-us');
    this.lmPath = opts.lmPath ?? join(modelDir, 'en-us.lm.bin');
    this.dictPath = opts.dictPath ?? join(modelDir, 'cmudict-en-us.dict');
    this.workDir = opts.workDir ?? tmpdir();
    this.cmnInit = opts.cmnInit ?? 'self';
    this.language = opts.language ?? 'en-US';
  }

  async transcribe(input: TranscribeInput): Promise<TranscribeResult> {
    // The only model shipped is US English; pretending to decode another language would return
    // confident English nonsense.
    if (input.language && !/^en(-|$)/i.test(input.language)) {
      throw new SttError('STT.UNSUPPORTED_LANGUAGE', `pocketsphinx has an English model only, not ${input.language}`);
    }
    // input.phrases is ignored: biasing the n-gram LM per request means building a new LM, and
    // keyword spotting (-kws) is a different decoding mode (shared/NOTES.md "Keyword spotting").
    const { words } = await this.decode(input.wavPath, input.signal);
    return { words, language: this.language, engine: this.name };
  }

  /**
   * Decodes one WAV; also returns the final CMN estimate (from the log on stderr, which is why the
   * adapter reads stderr instead of passing `-logfn /dev/null`: that also silences fatal errors).
   */
  async decode(wavPath: string, signal?: AbortSignal): Promise<PocketsphinxDecode> {
    if (signal?.aborted) throw aborted(signal);
    const audioMs = await readCanonicalWavDuration(wavPath);
    const mode = this.opts.removeNoise ?? 'auto';
    const noiseRemoval =
      mode === 'auto' ? (await quietestStretchDb(wavPath)) >= (this.opts.digitalSilenceDb ?? -70) : mode;
    const t = this.opts.timeoutMs;
    // One budget for both passes.
    const budgetMs = typeof t === 'function' ? t(audioMs) : (t ?? Math.max(60_000, 3 * audioMs));
    const deadline = Date.now() + budgetMs;
    const timing = { budgetMs, audioMs };
    const remaining = (): number => Math.max(1, deadline - Date.now());
    const frontEnd = [...(noiseRemoval ? [] : ['-remove_noise', 'no']), ...(this.opts.extraArgs ?? [])];

    let hmm = await this.modelDir();
    let startCmn: readonly number[] | null = Array.isArray(this.cmnInit) ? this.cmnInit : null;
    let throwAway: string | null = null;
    try {
      if (this.cmnInit === 'self') {
        // Keyword spotting for a word that hardly matters: the search is nearly free and no LM is
        // loaded, but the front end (and so the CMN estimate in the log) is the same as a full decode's.
        const pre = await runProcess(
          this.binary,
          [
            '-infile',
            wavPath,
            '-hmm',
            this.hmmDir,
            '-dict',
            this.dictPath,
            '-keyphrase',
            'oh',
            '-kws_threshold',
            '1e-30',
            ...frontEnd,
          ],
          remaining(),
          signal,
          timing,
        );
        const own = lastCmnVector(pre.stderrTail);
        // No estimate (no speech found): the model's vector is as good as any.
        if (own && own.length === 13) {
          hmm = throwAway = await writeModelCopy(this.hmmDir, this.workDir, own);
          startCmn = own;
        }
      }
      const args = [
        '-infile',
        wavPath,
        '-time',
        'yes',
        '-hmm',
        hmm,
        '-lm',
        this.lmPath,
        '-dict',
        this.dictPath,
        ...frontEnd,
      ];
      const { stdout, stderrTail } = await runProcess(this.binary, args, remaining(), signal, timing);
      return {
        words: parsePocketsphinxOutput(stdout),
        noiseRemoval,
        startCmn,
        finalCmn: lastCmnVector(stderrTail),
        audioMs,
      };
    } finally {
      if (throwAway) await rm(throwAway, { recursive: true, force: true });
    }
  }

  private modelDir(): Promise<string> {
    if (!this.model) {
      this.model = this.prepareModel();
      // A failed preparation (e.g. workDir not writable yet) must not be cached for ever.
      this.model.catch(() => (this.model = null));
    }
    return this.model;
  }

  private async prepareModel(): Promise<string> {
    for (const [what, path] of [
      ['acoustic model', this.hmmDir],
      ['language model', this.lmPath],
      ['dictionary', this.dictPath],
    ] as const) {
      try {
        await access(path);
      } catch (err) {
        throw new SttError(
          'STT.MODEL_MISSING',
          `pocketsphinx ${what} not found at ${path} (Debian: apt-get install pocketsphinx-en-us)`,
          { cause: err },
        );
      }
    }
    if (this.cmnInit === 'model' || this.cmnInit === 'self') return this.hmmDir;
    return ensureWarmModelCopy(this.hmmDir, this.workDir, this.cmnInit);
  }
}

/**
 * `-cmninit` on the command line is ignored because the model's feat.params sets it too and wins
 * (shared/NOTES.md), so the vector goes into a copy of the model: every file symlinked except an
 * edited feat.params. Named after a hash of the source and the vector, so concurrent workers and
 * later runs share one copy; built in a temp dir and renamed into place, so nobody sees half of it.
 */
export async function ensureWarmModelCopy(hmmDir: string, workDir: string, vector: readonly number[]): Promise<string> {
  const source = resolve(hmmDir);
  const params = withCmnInit(await readFile(join(source, 'feat.params'), 'utf8'), checkVector(vector));
  const key = createHash('sha256').update(source).update('\0').update(params).digest('hex').slice(0, 16);
  const target = join(workDir, `pocketsphinx-hmm-${key}`);
  if (await isFile(join(target, 'feat.params'))) return target;

  const staging = await stageModelCopy(source, workDir, params, `.pocketsphinx-hmm-${key}-`);
  try {
    await rename(staging, target);
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    // Lost the race to another process: its copy is identical (same hash).
    if (await isFile(join(target, 'feat.params'))) return target;
    throw err;
  }
  return target;
}

/** A private model copy for one decode (the caller removes it). */
async function writeModelCopy(hmmDir: string, workDir: string, vector: readonly number[]): Promise<string> {
  const source = resolve(hmmDir);
  const params = withCmnInit(await readFile(join(source, 'feat.params'), 'utf8'), checkVector(vector));
  return stageModelCopy(source, workDir, params, 'pocketsphinx-hmm-once-');
}

async function stageModelCopy(source: string, workDir: string, params: string, prefix: string): Promise<string> {
  await mkdir(workDir, { recursive: true });
  const dir = await mkdtemp(join(workDir, prefix));
  try {
    for (const name of await readdir(source)) {
      if (name !== 'feat.params') await symlink(join(source, name), join(dir, name));
    }
    await writeFile(join(dir, 'feat.params'), params);
    return dir;
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

function checkVector(vector: readonly number[]): readonly number[] {
  if (vector.length !== 13 || !vector.every(Number.isFinite))
    throw new RangeError('a CMN vector has 13 finite numbers (ceplen=13)');
  return vector;
}

/** Replaces (or adds) the `-cmninit` line of a feat.params text. */
export function withCmnInit(featParams: string, vector: readonly number[]): string {
  const line = `-cmninit ${vector.map((v) => v.toFixed(2)).join(',')}`;
  const lines = featParams.split('\n').filter((l) => !/^\s*-cmninit\b/.test(l));
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  return [...lines, line, ''].join('\n');
}

const FILLER = /^(<.*>|\[.*\]|\+\+.*\+\+)$/;
const WORD_LINE = /^(\S+) (-?\d+(?:\.\d+)?) (-?\d+(?:\.\d+)?) (-?\d+(?:\.\d+)?(?:e[-+]?\d+)?)$/i;

/**
 * Parses `pocketsphinx_continuous -time yes` output: per utterance a hypothesis line, then one
 * `word start end posterior` line per word (seconds, from the file start). Fillers (`<s>`, `</s>`,
 * `<sil>`, `[NOISE]`, `++BREATH++`) are dropped and alternate pronunciations (`to(3)`) folded.
 */
export function parsePocketsphinxOutput(stdout: string): Word[] {
  const words: Word[] = [];
  for (const raw of stdout.split('\n')) {
    const m = WORD_LINE.exec(raw.trim());
    if (!m) continue;
    const token = m[1] as string;
    if (FILLER.test(token)) continue;
    const text = token.replace(/\(\d+\)$/, '');
    const startMs = Math.round(Number(m[2]) * 1000);
    const endMs = Math.max(startMs, Math.round(Number(m[3]) * 1000));
    words.push({ text, startMs, endMs, confidence: toConfidence(Number(m[4])) });
  }
  return words.sort((a, b) => a.startMs - b.startMs);
}

/**
 * This build prints the word posterior as a probability. Some builds print it in the decoder's
 * log domain (base 1.0001, so ≤ 0); convert those rather than clamp every word to 0.
 */
function toConfidence(p: number): number {
  const prob = p < 0 ? Math.pow(1.0001, p) : p;
  return Math.min(1, Math.max(0, Math.round(prob * 1e4) / 1e4));
}

/** The last `cmn_live … Update to < … >` vector in a pocketsphinx log, or null. */
export function lastCmnVector(log: string): number[] | null {
  const re = /cmn_live\.c\(\d+\): Update to\s+<([^>]*)>/g;
  let last: string | null = null;
  for (let m = re.exec(log); m; m = re.exec(log)) last = m[1] ?? null;
  if (last === null) return null;
  const v = last.trim().split(/\s+/).map(Number);
  return v.every(Number.isFinite) ? v : null;
}

/**
 * Checks the file is what pocketsphinx_continuous expects and returns its length. For a `.wav`
 * it reads exactly 44 header bytes and decodes everything after as samples, so a LIST chunk or
 * another rate would be decoded as noise instead of failing.
 */
async function readCanonicalWavDuration(wavPath: string): Promise<number> {
  const wav = await readWavInfo(wavPath);
  if (wav.dataOffset !== 44 || wav.sampleRate !== 16_000 || wav.channels !== 1 || wav.bitsPerSample !== 16)
    throw new SttError('STT.BAD_AUDIO', `${wavPath} is not a canonical 44-byte-header 16 kHz mono 16-bit PCM WAV`);
  return wav.durationMs;
}

/**
 * RMS level (dBFS) of the quietest 300 ms of a canonical 16 kHz mono s16 WAV, from 10 ms frames.
 * Streams the file (a 60 s chunk is 1.9 MB); -100 for digital silence.
 */
export async function quietestStretchDb(wavPath: string, windowMs = 300): Promise<number> {
  const frameBytes = 320; // 10 ms at 16 kHz, 16-bit
  const width = Math.max(1, Math.round(windowMs / 10));
  const ring = new Float64Array(width); // mean squares of the last `width` frames
  let frames = 0;
  let sum = 0;
  let lowest = Infinity;
  let carry: Buffer = Buffer.alloc(0);
  const fh = await open(wavPath, 'r');
  try {
    for await (const piece of fh.createReadStream({ start: 44 })) {
      const buf: Buffer = carry.length ? Buffer.concat([carry, piece as Buffer]) : (piece as Buffer);
      let at = 0;
      for (; at + frameBytes <= buf.length; at += frameBytes) {
        let sq = 0;
        for (let i = at; i < at + frameBytes; i += 2) {
          const x = buf.readInt16LE(i);
          sq += x * x;
        }
        const ms = sq / 160;
        sum += ms - ring[frames % width];
        ring[frames % width] = ms;
        frames++;
        if (frames >= width && sum < lowest) lowest = sum;
      }
      carry = buf.subarray(at);
    }
  } finally {
    await fh.close();
  }
  if (frames < width) lowest = sum; // shorter than the window: the whole file
  const meanSquare = Math.max(0, lowest) / Math.max(1, Math.min(frames, width));
  return meanSquare <= 0 ? -100 : Math.max(-100, 10 * Math.log10(meanSquare / 32768 ** 2));
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

function aborted(signal: AbortSignal): SttError {
  return new SttError('STT.ABORTED', 'transcription was aborted', { cause: signal.reason });
}

function runProcess(
  binary: string,
  args: string[],
  timeoutMs: number,
  signal: AbortSignal | undefined,
  timing: { budgetMs: number; audioMs: number },
): Promise<{ stdout: string; stderrTail: string }> {
  return new Promise((resolvePromise, reject) => {
    // An abort during the async preparation would never fire the listener added below.
    if (signal?.aborted) return reject(aborted(signal));
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let tail = Buffer.alloc(0);
    let failure: SttError | null = null;
    const stop = (err: SttError): void => {
      failure ??= err;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(
      () =>
        stop(
          new SttError('STT.ENGINE_TIMEOUT', timeoutMessage('pocketsphinx', timing.budgetMs, timing.audioMs), {
            retriable: true,
          }),
        ),
      timeoutMs,
    );
    const onAbort = (): void => stop(aborted(signal as AbortSignal));
    signal?.addEventListener('abort', onAbort, { once: true });

    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => {
      tail = Buffer.concat([tail, d]);
      if (tail.length > STDERR_TAIL_BYTES) tail = tail.subarray(tail.length - STDERR_TAIL_BYTES);
    });
    child.on('error', (err: NodeJS.ErrnoException) => {
      failure ??=
        err.code === 'ENOENT'
          ? new SttError('STT.ENGINE_MISSING', `${binary} not found (Debian: apt-get install pocketsphinx)`, {
              cause: err,
            })
          : new SttError('STT.ENGINE_FAILED', `cannot start ${binary}: ${err.message}`, {
              retriable: true,
              cause: err,
            });
    });
    // 'close' comes after 'error' too (Node emits it once stdio is closed), so settle here only.
    child.on('close', (code, sig) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      const stderrTail = tail.toString('utf8');
      if (failure) return reject(failure);
      if (code !== 0) {
        const fatal = stderrTail
          .split('\n')
          .filter((l) => /^(FATAL|ERROR)/.test(l))
          .slice(-3)
          .join(' | ');
        return reject(
          new SttError(
            'STT.ENGINE_FAILED',
            `pocketsphinx exited with ${sig ?? `code ${code}`}${fatal ? `: ${fatal}` : ''}`,
            { retriable: true },
          ),
        );
      }
      resolvePromise({ stdout: Buffer.concat(out).toString('utf8'), stderrTail });
    });
  });
}

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Transcript } from '@speech/contracts';
import { Api, FIXTURES, PlatformProcess } from '@speech/harness';

jest.setTimeout(12 * 60_000);

const UNITS: Record<string, string> = {
  zero: '0',
  oh: '0',
  one: '1',
  two: '2',
  three: '3',
  four: '4',
  five: '5',
  six: '6',
  seven: '7',
  eight: '8',
  nine: '9',
};

/** A text's digits, written or spoken, one string per word run ("four one, 1 1" → "4111"). */
function digitRuns(text: string): string[] {
  const runs: string[] = [];
  let cur = '';
  for (const raw of text.toLowerCase().split(/\s+/)) {
    const w = raw.replace(/[^a-z0-9-]/g, '');
    const d = /^[\d-]+$/.test(w) ? w.replace(/-/g, '') : (UNITS[w] ?? null);
    if (d !== null && d !== '') cur += d;
    else if (cur) {
      runs.push(cur);
      cur = '';
    }
  }
  if (cur) runs.push(cur);
  return runs;
}

/**
 * REDACT_PII=true end to end: a call with planted PII of every kind, spoken (Festival voices,
 * scripts/make-call.sh) and transcribed by Whisper, must come back from the transcript API
 * (JSON and text) and the analysis without any of it, whatever digits or spelling Whisper
 * chose. The counts per kind are printed for the record.
 */
describe('single process with REDACT_PII=true', () => {
  const platform = new PlatformProcess(undefined, { REDACT_PII: 'true' });
  const scratch = mkdtempSync(join(tmpdir(), 'speech-e2e-pii-'));
  let api: Api;
  let audioId: string;
  let transcript: Transcript;
  let text: string;

  beforeAll(async () => {
    execFileSync(
      'bash',
      [
        join(__dirname, '../scripts/make-call.sh'),
        '--install-missing',
        join(FIXTURES, 'planted-pii.txt'),
        join(scratch, 'planted-pii'),
      ],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
    await platform.start();
    api = new Api(platform.url, await platform.token('alice'));
  });
  afterAll(async () => {
    await platform.cleanup();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('transcribes the call into a transcript without the planted PII', async () => {
    const res = await api.upload(join(scratch, 'planted-pii.stereo.mp3'));
    expect(res.status).toBe(201);
    audioId = ((await res.json()) as { audioId: string }).audioId;
    await api.waitFor(audioId, 'ready');
    expect((await api.post(`/transcribe/${audioId}`)).status).toBe(202);
    await api.waitFor(audioId, 'transcribed', 600_000);
    transcript = await api.json<Transcript>(`/audios/${audioId}/transcript`);
    const plain = await api.get(`/audios/${audioId}/transcript?format=text`);
    text = await plain.text();
    process.stdout.write(
      `redaction e2e: counts ${JSON.stringify(transcript.redaction?.counts)}\n${transcript.segments.map((s) => `  ${s.speaker}: ${s.text}`).join('\n')}\n`,
    );

    for (const body of [transcript.segments.map((s) => s.text).join('\n'), text]) {
      expect(body).not.toMatch(/john|smith|gmail|elm|springfield/i);
      // No number of three digits or more is left: every one planted was PII.
      expect(digitRuns(body).filter((r) => r.length >= 3)).toEqual([]);
    }
    expect(transcript.redaction?.applied).toBe(true);
    // Whisper writes this call differently from run to run (a card as "4 -11 -11 …" or as a
    // mis-heard word and digits), so a number may be counted under a neighbouring kind; what
    // must hold is that everything planted is gone (above) and counted (seven values planted).
    const counts = transcript.redaction?.counts ?? {};
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(7);
    for (const kind of ['name', 'email'])
      expect({ kind, found: (counts[kind] ?? 0) > 0 }).toEqual({ kind, found: true });
    // Whisper has lost two values outright: the address ("I live at forty two Elm Street,
    // Springfield" came back as "I print sealed.") and the phone number (the answer came back as
    // "it is"): there was nothing to redact. So each must be counted unless the answer to its
    // question (the last one that names it) holds nothing of it.
    const lostOrCounted = (kind: string, question: RegExp, heardIn: RegExp) => {
      const asked = transcript.segments.findLastIndex((s) => question.test(s.text));
      expect({ kind, asked: asked >= 0 }).toEqual({ kind, asked: true });
      const answer =
        transcript.segments.slice(asked + 1).find((s) => s.speaker !== transcript.segments[asked]!.speaker)?.text ?? '';
      const counted = (counts[kind] ?? 0) > 0;
      expect({ kind, answer, counted, ok: counted || !heardIn.test(answer) }).toMatchObject({ ok: true });
    };
    lostOrCounted('address', /address/i, /\d|\b(forty|two|street|st|avenue|road|lane|live at)\b/i);
    lostOrCounted('phone', /phone/i, /\d|\b(zero|oh|one|two|three|four|five|six|seven|eight|nine)\b/i);
    expect(text).toMatch(/\[CARD\]/);
  });

  it('analyses the redacted transcript: the analysis holds none of the planted PII either', async () => {
    expect((await api.post(`/analyze/${audioId}`)).status).toBe(202);
    await api.waitFor(audioId, 'analyzed');
    const analysis = await (await api.get(`/audios/${audioId}/analysis`)).text();
    expect(analysis).not.toMatch(/john|smith|gmail|elm street|springfield/i);
    const quotes = (JSON.parse(analysis) as { issues: Array<{ quote: string }> }).issues.map((i) => i.quote).join(' ');
    expect(digitRuns(quotes).filter((r) => r.length >= 3)).toEqual([]);
    const view = await api.get(`/audios/${audioId}`);
    expect(await view.text()).not.toMatch(/john|smith|gmail/i);
  });
});

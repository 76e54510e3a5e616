import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Api, FIXTURES, PlatformProcess, ROOT } from '@speech/harness';

jest.setTimeout(8 * 60_000);

/** A large recording goes up in two sittings: the CLI dies halfway, a new run resumes. */
describe('resumable multipart upload', () => {
  const platform = new PlatformProcess();
  const scratch = mkdtempSync(join(tmpdir(), 'speech-upload-'));
  const cache = join(scratch, 'cache');
  const file = join(scratch, 'long-call.mp3');
  let api: Api;

  beforeAll(async () => {
    // ~45 MB: 60 loops of an 85 s call (about 85 minutes of audio), 6 parts of 8 MiB.
    execFileSync('ffmpeg', [
      '-loglevel',
      'error',
      '-y',
      '-stream_loop',
      '60',
      '-i',
      join(FIXTURES, 'sales-discovery.stereo.mp3'),
      '-c',
      'copy',
      file,
    ]);
    await platform.start();
    api = new Api(platform.url, await platform.token('uploader'));
  });
  afterAll(async () => {
    await platform.cleanup();
    rmSync(scratch, { recursive: true, force: true });
  });

  function cli(
    onLine?: (line: string, kill: () => void) => void,
  ): Promise<{ code: number | null; out: string; err: string }> {
    return new Promise((ok) => {
      const child = spawn(
        process.execPath,
        // Paced to 20 MB/s (2 s for the file): on loopback the whole file went up in the time it
        // took this test to see the 50 % line and kill the client, so nothing was left to resume.
        [
          '--import',
          'tsx',
          join(ROOT, 'scripts/speech-cli.ts'),
          'upload',
          file,
          '--parallel',
          '1',
          '--limit-rate',
          '20',
        ],
        {
          env: { ...process.env, SPEECH_URL: platform.url, TOKEN: api.token, XDG_CACHE_HOME: cache },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => {
        err += d.toString();
        for (const line of d.toString().split('\n')) onLine?.(line, () => child.kill('SIGKILL'));
      });
      child.on('exit', (code) => ok({ code, out, err }));
    });
  }

  it('survives the client dying halfway: a new client resumes from the stored parts', async () => {
    const first = await cli((line, kill) => {
      const pct = /\] ([\d.]+)%/.exec(line);
      if (pct && Number(pct[1]) >= 50) kill();
    });
    expect(first.code).toBeNull(); // killed
    const audioId = /upload ([0-9a-f-]{36}):/.exec(first.err)?.[1] ?? '';
    const state = await api.json<{ partCount: number; receivedParts: unknown[] }>(`/uploads/${audioId}`);
    expect(state.receivedParts.length).toBeGreaterThan(0);
    expect(state.receivedParts.length).toBeLessThan(state.partCount);

    const second = await cli();
    expect(second.code).toBe(0);
    expect(second.err).toContain(`resuming upload ${audioId}: ${state.receivedParts.length}/${state.partCount} parts`);
    const ready = await api.waitFor(audioId, 'ready', 300_000);
    expect(ready.chunkCount).toBeGreaterThan(2 * 80); // ~85 min per channel in 30–60 s chunks
    const stored = readFileSync(join(platform.dataDir, 'objects', 'audio', audioId, 'source'));
    const original = readFileSync(file);
    expect(createHash('sha256').update(stored).digest('hex')).toBe(createHash('sha256').update(original).digest('hex'));
  });

  it('answers the multipart API with clear errors', async () => {
    const tooBig = await api.post('/uploads', { filename: 'x.mp3', sizeBytes: 0 });
    expect(tooBig.status).toBe(400);
    const created = await api.post('/uploads', { filename: 'x.mp3', sizeBytes: 10 * 1024 * 1024 });
    const { audioId, partCount } = (await created.json()) as { audioId: string; partCount: number };
    expect(partCount).toBe(2);
    expect((await api.get(`/uploads/${audioId}/parts/3`)).status).toBe(400);
    const { url } = (await (await api.get(`/uploads/${audioId}/parts/1`)).json()) as { url: string };
    const forged = url.replace(/signature=[^&]+/, 'signature=forged');
    expect((await fetch(forged, { method: 'PUT', body: Buffer.alloc(10) })).status).toBe(403);
    const incomplete = await api.post(`/uploads/${audioId}/complete`, { parts: [{ partNumber: 1, etag: 'x' }] });
    expect(incomplete.status).toBe(409);
    expect(
      (
        await fetch(`${api.url}/uploads/${audioId}`, {
          method: 'DELETE',
          headers: { authorization: `Bearer ${api.token}` },
        })
      ).status,
    ).toBe(204);
    expect((await api.get(`/uploads/${audioId}`)).status).toBe(404);
  });
});

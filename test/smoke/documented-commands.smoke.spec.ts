/* eslint-disable jest/no-standalone-expect, jest/expect-expect -- each case in CASES asserts, and runs inside the it() made for its command below */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Api, FIXTURES, freePort, PlatformProcess, ROOT } from '@speech/harness';

/**
 * Every command that README.md and bench/README.md name, run as a new user would: from a fresh
 * clone of this tree (its uncommitted edits included), with nothing installed in it, each far
 * enough to show that it starts and does its first real step. The first command run in the
 * clone installs node_modules, as any of them must; every other one must run scripts/setup.sh
 * first too, which SETUP_VERBOSE=1 makes it say.
 */
const DOCS = ['README.md', 'bench/README.md'];
const SAMPLE = join(FIXTURES, 'sales-discovery.stereo.mp3');
const SETUP_RAN = /\[setup\] setup done in \d+ ms/;
const MIN = 60_000;

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

/** `npm start`, `npm test` and `npm run <name>`, wherever the docs write them (code blocks and prose). */
function documentedScripts(text: string): string[] {
  const names = new Set<string>();
  for (const m of text.matchAll(/\bnpm (start|test)\b/g)) names.add(m[1] as string);
  for (const m of text.matchAll(/\bnpm run ([a-z][\w:-]*)/g)) names.add(m[1] as string);
  return [...names].sort();
}

interface Ran {
  code: number | null;
  out: string;
  err: string;
}

let clone = '';
let scratch = '';

/** The environment of a new user's shell: none of the outer npm run's variables or PATH entries. */
function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^npm_/i.test(k) || ['INIT_CWD', 'NODE_ENV', 'JEST_WORKER_ID', 'TOKEN', 'SPEECH_URL'].includes(k)) continue;
    env[k] = v;
  }
  // The outer `npm test` put this checkout's node_modules/.bin first: with it, a script that
  // forgot to install would still find tsx, and the test would prove nothing.
  env.PATH = (process.env.PATH ?? '')
    .split(':')
    .filter((p) => !p.includes('/node_modules/'))
    .join(':');
  return { ...env, SETUP_VERBOSE: '1', XDG_CACHE_HOME: join(scratch, 'xdg'), ...extra };
}

/** `npm <args>` in the clone, to its end (bounded). */
function npm(args: string[], opts: { env?: Record<string, string>; timeoutMs: number }): Promise<Ran> {
  return new Promise((ok, fail) => {
    const child = spawn('npm', args, {
      cwd: clone,
      env: userEnv(opts.env),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL'); // the group this test started
      } catch {
        // gone meanwhile
      }
      fail(
        new Error(
          `npm ${args.join(' ')} did not end within ${opts.timeoutMs / 1000} s:\n${out.slice(-3000)}\n${err.slice(-3000)}`,
        ),
      );
    }, opts.timeoutMs);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      ok({ code, out, err });
    });
  });
}

function expectOk(r: Ran, what: string): void {
  if (r.code !== 0)
    throw new Error(`${what} exited ${r.code}:\n--- stdout\n${r.out.slice(-4000)}\n--- stderr\n${r.err.slice(-4000)}`);
}

/** The cases, by script name: each runs the command in the clone and checks its first real step. */
const CASES: Record<string, () => Promise<void>> = {
  // The first one in the clone, so it is the one that installs: the CLI has no other command first.
  speech: async () => {
    const platform = new PlatformProcess();
    try {
      await platform.start();
      const token = await platform.token('smoke');
      const r = await npm(['run', 'speech', '--', 'upload', SAMPLE], {
        env: { SPEECH_URL: platform.url, TOKEN: token },
        timeoutMs: 20 * MIN,
      });
      expectOk(r, 'npm run speech -- upload');
      expect(r.err).toContain('[setup] installing npm dependencies');
      expect(r.err).toMatch(SETUP_RAN);
      expect(r.err).toContain(`to ${platform.url} (from SPEECH_URL)`);
      const { audioId } = JSON.parse(r.out.trim().split('\n').pop() ?? '{}') as { audioId: string };
      const view = await new Api(platform.url, token).json<{ filename: string; contentType: string }>(
        `/audios/${audioId}`,
      );
      expect(view).toMatchObject({ filename: 'sales-discovery.stereo.mp3', contentType: 'audio/mpeg' });
    } finally {
      await platform.cleanup();
    }
  },

  start: async () => {
    const port = await freePort();
    const data = join(scratch, 'start-data');
    const child = spawn('npm', ['start'], {
      cwd: clone,
      env: userEnv({ PORT: String(port), HOST: '127.0.0.1', DATA_DIR: data, LOG_LEVEL: 'warn' }),
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<void>((ok) => child.once('close', () => ok()));
    try {
      const deadline = Date.now() + 3 * MIN;
      let ready = false;
      while (!ready) {
        if (child.exitCode !== null) throw new Error(`npm start exited ${child.exitCode}:\n${out}`);
        if (Date.now() > deadline) throw new Error(`npm start: no banner and /readyz within 3 min:\n${out}`);
        if (out.includes('Big files:'))
          ready = (await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => null))?.ok ?? false;
        if (!ready) await sleep(250);
      }
      expect(out).toMatch(SETUP_RAN);
      expect(out).toContain(`Dashboard:  http://localhost:${port}/#token=`);
      expect(out).toContain('PORT and HOST change it');
      expect(out).toContain(`npm run speech -- upload call.mp3 --url http://localhost:${port}`);
    } finally {
      // The group this test started (npm, sh, tsx, node): TERM, and KILL what still runs after 30 s.
      const signal = (sig: NodeJS.Signals) => {
        try {
          if (child.pid) process.kill(-child.pid, sig);
        } catch {
          // all gone already
        }
      };
      signal('SIGTERM');
      const hung = setTimeout(() => signal('SIGKILL'), 30_000);
      await exited;
      clearTimeout(hung);
    }
  },

  bench: async () => {
    // The cheapest figure (about 20 s): chunking an hour of looped audio against ffmpeg's decode.
    const r = await npm(['run', 'bench', '--', '--quick', '--only', 'chunker'], { timeoutMs: 10 * MIN });
    expectOk(r, 'npm run bench -- --quick --only chunker');
    expect(r.err + r.out).toMatch(SETUP_RAN);
    const latest = JSON.parse(readFileSync(join(clone, 'bench/results/latest.json'), 'utf8')) as {
      mode: { quick: boolean; only: string[] };
      results: Record<string, { value?: unknown; error?: string }>;
    };
    expect(latest.mode).toMatchObject({ quick: true, only: ['chunker'] });
    expect(latest.results.chunkerVsDecode?.error).toBeUndefined();
    expect(typeof latest.results.chunkerVsDecode?.value).toBe('number');
  },

  'bench:soak': async () => {
    // 45 minutes of looped audio (22 MB: 3 parts, the fewest that leave a part to resume):
    // generation, the two CLI sittings, chunking and the report.
    const r = await npm(['run', 'bench:soak', '--', '--hours', '0.75'], { timeoutMs: 10 * MIN });
    expectOk(r, 'npm run bench:soak -- --hours 0.75');
    expect(r.err + r.out).toMatch(SETUP_RAN);
    const soak = JSON.parse(readFileSync(join(clone, 'bench/results/soak-latest.json'), 'utf8')) as {
      runs: { hours: number; error?: string }[];
    };
    expect(soak.runs.map((run) => [run.hours, run.error])).toEqual([[0.75, undefined]]);
  },

  stack: async () => {
    // The whole stack (four JVM/Go servers on fixed ports) is the stack tier's job; here: the
    // script installs, reads its settings and finds every service's entry point.
    const r = await npm(['run', 'stack', '--', '--dry-run'], {
      env: { STACK_REPLICAS: 'chunker=2', STACK_DIR: join(scratch, 'stack') },
      timeoutMs: 3 * MIN,
    });
    expectOk(r, 'npm run stack -- --dry-run');
    expect(r.err).toMatch(SETUP_RAN);
    expect(r.out).toContain('dry run: nothing started');
    expect(r.out).toMatch(/chunker-2 +:\d+ +apps\/chunker\/src\/main\.ts/);
    const bad = await npm(['run', 'stack', '--', '--dry-run'], {
      env: { STACK_REPLICAS: 'chunkr=2' },
      timeoutMs: 3 * MIN,
    });
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('bad replicas entry "chunkr=2"');
  },

  'stack:down': async () => {
    // Needs nothing installed; in a fresh clone there is nothing of its own to stop.
    const r = await npm(['run', 'stack:down'], { env: { STACK_DIR: join(scratch, 'stack') }, timeoutMs: MIN });
    expectOk(r, 'npm run stack:down');
    expect(r.err).toContain('nothing to stop');
  },

  'gen:contracts': async () => {
    const files = ['libs/contracts/src/generated/events.generated.ts', 'docs/asyncapi.json'].map((f) => join(clone, f));
    const before = files.map((f) => readFileSync(f, 'utf8'));
    const r = await npm(['run', 'gen:contracts'], { timeoutMs: 3 * MIN });
    expectOk(r, 'npm run gen:contracts');
    expect(r.err).toMatch(SETUP_RAN);
    expect(files.map((f) => readFileSync(f, 'utf8'))).toEqual(before);
  },

  check: async () => {
    // Format and lint of the whole tree (nowhere else in CI), typecheck, and one unit spec.
    const r = await npm(['run', 'check', '--', 'scripts/cli/content-type.spec.ts'], { timeoutMs: 15 * MIN });
    expectOk(r, 'npm run check');
    expect(r.err).toMatch(SETUP_RAN);
    expect(r.out + r.err).toContain('All matched files use Prettier code style');
    expect(r.err).not.toContain('No cached ProjectGraph'); // the module-boundary rule really ran
    expect(r.err).toMatch(/Tests: +\d+ passed/);
  },

  lint: async () => {
    // The fence must fail on a leak: a domain lib that imports an SDK, an adapter lib and an app.
    const leak = join(clone, 'libs/transcript/src/smoke-leak.ts');
    writeFileSync(
      leak,
      "import { S3Client } from '@aws-sdk/client-s3';\nimport { SqliteDatabase } from '@speech/persistence';\nimport * as app from '../../../apps/query/src/main';\nexport const leaked = [S3Client, SqliteDatabase, app];\n",
    );
    try {
      const r = await npm(['run', 'lint'], { timeoutMs: 15 * MIN });
      expect(r.code).not.toBe(0);
      const out = r.out + r.err;
      expect(out).toMatch(SETUP_RAN);
      expect(out).toContain('smoke-leak.ts');
      expect(out).toContain('A project tagged with "type:domain" is not allowed to import "@aws-sdk/client-s3"');
      expect(out).toContain('A project tagged with "type:domain" can only depend on libs tagged with "type:domain"');
      expect(out).toContain('Projects cannot be imported by a relative or absolute path');
    } finally {
      rmSync(leak, { force: true });
    }
  },

  test: async () => {
    const r = await npm(['test', '--', '--selectProjects', 'unit', '--', 'scripts/cli/content-type.spec.ts'], {
      timeoutMs: 10 * MIN,
    });
    expectOk(r, 'npm test');
    expect(r.err).toMatch(SETUP_RAN);
    expect(r.err).toMatch(/Tests: +\d+ passed/);
  },

  typecheck: async () => {
    const r = await npm(['run', 'typecheck'], { timeoutMs: 10 * MIN });
    expectOk(r, 'npm run typecheck');
    expect(r.err).toMatch(SETUP_RAN);
  },

  token: async () => {
    const secret = 'a-secret-of-the-smoke-test-0123456789';
    const r = await npm(['run', '--silent', 'token', '--', 'smoke-user', '2h'], {
      env: { AUTH_JWT_SECRET: secret },
      timeoutMs: 3 * MIN,
    });
    expectOk(r, 'npm run token');
    const claims = JSON.parse(Buffer.from(r.out.trim().split('.')[1] ?? '', 'base64url').toString()) as {
      sub: string;
      exp: number;
      iat: number;
    };
    expect(claims.sub).toBe('smoke-user');
    expect(claims.exp - claims.iat).toBe(2 * 3600);
  },

  'eval:insight': async () => {
    // The scorer on the reference transcripts (seconds); --no-write leaves the committed tables alone.
    const r = await npm(['run', 'eval:insight', '--', '--no-write'], { timeoutMs: 10 * MIN });
    expectOk(r, 'npm run eval:insight');
    expect(r.err + r.out).toMatch(SETUP_RAN);
    expect(r.out).toMatch(/issue recall \| \d+ %/);
  },

  'check:deploy': async () => {
    // The validators build once per machine (helm, kubeconform, compose-go; cached), then run in seconds.
    const r = await npm(['run', 'check:deploy'], { timeoutMs: 45 * MIN });
    expectOk(r, 'npm run check:deploy');
    expect(r.out + r.err).toContain('check:deploy: all passed');
  },

  'test:node24': async () => {
    const r = await npm(['run', 'test:node24', '--', 'scripts/cli/content-type.spec.ts'], { timeoutMs: 10 * MIN });
    expectOk(r, 'npm run test:node24');
    expect(r.err).toMatch(/running on Node v24\./);
    expect(r.err).toMatch(/Tests: +\d+ passed/);
  },
};

describe('the commands the docs name', () => {
  const documented = [...new Set(DOCS.flatMap((d) => documentedScripts(readFileSync(join(ROOT, d), 'utf8'))))].sort();

  it('are each a script in package.json, with a smoke case here', () => {
    expect(documented.length).toBeGreaterThan(5);
    expect(documented.filter((s) => !(s in pkg.scripts))).toEqual([]);
    expect(documented.filter((s) => !(s in CASES))).toEqual([]);
  });

  it('install what they use first: every script that runs a tool from node_modules starts with setup', () => {
    const tools = /(^|&& |; )(tsx|jest|eslint|prettier|tsc|nx)\b/;
    const unguarded = Object.entries(pkg.scripts)
      .filter(([, cmd]) => tools.test(cmd))
      .filter(([, cmd]) => !/^bash scripts\/(setup\.sh|with-node24\.sh)\b/.test(cmd))
      .map(([name]) => name);
    expect(unguarded).toEqual([]);
  });

  describe('from a fresh clone', () => {
    beforeAll(() => {
      scratch = mkdtempSync(join(tmpdir(), 'speech-smoke-'));
      clone = join(scratch, 'clone');
      const git = (args: string[], cwd = ROOT) => {
        const r = spawnSync('git', args, { cwd, encoding: 'utf8' });
        if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
        return r.stdout;
      };
      const head = git(['rev-parse', 'HEAD']).trim();
      git(['clone', '--quiet', '--shared', '--no-checkout', ROOT, clone], scratch);
      git(['checkout', '--quiet', head], clone);
      // This tree's edits that are not committed yet: what the next commit's clone will hold.
      for (const f of git(['ls-files', '-z', '--modified', '--others', '--exclude-standard'])
        .split('\0')
        .filter(Boolean)) {
        if (!existsSync(join(ROOT, f))) continue;
        mkdirSync(dirname(join(clone, f)), { recursive: true });
        copyFileSync(join(ROOT, f), join(clone, f));
      }
      for (const f of git(['ls-files', '-z', '--deleted']).split('\0').filter(Boolean))
        rmSync(join(clone, f), { force: true });
      if (existsSync(join(clone, 'node_modules'))) throw new Error('the clone has a node_modules already');
    }, 5 * MIN);
    afterAll(() => {
      if (scratch) rmSync(scratch, { recursive: true, force: true });
    }, 5 * MIN);

    // In this order: the CLI first (it installs), then the rest in the installed clone.
    const order = ['speech', ...Object.keys(CASES).filter((k) => k !== 'speech')];
    for (const name of order) {
      it(
        `npm ${['start', 'test'].includes(name) ? name : `run ${name}`}`,
        () => (CASES[name] as () => Promise<void>)(),
        25 * MIN,
      );
    }

    it('leaves the clone as cloned: setup writes nothing that git tracks', () => {
      const r = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: clone, encoding: 'utf8' });
      const changed = r.stdout
        .split('\n')
        .filter(Boolean)
        // The runs that write results into the repo, as they do for a user.
        .filter((l) => !/bench\/results\//.test(l));
      const dirty = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], {
        cwd: ROOT,
        encoding: 'utf8',
      });
      const ownEdits = new Set(
        dirty.stdout
          .split('\n')
          .filter(Boolean)
          .map((l) => l.slice(3)),
      );
      expect(changed.filter((l) => !ownEdits.has(l.slice(3)))).toEqual([]);
    });
  });
});

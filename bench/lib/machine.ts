import { execFileSync } from 'node:child_process';
import { statfsSync } from 'node:fs';
import os from 'node:os';

function tryRun(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 });
  } catch (err) {
    // ffmpeg -version and friends print to stdout and exit 0; anything else is "unknown"
    const out = (err as { stdout?: string }).stdout;
    return typeof out === 'string' ? out : '';
  }
}

function lscpuField(text: string, field: string): string | null {
  const m = new RegExp(`^${field}:\\s*(.+)$`, 'm').exec(text);
  return m ? (m[1] as string).trim() : null;
}

function debVersion(pkg: string): string | null {
  const v = tryRun('dpkg-query', ['-W', '-f=${Version}', pkg]).trim();
  return v || null;
}

/** What the numbers were measured on. */
export function machineInfo(dir: string): Record<string, unknown> {
  const lscpu = tryRun('lscpu', []);
  let disk: Record<string, unknown> | null;
  try {
    const s = statfsSync(dir);
    disk = {
      path: dir,
      freeGb: Math.round((s.bavail * s.bsize) / 1e9),
      totalGb: Math.round((s.blocks * s.bsize) / 1e9),
    };
  } catch {
    disk = null;
  }
  const osRelease = tryRun('cat', ['/etc/os-release']);
  return {
    hostname: os.hostname(),
    os: /^PRETTY_NAME="?([^"\n]+)"?/m.exec(osRelease)?.[1] ?? `${os.type()} ${os.release()}`,
    kernel: os.release(),
    arch: os.arch(),
    cpuModel: lscpuField(lscpu, 'Model name') ?? os.cpus()[0]?.model ?? 'unknown',
    cpus: os.availableParallelism(),
    threadsPerCore: Number(lscpuField(lscpu, 'Thread\\(s\\) per core') ?? NaN) || null,
    hypervisor: lscpuField(lscpu, 'Hypervisor vendor'),
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    loadAverageAtStart: os.loadavg().map((x) => Math.round(x * 100) / 100),
    node: process.version,
    ffmpeg: tryRun('ffmpeg', ['-hide_banner', '-version']).split('\n')[0]?.trim() || null,
    pocketsphinx: debVersion('pocketsphinx'),
    pocketsphinxModel: debVersion('pocketsphinx-en-us'),
    disk,
  };
}

import { readdirSync, readFileSync } from 'node:fs';

/** A field of /proc/<pid>/status in kB (VmRSS, VmHWM…), or null when the process is gone. */
export function statusKb(pid: number | 'self', field: 'VmRSS' | 'VmHWM' | 'VmPeak'): number | null {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** kB (as /proc reports them) to MB as the bench reports RSS: kB / 1024, 0.1 precision. */
export function kbToMb(kb: number): number {
  return Math.round(kb / 102.4) / 10;
}

/** The fields of /proc/<pid>/stat after the comm (state, ppid, …), or null when the process is gone. */
function statFields(pid: number | string): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid …": comm may hold spaces and parentheses, so split after the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

export interface ProcEntry {
  ppid: number;
  /** Start time (field 22 of /proc/<pid>/stat): tells a process from a later one with the same pid. */
  start: string;
}

/** One pass over /proc: the parent and start time of every process. */
export function scanProc(): Map<number, ProcEntry> {
  const out = new Map<number, ProcEntry>();
  for (const name of readdirSync('/proc')) {
    const f = /^\d+$/.test(name) ? statFields(name) : null; // null too when it exited meanwhile
    if (f) out.set(Number(name), { ppid: Number(f[1]), start: f[19] as string });
  }
  return out;
}

/** A process's start time (see ProcEntry), or null when it is gone. */
export function startTimeOf(pid: number): string | null {
  return statFields(pid)?.[19] ?? null;
}

/** The pid and every descendant (by their parent ids in one scan of /proc). */
export function processTree(root: number, procs = scanProc()): number[] {
  const children = new Map<number, number[]>();
  for (const [pid, { ppid }] of procs) {
    const kids = children.get(ppid) ?? [];
    kids.push(pid);
    children.set(ppid, kids);
  }
  const out: number[] = [];
  const stack = [root];
  while (stack.length) {
    const p = stack.pop() as number;
    out.push(p);
    stack.push(...(children.get(p) ?? []));
  }
  return out;
}

/** The command name of a process (/proc/<pid>/comm), or '' when it is gone. */
export function commOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

export interface TreeSampler {
  /**
   * Stops sampling; returns the peaks seen, in MB: the tree without tsx's own esbuild service
   * (a tool of the bench, not of the platform), and the peak of each command name.
   */
  stop(): { peakTreeMb: number; peakRootMb: number; peakByCommandMb: Record<string, number>; samples: number };
}

/**
 * Samples the resident memory of a process and its descendants (ffmpeg under the chunker, say)
 * every `everyMs`. The root's own exact peak is its VmHWM; the tree's peak is the largest sum
 * seen by sampling, so it can miss a spike shorter than the interval.
 */
export function sampleTree(rootPid: number, everyMs = 100): TreeSampler {
  let peakTree = 0;
  let peakRoot = 0;
  let samples = 0;
  const byCommand = new Map<string, number>();
  const tick = () => {
    let sum = 0;
    const perCommand = new Map<string, number>();
    for (const p of processTree(rootPid)) {
      const kb = statusKb(p, 'VmRSS') ?? 0;
      const comm = commOf(p);
      perCommand.set(comm, (perCommand.get(comm) ?? 0) + kb);
      if (comm !== 'esbuild') sum += kb;
    }
    for (const [c, kb] of perCommand) byCommand.set(c, Math.max(byCommand.get(c) ?? 0, kb));
    peakTree = Math.max(peakTree, sum);
    peakRoot = Math.max(peakRoot, statusKb(rootPid, 'VmHWM') ?? 0);
    samples++;
  };
  tick();
  const timer = setInterval(tick, everyMs);
  timer.unref(); // a driver that fails before stop() must not keep the run alive
  return {
    stop() {
      clearInterval(timer);
      const peakByCommandMb = Object.fromEntries([...byCommand].filter(([c]) => c).map(([c, kb]) => [c, kbToMb(kb)]));
      return { peakTreeMb: peakTree / 1024, peakRootMb: peakRoot / 1024, peakByCommandMb, samples };
    },
  };
}

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

/** The pid and every descendant (by scanning /proc/<n>/stat for parent ids). */
export function processTree(root: number): number[] {
  const parents = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // "pid (comm) state ppid …": comm may hold spaces and parentheses, so split after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const kids = parents.get(ppid) ?? [];
      kids.push(Number(name));
      parents.set(ppid, kids);
    } catch {
      // exited meanwhile
    }
  }
  const out: number[] = [];
  const stack = [root];
  while (stack.length) {
    const p = stack.pop() as number;
    out.push(p);
    stack.push(...(parents.get(p) ?? []));
  }
  return out;
}

/** The command name of a process (/proc/<pid>/comm), or '' when it is gone. */
function commOf(pid: number): string {
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
      const peakByCommandMb = Object.fromEntries(
        [...byCommand].filter(([c]) => c).map(([c, kb]) => [c, Math.round(kb / 102.4) / 10]),
      );
      return { peakTreeMb: peakTree / 1024, peakRootMb: peakRoot / 1024, peakByCommandMb, samples };
    },
  };
}

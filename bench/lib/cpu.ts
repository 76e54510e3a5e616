import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/** Linux clock ticks per second (USER_HZ); 100 on every mainstream kernel. */
const HZ = 100;

interface Snapshot {
  wallMs: number;
  busyTicks: number;
  stealTicks: number;
  oursTicks: number;
}

function snap(): Snapshot {
  const cpu = (readFileSync('/proc/stat', 'utf8').split('\n')[0] as string).trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = cpu;
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14–17 of /proc/<pid>/stat (utime, stime, cutime, cstime) are at 11–14 after the comm.
  const ours = Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
  return { wallMs: Date.now(), busyTicks: user + nice + system + irq + softirq, stealTicks: steal, oursTicks: ours };
}

/**
 * How much of the machine others used while a benchmark ran: every CPU second the kernel counted
 * as busy, minus this process and the children it has reaped (whose times the kernel adds to
 * ours when they exit, grandchildren included). Other sessions' jobs on a shared machine skew
 * every time measured here, so each figure carries this.
 */
export function cpuMeter(): {
  stop(): {
    wallS: number;
    cores: number;
    busyCpuS: number;
    benchCpuS: number;
    othersCpuS: number;
    othersShareOfMachine: number;
    stealCpuS: number;
  };
} {
  const a = snap();
  return {
    stop() {
      const b = snap();
      const wallS = (b.wallMs - a.wallMs) / 1000;
      const cores = availableParallelism();
      const busy = (b.busyTicks - a.busyTicks) / HZ;
      const ours = (b.oursTicks - a.oursTicks) / HZ;
      const others = Math.max(0, busy - ours);
      const r = (x: number) => Math.round(x * 10) / 10;
      return {
        wallS: r(wallS),
        cores,
        busyCpuS: r(busy),
        benchCpuS: r(ours),
        othersCpuS: r(others),
        othersShareOfMachine: wallS > 0 ? Math.round((others / (wallS * cores)) * 1000) / 1000 : 0,
        stealCpuS: r((b.stealTicks - a.stealTicks) / HZ),
      };
    },
  };
}

/** CPU seconds a process has used, itself plus the children it has reaped (grandchildren included). */
export function processCpuS(pid: number | 'self'): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / HZ;
  } catch {
    return null;
  }
}

/** processCpuS summed over several processes (the services of the distributed mode); null if one is gone. */
export function processesCpuS(pids: readonly number[]): number | null {
  let sum = 0;
  for (const p of pids) {
    const s = processCpuS(p);
    if (s === null) return null;
    sum += s;
  }
  return sum;
}

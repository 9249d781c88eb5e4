/**
 * Who used the CPU while a bench measured: the bench's own processes (this one, the runtimes and databases it
 * starts, their workers) or others. The 1-minute load average cannot tell them apart, and on a 2-core machine the
 * webhook, close and cost benches push it above 1 by themselves; what makes figures noisy is the CPU that *other*
 * processes took. Linux's /proc has both sides in the same unit (clock ticks): the machine's busy ticks
 * (/proc/stat) and each process's user and system ticks, its reaped children's included (/proc/<pid>/stat).
 *
 *   others' ticks = Δ machine busy − Δ (this process + its reaped children + its live descendants)
 *
 * A descendant alive at the start and reaped before the end moves from "live" into its parent's reaped-children
 * ticks, so it is counted once. Where /proc cannot be read (not Linux), `others` is undefined and only the load
 * average is reported.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Busy and total ticks of all CPUs from /proc/stat's first line (idle and iowait are not busy). */
export const parseProcStat = (text: string): { busy: number; total: number } => {
  const line = text.split('\n', 1)[0] ?? '';
  const fields = line.trim().split(/\s+/);
  if (fields[0] !== 'cpu') throw new Error(`unexpected /proc/stat first line: ${line}`);
  // user nice system idle iowait irq softirq steal [guest guest_nice]: guest time is already inside user and nice.
  const [user, nice, system, idle, iowait, irq, softirq, steal] = fields
    .slice(1, 9)
    .map((f) => Number(f) || 0);
  const busy = (user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0);
  return { busy, total: busy + (idle ?? 0) + (iowait ?? 0) };
};

/** A process's parent and its CPU ticks (user + system, its reaped children's too) from /proc/<pid>/stat. */
export const parsePidStat = (text: string): { ppid: number; ticks: number } => {
  // The command name (field 2) is in parentheses and may hold spaces or ")": the fields follow the last ")".
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state): ppid is field 4, utime 14, stime 15, cutime 16, cstime 17.
  const at = (field: number) => Number(rest[field - 3]) || 0;
  return { ppid: at(4), ticks: at(14) + at(15) + at(16) + at(17) };
};

/** This process's ticks plus every live descendant's (`stats`: pid → its parsed stat). */
export const treeTicks = (
  root: number,
  stats: ReadonlyMap<number, { ppid: number; ticks: number }>,
): number => {
  const children = new Map<number, number[]>();
  for (const [pid, s] of stats) {
    const siblings = children.get(s.ppid);
    if (siblings) siblings.push(pid);
    else children.set(s.ppid, [pid]);
  }
  let ticks = 0;
  const todo = [root];
  for (let pid = todo.pop(); pid !== undefined; pid = todo.pop()) {
    ticks += stats.get(pid)?.ticks ?? 0;
    todo.push(...(children.get(pid) ?? []));
  }
  return ticks;
};

interface Sample {
  busy: number;
  total: number;
  own: number;
}

const sample = (): Sample | undefined => {
  try {
    const machine = parseProcStat(readFileSync('/proc/stat', 'utf8'));
    const stats = new Map<number, { ppid: number; ticks: number }>();
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      try {
        stats.set(Number(name), parsePidStat(readFileSync(`/proc/${name}/stat`, 'utf8')));
      } catch {
        // The process ended between the listing and the read.
      }
    }
    return { ...machine, own: treeTicks(process.pid, stats) };
  } catch {
    return undefined;
  }
};

/** Cores' worth of CPU between two samples: the machine's busy share, and the part other processes took. */
export const coresBetween = (a: Sample, b: Sample, cpus: number): { busy: number; others: number } => {
  const total = Math.max(1, b.total - a.total);
  const busy = Math.max(0, b.busy - a.busy);
  const others = Math.max(0, busy - Math.max(0, b.own - a.own));
  const round = (n: number) => Math.round(n * 100) / 100;
  return { busy: round((busy / total) * cpus), others: round((others / total) * cpus) };
};

/** Starts counting; `end()` gives the cores used meanwhile by the machine and by processes outside this bench. */
export const watchCpu = (cpus: number) => {
  const start = sample();
  return {
    end(): { busy: number; others: number } | undefined {
      const stop = sample();
      return start && stop ? coresBetween(start, stop, cpus) : undefined;
    },
  };
};

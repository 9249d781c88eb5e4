import { describe, expect, it } from 'vitest';
import { coresBetween, parsePidStat, parseProcStat, treeTicks } from '../../bench/machine-load';
import { noisy } from '../../bench/report';

describe('CPU taken by other processes while a bench measures', () => {
  it('reads busy and total ticks from /proc/stat, idle and iowait not busy', () => {
    const text = 'cpu  100 5 50 800 40 3 2 0 7 0\ncpu0 50 2 25 400 20 1 1 0 0 0\nintr 1 2 3\n';
    expect(parseProcStat(text)).toEqual({ busy: 160, total: 1000 });
    expect(() => parseProcStat('intr 1 2\n')).toThrow(/first line/);
  });

  it("reads a process's parent and ticks, reaped children included, whatever its name holds", () => {
    // Fields 3.. after the name: state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime ...
    const stat = '4242 (node (a) b) S 4200 4242 4200 0 -1 4194560 100 0 0 0 70 30 12 8 20 0 11 0 5 6 7';
    expect(parsePidStat(stat)).toEqual({ ppid: 4200, ticks: 70 + 30 + 12 + 8 });
  });

  it('sums a process tree: descendants yes, siblings and parents no', () => {
    const stats = new Map([
      [1, { ppid: 0, ticks: 1000 }],
      [10, { ppid: 1, ticks: 5 }], // the bench
      [11, { ppid: 10, ticks: 40 }], // its runtime
      [12, { ppid: 11, ticks: 30 }], // the runtime's database
      [20, { ppid: 1, ticks: 500 }], // another session's test run
    ]);
    expect(treeTicks(10, stats)).toBe(75);
    expect(treeTicks(99, stats)).toBe(0);
  });

  it("gives cores: the machine's busy share and what is left once the bench's own ticks are taken out", () => {
    const a = { busy: 1000, total: 5000, own: 300 };
    // 200 ticks of 2 cores = 1 s; 180 busy, of which the bench's tree took 150.
    const b = { busy: 1180, total: 5200, own: 450 };
    expect(coresBetween(a, b, 2)).toEqual({ busy: 1.8, others: 0.3 });
    // The bench's count can run ahead of /proc/stat's by a tick: never negative.
    expect(coresBetween(a, { busy: 1100, total: 5200, own: 420 }, 2).others).toBe(0);
  });

  it('calls a section noisy on other processes where they are known, else on the load average', () => {
    expect(noisy({ load: 2.4, cpu: { busy: 1.9, others: 0.05 } })).toBe(false);
    expect(noisy({ load: 0.8, cpu: { busy: 1.2, others: 0.6 } })).toBe(true);
    expect(noisy({ load: 1.3 })).toBe(true);
    expect(noisy({ load: 0.7 })).toBe(false);
  });
});

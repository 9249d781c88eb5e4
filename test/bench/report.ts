/**
 * How `npm run bench` reports: each figure beside its target and the previous run's figure (read from
 * bench-results/latest.json before this run replaces it; the format is in bench-results/README.md), and a warning
 * when other processes took the CPU while a section measured (the figures are then noisy; machine-load.ts).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname } from 'node:path';
import { watchCpu } from './machine-load';

export type Results = Record<string, unknown>;

/**
 * A figure: where it is in the results (keys; an array element is found by `key=value`), how to show it, and its
 * target (`max`: at most, `min`: at least, `eq`: exactly).
 */
export interface Figure {
  label: string;
  path: string[];
  /** Shown value = stored value × scale (bytes → KB). */
  scale?: number;
  digits?: number;
  target?: { max: number } | { min: number } | { eq: number };
}

const step = (v: unknown, key: string): unknown => {
  if (Array.isArray(v)) {
    const [k, want] = key.split('=') as [string, string];
    return v.find((e) => String((e as Record<string, unknown>)?.[k]) === want);
  }
  return typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[key] : undefined;
};

export const valueAt = (results: Results | undefined, path: readonly string[]): number | undefined => {
  const v = path.reduce<unknown>((acc, key) => step(acc, key), results);
  if (typeof v === 'boolean') return v ? 1 : 0;
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
};

const targetText = (t: Figure['target']): string =>
  !t ? '' : 'max' in t ? `≤ ${t.max}` : 'min' in t ? `≥ ${t.min}` : `= ${t.eq}`;

const meets = (t: Figure['target'], v: number): boolean =>
  !t || ('max' in t ? v <= t.max : 'min' in t ? v >= t.min : v === t.eq);

/** The rows printed for one section: figure, now, target, met, previous run. */
export const figureRows = (figures: readonly Figure[], now: Results, previous: Results | undefined) =>
  figures.map((f) => {
    const scale = f.scale ?? 1;
    const digits = f.digits ?? 1;
    const v = valueAt(now, f.path);
    const p = valueAt(previous, f.path);
    const shown = v === undefined ? undefined : v * scale;
    return {
      figure: f.label,
      now: shown === undefined ? 'n/a' : shown.toFixed(digits),
      target: targetText(f.target),
      met:
        shown === undefined || !f.target ? '' : meets(f.target, Number(shown.toFixed(digits))) ? 'yes' : 'NO',
      previous: p === undefined ? '' : (p * scale).toFixed(digits),
    };
  });

export const printFigures = (
  title: string,
  figures: readonly Figure[],
  now: Results,
  previous: Results | undefined,
) => {
  console.log(`\n${title}`);
  console.table(figureRows(figures, now, previous));
};

/** The last run's results, if any (a file that does not parse is ignored with a note: it is only a comparison). */
export const readPrevious = (file: string): Results | undefined => {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Results;
  } catch {
    process.stderr.write(`${file} does not parse; no previous figures to compare with\n`);
    return undefined;
  }
};

/** What `watchLoad` saw while a section measured. */
export interface SectionLoad {
  /** The highest 1-minute load average. */
  load: number;
  /** Cores' worth of CPU the machine was busy, and the part processes outside this bench took (Linux only). */
  cpu?: { busy: number; others: number };
}

/** Above this many cores taken by other processes, a section's figures are reported as noisy. */
export const OTHERS_NOISY_CORES = 0.25;

/** Whether a section's figures were disturbed: by other processes' CPU where known, else by the load average. */
export const noisy = (l: SectionLoad): boolean => (l.cpu ? l.cpu.others > OTHERS_NOISY_CORES : l.load > 1);

/**
 * Samples the 1-minute load average every 2 s while a section measures and counts the CPU other processes took
 * (machine-load.ts). `end` warns on stderr when other processes competed for the CPU; a load average above 1 that
 * the bench made itself (its runtimes and databases keep both cores busy) is said once, without a warning.
 */
export const watchLoad = (section: string) => {
  let max = loadavg()[0] ?? 0;
  const cpu = watchCpu(cpus().length);
  const timer = setInterval(() => {
    max = Math.max(max, loadavg()[0] ?? 0);
  }, 2000);
  timer.unref();
  return {
    end(): SectionLoad {
      clearInterval(timer);
      max = Math.max(max, loadavg()[0] ?? 0);
      const seen: SectionLoad = { load: Math.round(max * 100) / 100 };
      const used = cpu.end();
      if (used) seen.cpu = used;
      const others = used ? `; other processes used ${used.others} of ${used.busy} busy cores` : '';
      if (noisy(seen))
        process.stderr.write(
          `WARNING: load average ${seen.load}${others} while measuring ${section}: these figures are noisy; ` +
            'run again on a quiet machine before comparing\n',
        );
      else if (seen.load > 1)
        process.stderr.write(
          `load average ${seen.load} while measuring ${section}, the bench's own${others}: not disturbed\n`,
        );
      return seen;
    },
  };
};

/**
 * Writes this run's results over the previous file. A partial run (QF_BENCH_SKIP) replaces the sections it measured
 * and keeps the others from before, each with the time of the run that measured it (`measuredAt`).
 */
export const writeResults = (file: string, previous: Results | undefined, results: Results): void => {
  const measuredAt = { ...((previous?.measuredAt as Record<string, string>) ?? {}) };
  for (const section of Object.keys(results))
    if (!['at', 'node', 'load', 'cpu'].includes(section)) measuredAt[section] = results.at as string;
  mkdirSync(dirname(file), { recursive: true });
  const merged = {
    ...previous,
    ...results,
    load: { ...(previous?.load as object), ...(results.load as object) },
    cpu: { ...(previous?.cpu as object), ...(results.cpu as object) },
    measuredAt,
  };
  writeFileSync(file, `${JSON.stringify(merged, null, 2)}\n`);
};

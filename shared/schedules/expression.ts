/**
 * AWS EventBridge Scheduler schedule expressions: cron(), rate() and at().
 *
 * Parsing validates what AWS validates (field ranges, allowed wildcards per field, the day-of-month /
 * day-of-week '?' rule, singular/plural rate units), so tenant config fails before deploy, not at
 * CreateSchedule. Evaluation gives the UTC instants a schedule fires at, for the local scheduler.
 *
 * DST (cron and at only; rate is real elapsed time, as AWS documents):
 * - Repeated local time (fall back): fires once, at the first occurrence. This is AWS's documented
 *   behaviour ("your schedule runs only once and does not repeat its invocation"), for every cron.
 * - Nonexistent local time (spring forward): AWS documents that the invocation is skipped. By default
 *   we instead fire at the first valid instant after the gap (e.g. 02:30 -> 03:00 in New York), so a
 *   daily job never loses a day; pass `dstGap: 'skip'` to reproduce AWS exactly. Several nonexistent
 *   times (every-15-minutes jobs) collapse into that one fire.
 */
import { Cron } from 'croner';
import { DomainError } from '../errors';

export class ScheduleExpressionError extends DomainError {
  override readonly name = 'ScheduleExpressionError';
  /** The expression (or local time) that was rejected, if known. */
  expression: string | undefined;
  constructor(message: string, expression?: string) {
    super('invalid_schedule', message);
    this.expression = expression;
  }
}

export type CronFields = {
  minutes: string;
  hours: string;
  dayOfMonth: string;
  month: string;
  dayOfWeek: string;
  year: string;
};
export type RateUnit = 'minute' | 'minutes' | 'hour' | 'hours' | 'day' | 'days';
export type ScheduleExpression =
  /** `fields` are upper-cased; `expression` is the input as given (trimmed). */
  | { kind: 'cron'; expression: string; fields: CronFields }
  | { kind: 'rate'; value: number; unit: RateUnit; everyMs: number }
  /** local wall-clock time, yyyy-mm-ddThh:mm:ss, in the schedule's time zone */
  | { kind: 'at'; local: string };

export type FireTimeOptions = {
  /** IANA zone the cron / at expression is read in (AWS ScheduleExpressionTimezone). */
  timeZone: string;
  /** Fires strictly after this instant. */
  after: Date;
  /** Fires at or before this instant. */
  until?: Date;
  /** At most this many fires (default 100). */
  limit?: number;
  /** rate(): fires at startAnchor + k * everyMs (default: `after`, so the first fire is after + everyMs). */
  startAnchor?: Date;
  /** cron(): what to do with a local time that doesn't exist (see the module comment). Default 'shift'. */
  dstGap?: 'shift' | 'skip';
};

const DAY_MS = 86_400_000;
const UNIT_MS = { minute: 60_000, hour: 3_600_000, day: DAY_MS };
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT']; // AWS: 1 = SUN

/** `wild`: the wildcards AWS allows in the field, from the EventBridge cron table. */
type FieldSpec = {
  key: keyof CronFields;
  label: string;
  min: number;
  max: number;
  wild: string;
  names?: string[];
};
const FIELDS: FieldSpec[] = [
  { key: 'minutes', label: 'minutes', min: 0, max: 59, wild: ',-*/' },
  { key: 'hours', label: 'hours', min: 0, max: 23, wild: ',-*/' },
  { key: 'dayOfMonth', label: 'day-of-month', min: 1, max: 31, wild: ',-*?/LW' },
  { key: 'month', label: 'month', min: 1, max: 12, wild: ',-*/', names: MONTHS },
  { key: 'dayOfWeek', label: 'day-of-week', min: 1, max: 7, wild: ',-*?L#', names: DAYS },
  { key: 'year', label: 'year', min: 1970, max: 2199, wild: ',-*/' },
];

export function parseScheduleExpression(expr: string): ScheduleExpression {
  const text = expr.trim();
  const m = /^(cron|rate|at)\((.*)\)$/s.exec(text);
  try {
    if (!m)
      throw new ScheduleExpressionError(
        `schedule expression must be cron(...), rate(...) or at(...), got '${expr}'`,
      );
    const body = (m[2] ?? '').trim();
    if (m[1] === 'rate') return parseRate(body);
    if (m[1] === 'at') return { kind: 'at', local: checkLocal(body) };
    return { kind: 'cron', expression: text, fields: parseCronFields(body) };
  } catch (e) {
    if (e instanceof ScheduleExpressionError) e.expression = expr;
    throw e;
  }
}

function parseRate(body: string): ScheduleExpression {
  const parts = body.split(/\s+/);
  if (parts.length !== 2)
    throw new ScheduleExpressionError('rate(): expected rate(value unit), e.g. rate(5 minutes)');
  const [raw = '', unit = ''] = parts;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < 1)
    throw new ScheduleExpressionError(`rate(): value must be a positive integer, got '${raw}'`);
  if (!/^(minute|hour|day)s?$/.test(unit)) {
    throw new ScheduleExpressionError(`rate(): unit must be minute(s), hour(s) or day(s), got '${unit}'`);
  }
  // AWS rejects rate(1 minutes) and rate(5 minute).
  const singular = unit.replace(/s$/, '') as keyof typeof UNIT_MS;
  if (value === 1 && unit !== singular) {
    throw new ScheduleExpressionError(`rate(): value 1 needs the singular unit '${singular}', got '${unit}'`);
  }
  if (value !== 1 && unit === singular) {
    throw new ScheduleExpressionError(
      `rate(): value ${value} needs the plural unit '${unit}s', got '${unit}'`,
    );
  }
  return { kind: 'rate', value, unit: unit as RateUnit, everyMs: value * UNIT_MS[singular] };
}

function parseCronFields(body: string): CronFields {
  const parts = body === '' ? [] : body.toUpperCase().split(/\s+/);
  if (parts.length !== 6) {
    throw new ScheduleExpressionError(
      `cron() needs 6 fields (minutes hours day-of-month month day-of-week year), got ${parts.length}`,
    );
  }
  const [minutes = '', hours = '', dayOfMonth = '', month = '', dayOfWeek = '', year = ''] = parts;
  const fields: CronFields = { minutes, hours, dayOfMonth, month, dayOfWeek, year };
  for (const spec of FIELDS) checkField(spec, fields[spec.key]);
  const domAny = dayOfMonth === '?';
  const dowAny = dayOfWeek === '?';
  if (domAny && dowAny) {
    throw new ScheduleExpressionError(
      "cron(): day-of-month and day-of-week cannot both be '?'; specify one of them",
    );
  }
  if (!domAny && !dowAny) {
    throw new ScheduleExpressionError(
      "cron(): day-of-month and day-of-week cannot both be specified; one must be '?'",
    );
  }
  compileCron(fields); // croner's own checks, as a backstop
  return fields;
}

function checkField(spec: FieldSpec, field: string): void {
  const fail = (msg: string) => new ScheduleExpressionError(`cron(): ${msg}`);
  for (const ch of ['?', '/', '#']) {
    if (field.includes(ch) && !spec.wild.includes(ch)) {
      throw fail(
        ch === '?'
          ? `'?' is only allowed in day-of-month or day-of-week, not in ${spec.label}`
          : `'${ch}' is not allowed in ${spec.label}`,
      );
    }
  }
  if (field === '?') return;
  if (field.includes('?')) throw fail(`'?' must be the whole ${spec.label} field`);
  const value = (token: string): number => {
    // names are 1-based like AWS numbers: JAN=1, SUN=1; an unknown name lands below min
    const n = /^\d+$/.test(token) ? Number(token) : (spec.names?.indexOf(token) ?? -1) + spec.min;
    if (!(n >= spec.min && n <= spec.max)) {
      const alt =
        spec.names &&
        ` (or ${spec.names[0]}-${spec.names.at(-1)}${spec.names === DAYS ? '; AWS uses 1=SUN' : ''})`;
      throw fail(`${spec.label} value '${token}' is out of range ${spec.min}-${spec.max}${alt ?? ''}`);
    }
    return n;
  };
  const token = spec.names ? '\\d+|[A-Z]{3}' : '\\d+';
  for (const item of field.split(',')) {
    // AWS extras: day-of-month L, LW, nW (weekday nearest n); day-of-week L (= SAT), nL (last n-day), n#k
    const extra =
      spec.key === 'dayOfMonth'
        ? /^(?:LW?|(\d+)W)$/.exec(item)
        : spec.key === 'dayOfWeek'
          ? new RegExp(`^(?:L|(${token})(?:L|#(\\d+)))$`).exec(item)
          : null;
    if (extra) {
      if (extra[1] !== undefined) value(extra[1]);
      const k = extra[2] === undefined ? 1 : Number(extra[2]);
      if (!(k >= 1 && k <= 5)) throw fail(`day-of-week '${item}' needs an occurrence 1-5 after '#'`);
      continue;
    }
    const m = new RegExp(`^(?:(\\*)|(${token})(?:-(${token}))?)(?:/(\\d+))?$`).exec(item);
    if (!m) throw fail(`invalid ${spec.label} value '${item}'`);
    if (m[2] !== undefined) {
      const lo = value(m[2]);
      if (m[3] !== undefined && value(m[3]) < lo)
        throw fail(`${spec.label} range '${m[2]}-${m[3]}' runs backwards`);
    }
    if (m[4] !== undefined && !(Number(m[4]) >= 1))
      throw fail(`${spec.label} step '${m[4]}' must be a positive integer`);
  }
}

/**
 * AWS fields -> croner 7-part pattern (seconds first, year last). croner does the field matching
 * natively: alternativeWeekdays gives AWS's 1=SUN..7=SAT, sloppyRanges accepts AWS's `0/15`, and
 * the year field, L, W and # work as AWS means them (see the tests). Only `?` -> `*` and a lone
 * day-of-week `L` (last day of the week = Saturday, which croner rejects) need rewriting. One of
 * day-of-month/day-of-week is always `*` here, so domAndDow (AND) never changes a result; it is set
 * so the two can never widen each other the Unix-cron (OR) way.
 *
 * It runs in UTC over *local wall-clock time*; DST is handled in cronFireTimes, because croner's
 * own timezone mode runs "interval" patterns (lists, ranges, steps such as 0/30 or 30 1,2) on both
 * passes of a repeated hour and skips them in a gap, unlike AWS.
 */
function compileCron(f: CronFields): Cron {
  const any = (s: string) => (s === '?' ? '*' : s);
  const dow = any(f.dayOfWeek)
    .split(',')
    .map((i) => (i === 'L' ? '7' : i))
    .join(',');
  const pattern = `0 ${f.minutes} ${f.hours} ${any(f.dayOfMonth)} ${f.month} ${dow} ${f.year}`;
  try {
    return new Cron(pattern, {
      timezone: 'UTC',
      mode: '7-part',
      alternativeWeekdays: true,
      sloppyRanges: true,
      domAndDow: true,
    });
  } catch (e) {
    throw new ScheduleExpressionError(`cron(): ${e instanceof Error ? e.message : String(e)}`);
  }
}

export function nextFireTimes(expr: ScheduleExpression, opts: FireTimeOptions): Date[] {
  const limit = opts.limit ?? 100;
  const after = opts.after.getTime();
  const until = opts.until?.getTime() ?? Number.POSITIVE_INFINITY;
  if (limit < 1) return [];
  if (expr.kind === 'rate') {
    const anchor = (opts.startAnchor ?? opts.after).getTime();
    const out: Date[] = [];
    const first = anchor > after ? 0 : Math.floor((after - anchor) / expr.everyMs) + 1;
    for (let k = first; out.length < limit; k++) {
      const t = anchor + k * expr.everyMs;
      if (t > until) break;
      out.push(new Date(t));
    }
    return out;
  }
  if (expr.kind === 'at') {
    const t = zonedLocalToUtc(expr.local, opts.timeZone).getTime();
    return t > after && t <= until ? [new Date(t)] : [];
  }
  return cronFireTimes(
    compileCron(expr.fields),
    opts.timeZone,
    { after, until, limit },
    opts.dstGap ?? 'shift',
  );
}

export function nextFireTime(
  expr: ScheduleExpression,
  opts: Omit<FireTimeOptions, 'limit'>,
): Date | undefined {
  return nextFireTimes(expr, { ...opts, limit: 1 })[0];
}

type Window = { after: number; until: number; limit: number };

/**
 * Walk croner's matches in local wall-clock time (always increasing, so each local time is seen
 * once) and map each to an instant. Overlaps map to the first occurrence, so a match already
 * behind `after`/the previous fire - the second pass of a repeated hour - is dropped.
 */
function cronFireTimes(cron: Cron, tz: string, w: Window, gap: 'shift' | 'skip'): Date[] {
  const { after, until, limit } = w;
  const out: Date[] = [];
  let cursor: Date | null = new Date(wallClock(after, tz));
  let last = after;
  // bound: at most ~an hour of minute matches are dropped per DST change
  for (let guard = 0; out.length < limit && guard < limit + 10_000; guard++) {
    cursor = cron.nextRun(cursor);
    if (!cursor) break;
    const { ms, inGap } = resolveWallClock(cursor.getTime(), tz);
    if (ms > until) break;
    if ((inGap && gap === 'skip') || ms <= last) continue;
    out.push(new Date(ms));
    last = ms;
  }
  return out;
}

/** Instant of a local wall-clock time; nonexistent (gap) times map to the end of the gap, repeated ones to the first. */
export function zonedLocalToUtc(local: string, timeZone: string): Date {
  return new Date(resolveWallClock(Date.parse(`${checkLocal(local)}Z`), timeZone).ms);
}

/**
 * `at(yyyy-mm-ddThh:mm:ss)` for an instant, in the zone's wall-clock time (seconds kept). An instant in
 * the second pass of a repeated hour reads back as the first pass; an at() string can't say which.
 */
export function formatAtExpression(date: Date, timeZone: string): string {
  return `at(${new Date(wallClock(date.getTime(), timeZone)).toISOString().slice(0, 19)})`;
}

function checkLocal(local: string): string {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(local)) {
    throw new ScheduleExpressionError(`at(): expected yyyy-mm-ddThh:mm:ss, got '${local}'`, local);
  }
  // Date.parse accepts 2026-02-30; a round trip catches it
  const ms = Date.parse(`${local}Z`);
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 19) !== local) {
    throw new ScheduleExpressionError(`at(): '${local}' is not a real date and time`, local);
  }
  return local;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    try {
      const n = 'numeric';
      const opts = { year: n, month: n, day: n, hour: n, minute: n, second: n } as const;
      f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', ...opts });
    } catch {
      throw new ScheduleExpressionError(`unknown time zone '${timeZone}'`);
    }
    formatters.set(timeZone, f);
  }
  return f;
}

/** Local wall-clock time of an instant, as a "UTC" epoch ms (whole seconds). */
function wallClock(ms: number, tz: string): number {
  const p: Record<string, number> = {};
  for (const { type, value } of formatter(tz).formatToParts(ms)) p[type] = Number(value);
  return Date.UTC(p.year ?? 0, (p.month ?? 1) - 1, p.day ?? 1, p.hour ?? 0, p.minute ?? 0, p.second ?? 0);
}

const offsetAt = (ms: number, tz: string) => wallClock(ms, tz) - Math.floor(ms / 1000) * 1000;

/** Wall-clock ms -> instant. Assumes at most one offset change within a day either side (true of real zones). */
function resolveWallClock(wall: number, tz: string): { ms: number; inGap: boolean } {
  const before = offsetAt(wall - DAY_MS, tz);
  const later = offsetAt(wall + DAY_MS, tz);
  const hits = [wall - before, wall - later].filter((ms) => wallClock(ms, tz) === wall);
  if (hits.length > 0) return { ms: Math.min(...hits), inGap: false };
  // Gap: binary-search the transition instant, i.e. the first valid time after the gap.
  let lo = wall - later; // still on the old offset
  let hi = wall - before; // already on the new one
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
    if (offsetAt(mid, tz) === before) lo = mid;
    else hi = mid;
  }
  return { ms: hi, inGap: true };
}

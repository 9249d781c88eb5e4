/**
 * Statements: per rep per period, the credited deals, attainment, every line with its trace, draws and the total
 * payable. A statement is plain strings and numbers, so its content hash (sha256 of canonical JSON: keys sorted,
 * undefined dropped) is the same wherever it is recomputed, and a frozen statement can be verified later.
 */
import { createHash } from 'node:crypto';
import type { SegmentSummary } from './calculate';
import type { CreditRecord } from './credit';
import type { Line, LineKind, Trace } from './lines';
import { Dec, moneyString, sum } from './money';
import type { Locale } from './plan';

export const STATEMENT_FORMAT = 'quotaflow.incentive-statement/1';

export interface StatementLine {
  key: string;
  kind: LineKind;
  componentId?: string;
  dealId?: string;
  amount: string;
  trace: Trace;
  origin?: { periodKey: string; key: string };
}

export interface Statement {
  format: typeof STATEMENT_FORMAT;
  repId: string;
  periodKey: string;
  periodStart: string;
  periodEnd: string;
  currency: string;
  locale: Locale;
  segments: SegmentSummary[];
  credits: CreditRecord[];
  lines: StatementLine[];
  /** Closed periods of this rep restated by this close: their effective credits from now on. */
  restatements: { periodKey: string; credits: CreditRecord[] }[];
  totals: { credited: string; earnings: string; adjustments: string; draws: string; payable: string };
  drawBalance: { before: string; after: string };
  hash: string;
}

const canonical = (value: unknown): string => {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value))
    return `[${value.map((v) => (v === undefined ? 'null' : canonical(v))).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(obj[k])}`).join(',')}}`;
};
export const canonicalJson = canonical;

export const statementHash = (s: Omit<Statement, 'hash'> & { hash?: string }): string => {
  const { hash: _omit, ...content } = s;
  return createHash('sha256').update(canonical(content)).digest('hex');
};

/** True when the stored statement still matches its hash (nothing rewrote it). */
export const verifyStatement = (s: Statement): boolean => statementHash(s) === s.hash;

export const toStatementLine = (l: Line, currency: string): StatementLine => {
  const out: StatementLine = {
    key: l.key,
    kind: l.kind,
    amount: moneyString(l.amount, currency),
    trace: l.trace,
  };
  if (l.componentId !== undefined) out.componentId = l.componentId;
  if (l.dealId !== undefined) out.dealId = l.dealId;
  if (l.origin !== undefined) out.origin = l.origin;
  return out;
};

const ADJUSTING: ReadonlySet<LineKind> = new Set(['adjustment', 'clawback']);

export const buildStatement = (input: {
  repId: string;
  periodKey: string;
  periodStart: string;
  periodEnd: string;
  currency: string;
  locale: Locale;
  segments: SegmentSummary[];
  credits: CreditRecord[];
  lines: Line[];
  restatements?: { periodKey: string; credits: CreditRecord[] }[];
  drawBalanceBefore: Dec;
  drawBalanceAfter: Dec;
}): Statement => {
  const c = input.currency;
  const of = (pick: (l: Line) => boolean) => sum(input.lines.filter(pick).map((l) => l.amount));
  const draws = of((l) => l.kind === 'draw');
  const adjustments = of((l) => ADJUSTING.has(l.kind));
  const earnings = of((l) => l.kind !== 'draw' && !ADJUSTING.has(l.kind));
  const body: Omit<Statement, 'hash'> = {
    format: STATEMENT_FORMAT,
    repId: input.repId,
    periodKey: input.periodKey,
    periodStart: input.periodStart,
    periodEnd: input.periodEnd,
    currency: c,
    locale: input.locale,
    segments: input.segments,
    credits: input.credits,
    lines: input.lines.map((l) => toStatementLine(l, c)),
    restatements: input.restatements ?? [],
    totals: {
      credited: moneyString(sum(input.credits.map((x) => new Dec(x.amount))), c),
      earnings: moneyString(earnings, c),
      adjustments: moneyString(adjustments, c),
      draws: moneyString(draws, c),
      // Totals are sums of rounded lines: never rounded again.
      payable: moneyString(earnings.plus(adjustments).plus(draws), c),
    },
    drawBalance: {
      before: moneyString(input.drawBalanceBefore, c),
      after: moneyString(input.drawBalanceAfter, c),
    },
  };
  return { ...body, hash: statementHash(body) };
};

export const statementJson = (s: Statement): string => JSON.stringify(s, null, 2);

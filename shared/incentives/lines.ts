/**
 * Statement lines: every amount a rep is paid or charged is one line with a stable key, an amount already
 * rounded by the money rule, and a structured trace that statement.ts renders per locale. Keys are stable across
 * re-runs so that a later restatement of a closed period can be diffed line by line.
 */
import type { Dec } from './money';
import type { Micro } from './units';

export type LineKind =
  | 'commission'
  | 'spiff'
  | 'milestone'
  | 'override'
  | 'teamBonus'
  | 'cap'
  | 'gate'
  | 'adjustment'
  | 'clawback'
  | 'draw';

/** Locale-free facts behind a line; strings so that they hash and serialize exactly. */
export type Trace =
  | {
      code: 'rate';
      base: string;
      rate: string;
      tier?: number;
      tierFrom?: string;
      tierTo?: string;
      mode?: 'marginal' | 'whole';
    }
  | { code: 'fixed'; amount: string; share: string }
  | { code: 'milestone'; threshold: string; attainment: string }
  | { code: 'override'; memberId: string; base: string; rate: string }
  | {
      code: 'teamBonus';
      pool: string;
      split: 'equal' | 'proRata';
      teamCredited: string;
      goal: string;
      memberCredited: string;
    }
  | { code: 'capDeal'; cap: string; uncapped: string }
  | { code: 'capComponent'; cap: string; uncapped: string }
  | { code: 'capPeriod'; cap: string; uncapped: string }
  | { code: 'gate'; gate: string; attainment: string }
  | {
      code: 'restated';
      originPeriod: string;
      was: string;
      now: string;
      reason: 'changed' | 'reversed' | 'late';
    }
  | { code: 'drawTopUp'; guarantee: string; earnings: string; recoverable: boolean }
  | { code: 'drawRecovery'; balanceBefore: string; available: string }
  | { code: 'deficit'; earnings: string };

export interface Line {
  /** Unique within one rep's period statement, stable across runs: "<plan>@<version>:<component>|<deal>|t<tier>". */
  key: string;
  kind: LineKind;
  componentId?: string | undefined;
  dealId?: string | undefined;
  amount: Dec;
  trace: Trace;
  /** For adjustments and clawbacks: the closed period and line key this one corrects. */
  origin?: { periodKey: string; key: string } | undefined;
}

/** The engine's own form of a line: the same fields in the same order, the amount in exact micro-units. */
export type RawLine = Omit<Line, 'amount'> & { amount: Micro };

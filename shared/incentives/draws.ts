/**
 * Draws: a guaranteed payable per period while the draw runs. When earnings fall short the rep is topped up to
 * the guarantee; a recoverable draw adds the top-up to a balance that later earnings above the guarantee repay
 * (at most `recoveryShare` of that excess per period); a non-recoverable draw forgives it. Negative earnings
 * (clawbacks larger than the period's pay) are never paid out as a debt: they are carried as a balance too.
 */
import type { Line, RawLine } from './lines';
import { Dec, moneyString, roundMoney, ZERO } from './money';
import type { Period } from './periods';
import type { Plan } from './plan';
import { type Micro, microDec, toMicro } from './units';

export interface DrawOutcome {
  lines: Line[];
  balanceAfter: Dec;
}

const active = (draw: NonNullable<Plan['draw']>, period: Period) =>
  (draw.from === undefined || draw.from <= period.end) && (draw.to === undefined || draw.to >= period.start);

export const settleDraw = (
  plan: Plan | undefined,
  period: Period,
  earnings: Dec,
  balanceBefore: Dec,
): DrawOutcome => {
  const currency = plan?.currency ?? 'CNY';
  const draw = plan?.draw && active(plan.draw, period) ? plan.draw : undefined;
  const lines: Line[] = [];
  let balance = balanceBefore;
  const guarantee = draw ? new Dec(draw.amount) : ZERO;
  if (earnings.lt(0)) {
    lines.push({
      key: 'draw|deficit',
      kind: 'draw',
      amount: earnings.negated(),
      trace: { code: 'deficit', earnings: moneyString(earnings, currency) },
    });
    balance = balance.minus(earnings);
  }
  const counted = earnings.lt(0) ? ZERO : earnings;
  if (counted.lt(guarantee)) {
    const topUp = guarantee.minus(counted);
    const recoverable = draw?.type === 'recoverable';
    lines.push({
      key: 'draw|topUp',
      kind: 'draw',
      amount: topUp,
      trace: {
        code: 'drawTopUp',
        guarantee: moneyString(guarantee, currency),
        earnings: moneyString(counted, currency),
        recoverable,
      },
    });
    if (recoverable) balance = balance.plus(topUp);
    return { lines, balanceAfter: balance };
  }
  if (earnings.lt(0)) return { lines, balanceAfter: balance };
  if (balance.gt(0)) {
    const share = draw ? new Dec(draw.recoveryShare) : new Dec(1);
    const available = roundMoney(counted.minus(guarantee).times(share), currency);
    const recovered = Dec.min(balance, available);
    if (recovered.gt(0)) {
      lines.push({
        key: 'draw|recovery',
        kind: 'draw',
        amount: recovered.negated(),
        trace: {
          code: 'drawRecovery',
          balanceBefore: moneyString(balance, currency),
          available: moneyString(available, currency),
        },
      });
      balance = balance.minus(recovered);
    }
  }
  return { lines, balanceAfter: balance };
};

/**
 * settleDraw on micro-units, for the close. A rep whose plan has no draw, with nothing owed and no negative
 * earnings, settles to nothing (no line, the balance stays 0): answered without the decimal.js round trip, which
 * was a few of the close's per-rep microseconds. Anything else is settled by settleDraw itself.
 */
export const settleDrawMicro = (
  plan: Plan | undefined,
  period: Period,
  earnings: Micro,
  balanceBefore: Micro,
): { lines: RawLine[]; balanceAfter: Micro } => {
  if (!plan?.draw && earnings >= 0n && balanceBefore === 0n) return { lines: [], balanceAfter: 0n };
  const draw = settleDraw(plan, period, microDec(earnings), microDec(balanceBefore));
  return {
    lines: draw.lines.map((l) => ({ ...l, amount: toMicro(l.amount) })),
    balanceAfter: toMicro(draw.balanceAfter),
  };
};

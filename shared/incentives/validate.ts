/**
 * Cross-field rules for incentive config that a field schema cannot express. Each problem is reported at the
 * exact path of the offending value, so "plans[0].components[1].tiers[2].from: leaves a gap ..." tells the
 * author what to fix without reading the engine.
 */
import type * as z from '../../events/zod';
import { Dec } from './money';
import { parsePeriodKey } from './periods';
import type { IncentiveConfig, Plan } from './plan';

type Path = (string | number)[];
type Ctx = z.core.$RefinementCtx<IncentiveConfig>;
const END = '9999-12-31';

const overlaps = (aFrom: string, aTo: string | undefined, bFrom: string, bTo: string | undefined) =>
  aFrom <= (bTo ?? END) && bFrom <= (aTo ?? END);

/** A rep's statement has one currency, period grid, zone and credit rule, so their plans must agree on them. */
const sameBasis = (a: Plan, b: Plan) =>
  a.currency === b.currency &&
  a.period === b.period &&
  a.timeZone === b.timeZone &&
  a.credit.amountField === b.credit.amountField &&
  a.credit.dateField === b.credit.dateField;

const checkRate = (ctx: Ctx, plan: Plan, rate: string, path: Path, accelerator: boolean) => {
  const max = new Dec(accelerator ? plan.maxAcceleratorRate : plan.maxRate);
  if (new Dec(rate).gt(max)) {
    ctx.addIssue({
      code: 'custom',
      path,
      message: accelerator
        ? `rate ${rate} is above maxAcceleratorRate ${plan.maxAcceleratorRate}; raise that limit if it is meant`
        : `rate ${rate} is out of range: must be between 0 and ${plan.maxRate} (${new Dec(plan.maxRate).times(100).toFixed()}%) below 100% attainment`,
    });
  }
};

const checkTiers = (
  ctx: Ctx,
  plan: Plan,
  tiers: { from: string; to?: string | undefined; rate: string }[],
  path: Path,
) => {
  tiers.forEach((tier, i) => {
    const from = new Dec(tier.from);
    if (i === 0 && !from.isZero()) {
      ctx.addIssue({
        code: 'custom',
        path: [...path, i, 'from'],
        message: `the first tier must start at 0, not ${tier.from}`,
      });
    }
    if (tier.to !== undefined && !new Dec(tier.to).gt(from)) {
      ctx.addIssue({
        code: 'custom',
        path: [...path, i, 'to'],
        message: `must be above from (${tier.from})`,
      });
    }
    if (tier.to === undefined && i < tiers.length - 1) {
      ctx.addIssue({
        code: 'custom',
        path: [...path, i, 'to'],
        message: 'only the last tier may be open-ended',
      });
    }
    const prev = tiers[i - 1];
    if (prev?.to !== undefined) {
      const cmp = from.comparedTo(new Dec(prev.to));
      if (cmp < 0) {
        ctx.addIssue({
          code: 'custom',
          path: [...path, i, 'from'],
          message: `overlaps tier ${i - 1}, which ends at ${prev.to}`,
        });
      } else if (cmp > 0) {
        ctx.addIssue({
          code: 'custom',
          path: [...path, i, 'from'],
          message: `leaves a gap after tier ${i - 1}, which ends at ${prev.to}`,
        });
      }
    }
    checkRate(ctx, plan, tier.rate, [...path, i, 'rate'], from.gte(1));
  });
};

export const validateConfig = (config: IncentiveConfig, ctx: Ctx): void => {
  const teams = new Set(config.teams.map((t) => t.id));
  const versions = new Map<string, { index: number; plan: Plan }[]>();

  config.plans.forEach((plan, p) => {
    const path: Path = ['plans', p];
    if (plan.effectiveTo !== undefined && plan.effectiveTo < plan.effectiveFrom) {
      ctx.addIssue({
        code: 'custom',
        path: [...path, 'effectiveTo'],
        message: `is before effectiveFrom (${plan.effectiveFrom})`,
      });
    }
    for (const other of versions.get(plan.id) ?? []) {
      if (other.plan.version === plan.version) {
        ctx.addIssue({
          code: 'custom',
          path: [...path, 'version'],
          message: `plan ${plan.id} version ${plan.version} is already defined at plans[${other.index}]`,
        });
      } else if (
        overlaps(plan.effectiveFrom, plan.effectiveTo, other.plan.effectiveFrom, other.plan.effectiveTo)
      ) {
        ctx.addIssue({
          code: 'custom',
          path: [...path, 'effectiveFrom'],
          message: `version ${plan.version} overlaps version ${other.plan.version} (plans[${other.index}]); versions of a plan must not overlap`,
        });
      } else if (!sameBasis(other.plan, plan)) {
        ctx.addIssue({
          code: 'custom',
          path,
          message: `versions of plan ${plan.id} must share currency, period, timeZone and credit rules`,
        });
      }
    }
    versions.set(plan.id, [...(versions.get(plan.id) ?? []), { index: p, plan }]);

    const ids = new Set<string>();
    plan.components.forEach((c, ci) => {
      const cpath: Path = [...path, 'components', ci];
      if (ids.has(c.id))
        ctx.addIssue({
          code: 'custom',
          path: [...cpath, 'id'],
          message: `component id "${c.id}" is used twice in this plan`,
        });
      ids.add(c.id);
      switch (c.type) {
        case 'flat':
          checkRate(ctx, plan, c.rate, [...cpath, 'rate'], false);
          break;
        case 'tiered':
          checkTiers(ctx, plan, c.tiers, [...cpath, 'tiers']);
          break;
        case 'spiff':
          if ((c.fixed === undefined) === (c.rate === undefined)) {
            ctx.addIssue({
              code: 'custom',
              path: cpath,
              message: 'a SPIFF pays either fixed or rate: set exactly one',
            });
          }
          if (c.rate !== undefined) checkRate(ctx, plan, c.rate, [...cpath, 'rate'], false);
          break;
        case 'milestone':
          c.thresholds.forEach((t, ti) => {
            const prev = c.thresholds[ti - 1];
            if (prev && !new Dec(t.attainment).gt(new Dec(prev.attainment))) {
              ctx.addIssue({
                code: 'custom',
                path: [...cpath, 'thresholds', ti, 'attainment'],
                message: 'thresholds must be in increasing attainment order',
              });
            }
          });
          break;
        case 'override':
        case 'teamBonus':
          if (c.type === 'override') checkRate(ctx, plan, c.rate, [...cpath, 'rate'], false);
          if (!teams.has(c.teamId))
            ctx.addIssue({
              code: 'custom',
              path: [...cpath, 'teamId'],
              message: `no team "${c.teamId}" in teams`,
            });
          break;
      }
    });
  });

  const byRep = new Map<
    string,
    { index: number; from: string; to: string | undefined; plan: Plan | undefined }[]
  >();
  config.assignments.forEach((a, i) => {
    const path: Path = ['assignments', i];
    const candidates = versions.get(a.planId);
    if (!candidates)
      ctx.addIssue({ code: 'custom', path: [...path, 'planId'], message: `no plan "${a.planId}" in plans` });
    if (a.to !== undefined && a.to < a.from)
      ctx.addIssue({ code: 'custom', path: [...path, 'to'], message: `is before from (${a.from})` });
    const earlier = byRep.get(a.repId) ?? [];
    for (const e of earlier) {
      if (overlaps(a.from, a.to, e.from, e.to)) {
        ctx.addIssue({
          code: 'custom',
          path: [...path, 'from'],
          message: `rep ${a.repId} is already on a plan from ${e.from} to ${e.to ?? 'open end'} (assignments[${e.index}]); a rep is on one plan at a time`,
        });
      }
      const plan = candidates?.[0]?.plan;
      if (plan && e.plan && !sameBasis(plan, e.plan)) {
        ctx.addIssue({
          code: 'custom',
          path: [...path, 'planId'],
          message: `rep ${a.repId}'s plans must share currency, period, timeZone and credit rules (see assignments[${e.index}])`,
        });
      }
    }
    byRep.set(a.repId, [...earlier, { index: i, from: a.from, to: a.to, plan: candidates?.[0]?.plan }]);
  });

  config.fxRates.forEach((r, i) => {
    try {
      parsePeriodKey(r.period);
    } catch (err) {
      ctx.addIssue({ code: 'custom', path: ['fxRates', i, 'period'], message: (err as Error).message });
    }
  });
};

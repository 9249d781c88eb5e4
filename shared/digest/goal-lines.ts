/** Goal figures as the digest's goal lines: one per rep, and the team's pace as the sum of its reps' figures. */
import type { GoalFigures } from '../goals/progress';
import { Dec, moneyString } from '../incentives/money';
import type { DigestInput, GoalLine } from './model';

export const ratio = (a: string | null, b: string | null): string | null =>
  a === null || b === null || new Dec(b).isZero()
    ? null
    : new Dec(a).dividedBy(b).toDecimalPlaces(4).toFixed();

export const line = (f: GoalFigures, names: DigestInput['goalNames']): GoalLine => ({
  goal: f.goal,
  goalName: names[f.goal] ?? { en: f.goal, 'zh-CN': f.goal },
  unit: f.unit,
  actual: f.actual,
  target: f.target,
  expected: f.expected,
  attainment: f.attainment,
  expectedAttainment: ratio(f.expected, f.target),
  gap: f.gap,
  neededPerWeek: f.neededPerWeek,
  projected: f.projected,
  coverage: f.coverage,
  status: f.status,
});

/** The team's pace as the sum of its reps' figures, when no team goal says it. */
export const summed = (rows: readonly GoalFigures[], names: DigestInput['goalNames']): GoalLine | null => {
  const withTarget = rows.filter((f) => f.target !== null);
  const first = withTarget[0];
  if (!first) return null;
  const total = (pick: (f: GoalFigures) => string | null) =>
    withTarget.reduce((s, f) => s.plus(pick(f) ?? 0), new Dec(0));
  const show = (v: Dec) =>
    first.unit === 'count' ? v.toDecimalPlaces(2).toFixed() : moneyString(v, first.unit);
  const actual = show(total((f) => f.actual));
  const target = show(total((f) => f.target));
  const expected = show(total((f) => f.expected));
  const statuses = withTarget.map((f) => f.status);
  const status: GoalFigures['status'] = new Dec(actual).gte(target)
    ? 'met'
    : statuses.includes('missed')
      ? 'missed'
      : new Dec(actual).lt(expected)
        ? statuses.includes('behind')
          ? 'behind'
          : 'at_risk'
        : 'on_track';
  const projected = withTarget.every((f) => f.projected !== null) ? show(total((f) => f.projected)) : null;
  return {
    ...line({ ...first, actual, target, expected }, names),
    attainment: ratio(actual, target),
    gap: show(new Dec(expected).minus(actual)),
    neededPerWeek: show(total((f) => f.neededPerWeek)),
    projected,
    coverage: null,
    status,
  };
};

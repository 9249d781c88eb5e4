/** Small builders for incentive tests: a base plan (CNY, Asia/Shanghai, monthly, quota ¥1,000,000) and deals. */
import { type Deal, PlanBook } from '../../../shared/incentives';
import type { IncentiveConfigInput } from '../../../shared/incentives/plan';

type PlanInput = IncentiveConfigInput['plans'][number];
type ComponentInput = PlanInput['components'][number];

export const plan = (components: ComponentInput[], over: Partial<PlanInput> = {}): PlanInput => ({
  id: 'p',
  version: 1,
  name: 'Base',
  effectiveFrom: '2024-01-01',
  currency: 'CNY',
  timeZone: 'Asia/Shanghai',
  period: 'month',
  quota: '1000000.00',
  components,
  ...over,
});

export const book = (
  components: ComponentInput[],
  over: Partial<PlanInput> = {},
  rest: Partial<IncentiveConfigInput> = {},
): PlanBook =>
  PlanBook.parse({
    plans: [plan(components, over)],
    assignments: [{ repId: 'r1', planId: 'p', from: '2024-01-01' }],
    reps: [{ id: 'r1', locale: 'en' }],
    ...rest,
  });

let n = 0;
export const deal = (amount: string, date: string, over: Partial<Deal> = {}): Deal => ({
  id: `D-${String(++n).padStart(4, '0')}`,
  modifiedAt: `${date}T02:00:00Z`,
  status: 'won',
  currency: 'CNY',
  amounts: { amount },
  dates: { closeDate: date },
  owners: [{ repId: 'r1', percent: '100' }],
  ...over,
});

export const TIERS = [
  { from: '0', to: '0.5', rate: '0.05' },
  { from: '0.5', to: '1', rate: '0.08' },
  { from: '1', rate: '0.12' },
];

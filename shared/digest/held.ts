/**
 * The team's won deals the incentive engine holds out of commissions, and why: the engine's own checks (the ones
 * a close reports as `held`), run over the deals the digest already read, so the digest never disagrees with the
 * statements. Each problem becomes a reason the digest words in the manager's language.
 */
import type { CanonicalRecord } from '../../events';
import type { PlanBook } from '../incentives/book';
import { creditDealsRaw } from '../incentives/credit';
import type { Problem } from '../incentives/errors';
import { dealsFromRecords } from '../incentives/source';

export type HeldReason =
  | { code: 'missing_amount'; field: string }
  | { code: 'missing_date'; field: string }
  | { code: 'no_fx_rate'; currency: string }
  | { code: 'bad_split'; detail: string }
  | { code: 'invalid'; detail: string };

const reasonOf = (p: Problem, deal: CanonicalRecord | undefined, tenantCurrency: string): HeldReason => {
  const field = /\.(amounts|dates)\.([^.]+)$/.exec(p.path);
  if (field?.[1] === 'amounts') return { code: 'missing_amount', field: field[2] as string };
  if (field?.[1] === 'dates') return { code: 'missing_date', field: field[2] as string };
  if (p.path.endsWith('.currency')) return { code: 'no_fx_rate', currency: deal?.currency ?? tenantCurrency };
  const detail = p.message.replace(/^deal [^:]+: /, '');
  if (/\.owners|\.fields\./.test(p.path)) return { code: 'bad_split', detail };
  return { code: 'invalid', detail };
};

/** Won deals of the team that the plans cannot credit, with the reason; none without plans. */
export const heldOutOfIncentives = (
  book: PlanBook | undefined,
  deals: readonly CanonicalRecord[],
  currency: string,
): { deal: CanonicalRecord; reason: HeldReason }[] => {
  if (!book) return [];
  const won = deals.filter((d) => d.status === 'won');
  const problems: Problem[] = [];
  const read = dealsFromRecords(
    won.map((record) => ({ record, deleted: false })),
    { currency, mapping: book.config.dealSource },
    'deals',
    problems,
  );
  creditDealsRaw(book, read, { held: problems });
  const out = new Map<string, { deal: CanonicalRecord; reason: HeldReason }>();
  for (const p of problems) {
    // Both readers name the deal: the source as "deal <id>.<field>" in the path, the crediting in the message.
    const deal = won.find((d) => p.path.startsWith(`deal ${d.id}.`) || p.message.startsWith(`deal ${d.id}:`));
    if (deal && !out.has(deal.id)) out.set(deal.id, { deal, reason: reasonOf(p, deal, currency) });
  }
  return won.flatMap((d) => out.get(d.id) ?? []);
};

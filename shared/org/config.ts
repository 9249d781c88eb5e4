/**
 * The tenant's own say on its organisation, on top of what the CRM reports (people and their managers): each
 * person's zone, locale and business calendar where the CRM has none, and teams. A team names its members
 * (effective-dated, so a move mid-quarter counts each person in the right team on each day) or only a manager, who
 * then leads their direct reports. Without any teams, every manager's direct reports form one (org/model.ts).
 *
 * zod/mini like every schema a function may parse.
 */
import * as z from '../../events/zod';

const id = z.lazy(() =>
  z.string().check(
    z.regex(/^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,99}$/, {
      error: 'must be 1-100 letters, digits or _.:@- starting with a letter or digit',
    }),
  ),
);
const slug = z.lazy(() =>
  z
    .string()
    .check(z.regex(/^[a-z0-9][a-z0-9-]{0,62}$/, { error: 'must be lower-case letters, digits and dashes' })),
);
const localDate = z.lazy(() => z.iso.date({ error: 'must be a date such as 2026-03-01' }));
const text = (max: number) => z.string().check(z.minLength(1), z.maxLength(max));

export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

/** Inclusive local dates; either end open. */
const span = { from: z.optional(localDate), to: z.optional(localDate) };

export const memberSchema = z.lazy(() => z.union([id, z.strictObject({ id, ...span })]));

export const teamConfigSchema = z.lazy(() =>
  z.strictObject({
    name: text(200),
    /** The team's manager; without `members`, the manager's direct reports in the CRM are the team. */
    managerId: z.optional(id),
    members: z.optional(z.array(memberSchema).check(z.minLength(1))),
    ...span,
  }),
);

export const personConfigSchema = z.lazy(() =>
  z.strictObject({
    name: z.optional(text(200)),
    email: z.optional(z.email({ error: 'must be an email address' })),
    locale: z.optional(z.enum(LOCALES)),
    /** IANA zone the person's periods and business days are counted in; the tenant's when unset. */
    timeZone: z.optional(text(100)),
    /** A calendar id of the same document; the org's default when unset. */
    calendar: z.optional(slug),
  }),
);

export const orgConfigSchema = z.lazy(() =>
  z.strictObject({
    /** The calendar people get unless they name another ("default": Monday–Friday, no holidays). */
    calendar: z._default(slug, 'default'),
    people: z._default(z.record(id, personConfigSchema), {}),
    teams: z._default(z.record(slug, teamConfigSchema), {}),
    /** Make a team of every manager's direct reports when no configured team has that manager. */
    directReportTeams: z._default(z.boolean(), true),
  }),
);

export type OrgConfig = z.infer<typeof orgConfigSchema>;
export type TeamConfig = z.infer<typeof teamConfigSchema>;

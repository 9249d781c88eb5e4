/**
 * Loading tenant configs for the two backends (CDK app and local runtime) and the CLI: the zod validation of
 * shared/config/tenant.ts plus the checks that need the manifest (schedule names must be ones it declares).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { scheduleNames } from '../functions/manifest';
import { tenantDocumentPath } from '../functions/wiring/documents';
import { loadTenantConfig, type TenantConfig, TenantConfigError } from '../shared/config/tenant';
import { GoalsConfigError } from '../shared/goals/validate';
import { planBookFromFile } from '../shared/incentives/document';
import { IncentiveInputError } from '../shared/incentives/errors';
import { parseScheduleExpression, ScheduleExpressionError } from '../shared/schedules/expression';
import { businessCalendarOf } from '../shared/watchdog/plan';
import { type BusinessCalendar, DEFAULT_CALENDAR } from '../shared/workflows/calendar';
import { unknownRegion } from '../shared/workflows/country-holidays';
import {
  type CalendarCoverageWarning,
  calendarCoverage,
  calendarCoverageWarnings,
} from '../shared/workflows/coverage';
import { parseWorkflowConfig, WorkflowConfigError } from '../shared/workflows/validate';
import { resolvedDocument } from './documents';
import { loadGoalsDocument } from './goals-document';

export const TENANTS_DIR = resolve(import.meta.dirname, '..', 'tenants');

/**
 * Checks that need more than the schema: schedule names must be ones the manifest declares, and expressions must be
 * valid AWS cron()/rate() (kept out of the schema itself so that the Lambdas, which parse the same config at cold
 * start, do not bundle the cron engine for a check already made before deploy).
 */
export const checkAgainstManifest = (tenant: TenantConfig, source: string): void => {
  const known = scheduleNames();
  const problems: { path: string; message: string }[] = [];
  for (const [name, settings] of Object.entries(tenant.schedules)) {
    if (!known.includes(name)) {
      problems.push({
        path: `schedules.${name}`,
        message: `is not a schedule of any function; known: ${known.join(', ')}`,
      });
      continue;
    }
    if (settings.expression === undefined) continue;
    try {
      if (parseScheduleExpression(settings.expression).kind === 'at') {
        problems.push({
          path: `schedules.${name}.expression`,
          message: 'a fixed schedule needs cron() or rate(), not at()',
        });
      }
    } catch (err) {
      const message = err instanceof ScheduleExpressionError ? err.message : String(err);
      problems.push({ path: `schedules.${name}.expression`, message });
    }
  }
  if (problems.length) throw new TenantConfigError(source, problems);
};

/**
 * The tenant's documents (tenants/workflows/<id>.json, tenants/incentives/<id>.json, tenants/goals/<id>.json) are
 * validated with the tenant,
 * so a bad workflow or plan is refused by `validate`, `cdk synth` and `npm start` alike, before anything deploys or
 * starts.
 */
export const checkDocuments = (tenant: TenantConfig, root?: string): void => {
  checkWorkflows(tenant, root);
  try {
    loadGoalsDocument(tenant.id, root ?? resolve(TENANTS_DIR, '..'), new Date().getUTCFullYear());
  } catch (err) {
    if (err instanceof GoalsConfigError) throw new TenantConfigError(err.source, err.problems);
    throw err;
  }
  const plans = tenantDocumentPath('incentives', tenant.id, root);
  if (!existsSync(plans)) return;
  try {
    planBookFromFile(plans, relative(process.cwd(), plans) || plans);
  } catch (err) {
    if (err instanceof IncentiveInputError) throw new TenantConfigError(err.source, err.problems);
    throw err;
  }
};

const checkWorkflows = (tenant: TenantConfig, root?: string): void => {
  const file = tenantDocumentPath('workflows', tenant.id, root);
  if (!existsSync(file)) return;
  const shown = relative(process.cwd(), file) || file;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new TenantConfigError(shown, [
      { path: '(file)', message: `is not valid JSON: ${(err as Error).message}` },
    ]);
  }
  try {
    const config = parseWorkflowConfig(json, shown);
    if (config.tenantId !== tenant.id)
      throw new TenantConfigError(shown, [
        {
          path: 'tenantId',
          message: `is "${config.tenantId}" but the file belongs to tenant "${tenant.id}"`,
        },
      ]);
    // date-holidays quietly falls back to no holidays for a region it does not know: refuse it here instead.
    const regions = Object.entries(config.calendars).flatMap(([id, cal]) => {
      const why =
        cal.source === 'date-holidays' && cal.country ? unknownRegion(cal.country, cal.state) : undefined;
      return why
        ? [{ path: `calendars.${id}.${why.includes('state') ? 'state' : 'country'}`, message: why }]
        : [];
    });
    if (regions.length) throw new TenantConfigError(shown, regions);
  } catch (err) {
    if (err instanceof WorkflowConfigError) throw new TenantConfigError(err.source, err.problems);
    throw err;
  }
};

/**
 * Calendars in the tenant's workflows that run out of holiday data within `horizonDays` of `now` (warnings, not
 * problems: nothing is wrong yet). The document is read as a function would get it if packaged at `now`.
 */
export const calendarWarnings = (
  tenant: TenantConfig,
  now: Date,
  horizonDays = 60,
  root?: string,
): CalendarCoverageWarning[] => {
  const file = tenantDocumentPath('workflows', tenant.id, root);
  if (!existsSync(file)) return [];
  const json = resolvedDocument(file, now.getUTCFullYear());
  return calendarCoverageWarnings(parseWorkflowConfig(json, file), now, horizonDays);
};

/** The calendar business hours are counted on for the tenant as a whole (absence alarms; watchdog/plan.ts). */
export const tenantBusinessCalendar = (tenant: TenantConfig, now: Date, root?: string): BusinessCalendar => {
  const file = tenantDocumentPath('workflows', tenant.id, root);
  if (!existsSync(file)) return DEFAULT_CALENDAR;
  const json = resolvedDocument(file, now.getUTCFullYear());
  return businessCalendarOf(parseWorkflowConfig(json, file).calendars);
};

/** Every calendar in the tenant's workflows and the last date it has holiday data for (null: does not run out). */
export const calendarCoverages = (
  tenant: TenantConfig,
  now: Date,
  root?: string,
): { name: string; coversUntil: string | null }[] => {
  const file = tenantDocumentPath('workflows', tenant.id, root);
  if (!existsSync(file)) return [];
  const json = resolvedDocument(file, now.getUTCFullYear());
  return Object.entries(parseWorkflowConfig(json, file).calendars).map(([name, def]) => ({
    name,
    coversUntil: calendarCoverage(def, name) ?? null,
  }));
};

export const loadTenant = (file: string): TenantConfig => {
  const tenant = loadTenantConfig(file);
  checkAgainstManifest(tenant, file);
  checkDocuments(tenant, resolve(dirname(file), '..'));
  return tenant;
};

/** Every tenants/*.json except the dev-only secret files. */
export const tenantFiles = (dir = TENANTS_DIR): string[] =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.json') && !f.endsWith('.dev-secrets.json'))
        .sort()
        .map((f) => join(dir, f))
    : [];

/** Each tenant's stack is named after it: one stack per tenant, nothing shared. */
export const stackName = (tenantId: string): string => `Quotaflow-${tenantId}`;

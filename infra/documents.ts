/**
 * The tenant documents as they are shipped to functions (the CDK bundles) and handed to the local runtime: the
 * document with its date-holidays calendars resolved into dates (shared/workflows/country-holidays.ts says why
 * functions never load date-holidays), validated, and written as its validation gives it back, with that text's
 * SHA-256 (functions/wiring/documents.ts: a function takes a file that still has it as validated).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TenantDocumentKind } from '../functions/wiring/documents';
import { tenantDigest } from '../functions/wiring/tenant-seal';
import { parseGoals } from '../shared/goals/validate';
import { PlanBook } from '../shared/incentives/book';
import { resolveCountryCalendars } from '../shared/workflows/country-holidays';
import { parseWorkflowConfig } from '../shared/workflows/validate';

let dir: string | undefined;

/** A document as read from `file`, its date-holidays calendars resolved from `fromYear` (the year it is shipped in). */
export const resolvedDocument = (file: string, fromYear: number): unknown =>
  resolveCountryCalendars(JSON.parse(readFileSync(file, 'utf8')), fromYear);

/** Each kind's validation, giving back what its parse in a function would work from. */
const validators: Record<TenantDocumentKind, (doc: unknown, source: string, tenantId: string) => unknown> = {
  workflows: (doc, source) => parseWorkflowConfig(doc, source),
  goals: (doc, source, tenantId) => parseGoals(doc, source, tenantId).doc,
  incentives: (doc, source) => PlanBook.parse(doc, source).config,
};

const shipped = new Map<string, { file: string; digest: string }>();

/**
 * The file to ship for a tenant's document and its digest: resolved from `fromYear`, validated (a problem throws,
 * naming the file, the path and the reason) and written as validated. Made once per document and year.
 */
export const shippedDocument = (
  kind: TenantDocumentKind,
  file: string,
  fromYear: number,
  tenantId: string,
): { file: string; digest: string } => {
  const key = `${kind}|${file}|${fromYear}|${tenantId}`;
  const known = shipped.get(key);
  if (known) return known;
  const text = `${JSON.stringify(validators[kind](resolvedDocument(file, fromYear), file, tenantId))}\n`;
  dir ??= mkdtempSync(join(tmpdir(), 'qf-documents-'));
  const out = join(dir, `${kind}-${fromYear}-${tenantId}-${shipped.size}.json`);
  writeFileSync(out, text);
  const made = { file: out, digest: tenantDigest(text) };
  shipped.set(key, made);
  return made;
};

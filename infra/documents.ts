/**
 * The tenant documents as they are shipped to functions (the CDK bundles) and handed to the local runtime: the
 * repository file itself, except a workflows document with date-holidays calendars, which gets a copy with those
 * calendars resolved into dates (shared/workflows/country-holidays.ts says why functions never load date-holidays).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveCountryCalendars } from '../shared/workflows/country-holidays';

let dir: string | undefined;

/** The file to ship for a document, resolved from `fromYear` (the year it is packaged in). */
export const packagedDocument = (file: string, fromYear: number): string => {
  const raw = readFileSync(file, 'utf8');
  const doc: unknown = JSON.parse(raw);
  const resolved = resolveCountryCalendars(doc, fromYear);
  if (resolved === doc) return file;
  dir ??= mkdtempSync(join(tmpdir(), 'qf-documents-'));
  const out = join(dir, `${fromYear}-${file.replace(/[^A-Za-z0-9]+/g, '_').slice(-80)}`);
  writeFileSync(out, `${JSON.stringify(resolved, null, 2)}\n`);
  return out;
};

/**
 * Where a tenant's plans live: `tenants/incentives/<tenant>.json` (functions/wiring/documents.ts ships it inside the
 * functions that declare `documents: ['incentives']`). Validated with the engine's schema; a refusal names the file,
 * the path inside it and the reason, like tenant config errors.
 */
import { readFileSync } from 'node:fs';
import { PlanBook } from './book';
import { IncentiveInputError } from './errors';
import type { IncentiveConfig } from './plan';

/**
 * The plan book in `file` (`shown` is how the file is named in errors, e.g. relative to the repository);
 * `complete` may add to the document before it is validated (the org's reps and teams, incentives/org.ts).
 */
export const planBookFromFile = (
  file: string,
  shown = file,
  complete: (doc: unknown) => unknown = (doc) => doc,
): PlanBook => {
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
    throw new IncentiveInputError(shown, [
      {
        path: '(file)',
        message: missing ? 'does not exist: the tenant has no incentive plans' : (err as Error).message,
      },
    ]);
  }
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (err) {
    throw new IncentiveInputError(shown, [
      { path: '(file)', message: `is not valid JSON: ${(err as Error).message}` },
    ]);
  }
  return PlanBook.parse(complete(value), shown);
};

/**
 * The plan book from an already parsed document (a function's bundled copy); undefined when there is none.
 * `validated`: the value is the plan book's own config, checked when the stack was synthesized and shipped unchanged
 * (its digest matched, functions/wiring/documents.ts).
 */
export const planBookFromDocument = (
  value: unknown,
  tenantId: string,
  validated = false,
): PlanBook | undefined =>
  value === undefined
    ? undefined
    : validated
      ? PlanBook.validated(value as IncentiveConfig)
      : PlanBook.parse(value, `tenants/incentives/${tenantId}.json`);

/**
 * One place that declares an event: its bus source, detail-type, version and zod schema. Publishers build entries
 * from it, consumers parse with `parse()`, and manifest patterns use `pattern()`, so the three never drift.
 */

import type * as core from 'zod/v4/core';
import * as z from './zod';

export interface EventContract<S extends core.$ZodType> {
  readonly source: string;
  readonly detailType: string;
  readonly version: number;
  readonly schema: S;
  /** The EventBridge pattern matching this event, optionally narrowed on detail fields. */
  pattern(detail?: Record<string, unknown>): Record<string, unknown>;
  parse(detail: unknown): core.output<S>;
}

export const defineEvent = <S extends core.$ZodType>(def: {
  source: string;
  detailType: string;
  version: number;
  schema: S;
}): EventContract<S> => ({
  ...def,
  pattern: (detail) => ({
    source: [def.source],
    'detail-type': [def.detailType],
    ...(detail ? { detail } : {}),
  }),
  parse: (detail) => z.parse(def.schema, detail),
});

export type DetailOf<C> = C extends EventContract<infer S> ? core.output<S> : never;

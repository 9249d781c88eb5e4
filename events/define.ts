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

/**
 * The schema is built on first use, not at import: a function that consumes one event does not pay, at every cold
 * start, for constructing the schemas of all the others it imports alongside.
 */
export const defineEvent = <S extends core.$ZodType>(def: {
  source: string;
  detailType: string;
  version: number;
  schema: () => S;
}): EventContract<S> => {
  let built: S | undefined;
  const schema = (): S => {
    built ??= def.schema();
    return built;
  };
  return {
    source: def.source,
    detailType: def.detailType,
    version: def.version,
    get schema() {
      return schema();
    },
    pattern: (detail) => ({
      source: [def.source],
      'detail-type': [def.detailType],
      ...(detail ? { detail } : {}),
    }),
    parse: (detail) => z.parse(schema(), detail),
  };
};

export type DetailOf<C> = C extends EventContract<infer S> ? core.output<S> : never;

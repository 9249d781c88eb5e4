/**
 * One place that declares an event: its bus source, detail-type, version and zod schema. Publishers build entries
 * with `entry()`, consumers parse with `parse()`, and manifest patterns use `pattern()`, so the three never drift.
 */
import type * as z from 'zod';

export interface EventContract<S extends z.ZodType> {
  readonly source: string;
  readonly detailType: string;
  readonly version: number;
  readonly schema: S;
  /** The EventBridge pattern matching this event, optionally narrowed on detail fields. */
  pattern(detail?: Record<string, unknown>): Record<string, unknown>;
  parse(detail: unknown): z.infer<S>;
}

export const defineEvent = <S extends z.ZodType>(def: {
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
  parse: (detail) => def.schema.parse(detail),
});

export type DetailOf<C> = C extends EventContract<infer S> ? z.infer<S> : never;

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

/**
 * Several events on one rule (the event archive takes every domain event): the pattern lists each detail-type, and
 * a detail is parsed with the contract of the detail-type it arrived with. The events must share one source: a
 * pattern listing several sources and several detail-types would also match the pairs nobody declared.
 */
export interface EventGroup {
  readonly source: string;
  readonly detailTypes: readonly string[];
  pattern(detail?: Record<string, unknown>): Record<string, unknown>;
  /** The contract of one of the group's detail-types; undefined for any other. */
  contractOf(detailType: string): EventContract<core.$ZodType> | undefined;
}

export const eventGroup = (contracts: readonly EventContract<core.$ZodType>[]): EventGroup => {
  const first = contracts[0];
  if (!first) throw new Error('an event group needs at least one event');
  const odd = contracts.find((c) => c.source !== first.source);
  if (odd)
    throw new Error(
      `an event group has one source: ${odd.detailType} is from ${odd.source}, not ${first.source}`,
    );
  const byType = new Map(contracts.map((c) => [c.detailType, c]));
  return {
    source: first.source,
    detailTypes: [...byType.keys()],
    pattern: (detail) => ({
      source: [first.source],
      'detail-type': [...byType.keys()],
      ...(detail ? { detail } : {}),
    }),
    contractOf: (detailType) => byType.get(detailType),
  };
};

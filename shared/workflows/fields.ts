/**
 * The fields a condition (or a relative wait) can name, with the type it is compared as: the canonical record's
 * fields, the tenant's mapped `fields.<name>`, `object`, and, on events that carry one, `change.from/to`. Resolving a
 * path here is also how validation knows a field exists, so a rule can never name a field evaluation cannot read.
 */
import type { CanonicalRecord } from '../../events';
import type { TriggerEvent, WorkflowConfig } from './definition';

/** What a condition sees: the event's record and, for change events, the change. */
export interface EvalContext {
  object: string;
  record: CanonicalRecord;
  change: { from: string | null; to: string | null } | undefined;
}
export type Check = (ctx: EvalContext) => string | undefined;

export type FieldType = 'text' | 'number' | 'decimal' | 'date' | 'datetime' | 'boolean' | 'status';

const RECORD_FIELDS: Record<string, FieldType> = {
  object: 'text',
  id: 'text',
  name: 'text',
  email: 'text',
  stage: 'text',
  status: 'status',
  amount: 'decimal',
  currency: 'text',
  closeDate: 'date',
  modifiedAt: 'datetime',
  'owner.id': 'text',
  'owner.name': 'text',
  'owner.email': 'text',
  'owner.managerEmail': 'text',
};
export const KNOWN_RECORD_FIELDS = Object.keys(RECORD_FIELDS);

/** The field each change-carrying event describes; `change.from/to` take that field's type. */
export const CHANGE_FIELD: Partial<Record<TriggerEvent, string>> = {
  'deal.stage_changed': 'stage',
  'deal.amount_changed': 'amount',
};

interface FieldSpec {
  type: FieldType;
  get: (ctx: EvalContext) => unknown;
}

/** Resolves a field path for a trigger event, or says why it cannot be resolved. */
export const resolveField = (
  path: string,
  event: TriggerEvent,
  mapped: WorkflowConfig['mappedFields'],
): FieldSpec | { error: string } => {
  if (path === 'change.from' || path === 'change.to') {
    const of = CHANGE_FIELD[event];
    if (!of)
      return {
        error: `${event} carries no change; change.* needs ${Object.keys(CHANGE_FIELD).join(' or ')}`,
      };
    const type = RECORD_FIELDS[of] ?? 'text';
    return path === 'change.from'
      ? { type, get: (c) => c.change?.from ?? undefined }
      : { type, get: (c) => c.change?.to ?? undefined };
  }
  if (path.startsWith('fields.')) {
    const name = path.slice(7);
    const type = Object.hasOwn(mapped, name) ? mapped[name] : undefined;
    if (!type) {
      const known = Object.keys(mapped);
      return {
        error: `"${name}" is not a mapped field (mapped: ${known.length ? known.join(', ') : 'none; declare it under mappedFields'})`,
      };
    }
    return { type, get: (c) => c.record.fields[name] ?? undefined };
  }
  const type = RECORD_FIELDS[path];
  if (!type) {
    return {
      error: `unknown field "${path}"; known: ${KNOWN_RECORD_FIELDS.join(', ')}, fields.<mapped>, change.from/to`,
    };
  }
  if (path === 'object') return { type, get: (c) => c.object };
  if (path.startsWith('owner.')) {
    const key = path.slice(6) as 'id' | 'name' | 'email' | 'managerEmail';
    return { type, get: (c) => c.record.owner?.[key] };
  }
  const key = path as keyof CanonicalRecord;
  return { type, get: (c) => c.record[key] };
};

/**
 * Would a due effect be performed, and if not, why: the checks that do not depend on rendering or send limits,
 * asked by the runner just before it performs a step and by dry-run for every step it lists, so the two agree.
 * - mail to a contact: the address is not on the suppression list;
 * - a sequence start: the record's address is not suppressed (its emails would only be skipped one by one);
 * - a CRM write-back: the tenant's CRM takes that activity on that kind of record (sync/crm-writer.ts).
 * Internal mail (owner, manager, fixed addresses), chat and sequence stops have nothing to check here.
 */
import { type CrmProvider, writeBackRefusal } from '../sync/crm-writer';
import type { EffectDescription } from './plan';

export interface EffectCheckPorts {
  crmProvider: CrmProvider;
  /** The suppression list; `at` is when the address was suppressed. */
  isSuppressed(address: string): Promise<{ reason: string; at?: string } | undefined>;
}

export type EffectRefusal = { check: 'suppressed' | 'crm_write_back'; reason: string };

export interface EffectTarget {
  /** The object the event was about (deal, lead, ...). */
  object: string;
  /** The record's own address (contacts and leads), for a sequence start. */
  email?: string | undefined;
}

/**
 * Undefined when the effect would be performed. `asOf` asks about the suppression list as it stood at that instant
 * (dry-run, for steps already due in the period); without it, as the list is now (the runner, at perform time).
 */
export const refusalOf = async (
  effect: EffectDescription,
  target: EffectTarget,
  ports: EffectCheckPorts,
  asOf?: Date,
): Promise<EffectRefusal | undefined> => {
  const suppressed = async (address: string): Promise<EffectRefusal | undefined> => {
    const entry = await ports.isSuppressed(address);
    if (!entry) return undefined;
    if (asOf && entry.at !== undefined && Date.parse(entry.at) > asOf.getTime()) return undefined;
    return { check: 'suppressed', reason: `${address} is suppressed (${entry.reason})` };
  };
  switch (effect.kind) {
    case 'email':
      return effect.recipient === 'contact' ? suppressed(effect.address) : undefined;
    case 'start_sequence':
      return target.email ? suppressed(target.email) : undefined;
    case 'crm_activity': {
      const reason = writeBackRefusal(ports.crmProvider, target.object, effect.activity);
      return reason ? { check: 'crm_write_back', reason } : undefined;
    }
    default:
      return undefined;
  }
};

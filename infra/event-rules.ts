/**
 * The EventBridge rules a tenant gets for a function's event triggers: the manifest's pattern, narrowed where the
 * trigger asks (`narrowTo: 'workflowEvents'`: only the domain events the tenant's workflows can act on, from its
 * workflows document). Read by the CDK stack and the local runtime alike, so both route the same events.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { FunctionSpec } from '../functions/manifest';
import { tenantDocumentPath } from '../functions/wiring/documents';
import { eventTypesActedOn } from '../shared/workflows/acted-on';
import { parseWorkflowConfig } from '../shared/workflows/validate';

export interface EventRule {
  /** The trigger's position in the function's triggers (part of the rule's name, stable across deploys). */
  index: number;
  pattern: Record<string, unknown>;
}

/** The workflow events of a tenant, or undefined when it has no workflows document (then it has no runner rule). */
const workflowEvents = (tenantId: string, root?: string): string[] | undefined => {
  const file = tenantDocumentPath('workflows', tenantId, root);
  if (!existsSync(file)) return undefined;
  return eventTypesActedOn(parseWorkflowConfig(JSON.parse(readFileSync(file, 'utf8')), file));
};

/** The rules for the function's event triggers; a narrowed trigger that takes no event gets no rule. */
export const eventRulesFor = (spec: FunctionSpec, tenantId: string, root?: string): EventRule[] =>
  spec.triggers.flatMap((t, index) => {
    if (t.kind !== 'event') return [];
    if (!t.narrowTo) return [{ index, pattern: t.pattern }];
    const acted = new Set(workflowEvents(tenantId, root) ?? []);
    const types = (t.pattern['detail-type'] as string[]).filter((type) => acted.has(type));
    return types.length ? [{ index, pattern: { ...t.pattern, 'detail-type': types } }] : [];
  });

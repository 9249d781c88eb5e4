import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  forgetTenantDocuments,
  isValidatedDocument,
  loadTenantDocument,
  TENANT_DOCUMENT_KINDS,
  type TenantDocumentKind,
  tenantDocumentPath,
} from '../../../functions/wiring/documents';
import { findFunctionScopeWith } from '../../../functions/wiring/scope';
import { sealedTenantEnv } from '../../../functions/wiring/tenant-seal';
import { resolvedDocument, shippedDocument } from '../../../infra/documents';
import { loadTenant, TENANTS_DIR } from '../../../infra/tenants';
import { parseGoals } from '../../../shared/goals/validate';
import { planBookFromDocument } from '../../../shared/incentives/document';
import { loadWorkflows } from '../../../shared/workflows/compiled';

// Calendars resolve from a fixed year, never today's.
const YEAR = 2026;
const TENANTS = ['demo', 'demo-zoho', 'demo-fxiaoke'];

/** What a function builds from a document, by the full parse or (validated) by compiling only. */
const built = (kind: TenantDocumentKind, value: unknown, tenantId: string, validated: boolean) => {
  if (kind === 'workflows') {
    const wf = loadWorkflows(value, 'test', 'CNY', validated);
    return {
      config: wf.config,
      templates: Object.keys(wf.config.templates).filter((id) => wf.template(id) !== undefined),
    };
  }
  if (kind === 'goals') {
    const g = parseGoals(value, 'test', tenantId, validated);
    return {
      doc: g.doc,
      // Each goal's compiled filter judges records the same way.
      filters: g.doc.goals.map((goal) =>
        [
          { amount: '5000', status: 'open' as const },
          { amount: '250000', status: 'won' as const, stage: 'Closed Won' },
        ].map((r) =>
          g.filter(goal.id)({
            object: 'deal',
            record: { id: 'D-1', modifiedAt: '2026-03-02T02:00:00Z', fields: {}, ...r },
            change: undefined,
          }),
        ),
      ),
    };
  }
  return { config: planBookFromDocument(value, tenantId, validated)?.config };
};

const raw = (kind: TenantDocumentKind, tenantId: string) =>
  resolvedDocument(tenantDocumentPath(kind, tenantId), YEAR);

describe('documents shipped as validated, with their digest', () => {
  const cases = TENANTS.flatMap((t) =>
    TENANT_DOCUMENT_KINDS.filter((k) => existsSync(tenantDocumentPath(k, t))).map((k) => [t, k] as const),
  );

  it.each(cases)(
    '%s %s: compiling the shipped copy builds what the full parse of the file builds',
    (t, kind) => {
      const shipped = shippedDocument(kind, tenantDocumentPath(kind, t), YEAR, t);
      const copy = JSON.parse(readFileSync(shipped.file, 'utf8')) as unknown;
      expect(built(kind, copy, t, true)).toStrictEqual(built(kind, raw(kind, t), t, false));
      // The shipped copy is itself a valid document that validates to itself: a function whose copy was edited (no
      // digest match) validates it in full, and the incentive runs add the org to it and validate again.
      expect(built(kind, copy, t, false)).toStrictEqual(built(kind, copy, t, true));
    },
  );

  it('covers every kind', () => {
    expect(new Set(cases.map(([, k]) => k))).toEqual(new Set(TENANT_DOCUMENT_KINDS));
  });

  it('refuses an invalid document when it is shipped, naming the file and the path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qf-shipped-'));
    const file = join(dir, 'goals.json');
    const doc = raw('goals', 'demo') as { goals: { period: unknown }[] };
    (doc.goals[0] as { period: unknown }).period = { kind: 'fortnight' };
    writeFileSync(file, JSON.stringify(doc));
    expect(() => shippedDocument('goals', file, YEAR, 'demo')).toThrow(
      /goals\.json[\s\S]*goals\[0\]\.period/,
    );
  });
});

describe('a function takes a shipped document as validated only while its digest matches', () => {
  const tenant = loadTenant(join(TENANTS_DIR, 'demo.json'));
  let env: Record<string, string> = {};
  findFunctionScopeWith(() => ({ functionId: 'test', env }));
  const enter = (vars: Record<string, string>) => {
    // A new scope object each time: the per-scope singletons (runtimeEnv) are built again from it.
    env = { ...sealedTenantEnv(tenant), ...vars };
    forgetTenantDocuments();
  };
  afterEach(() => forgetTenantDocuments());

  it('matches: validated; edited by hand: validated in full, with the same errors; no digest: in full', () => {
    const shipped = shippedDocument('workflows', tenantDocumentPath('workflows', 'demo'), YEAR, 'demo');
    enter({ QUOTAFLOW_WORKFLOWS_FILE: shipped.file, QUOTAFLOW_WORKFLOWS_DIGEST: shipped.digest });
    expect(isValidatedDocument('workflows')).toBe(true);
    expect(loadTenantDocument('workflows')).toStrictEqual(JSON.parse(readFileSync(shipped.file, 'utf8')));

    const dir = mkdtempSync(join(tmpdir(), 'qf-shipped-'));
    const edited = join(dir, 'workflows.json');
    const doc = JSON.parse(readFileSync(shipped.file, 'utf8')) as { sendLimits: { perMinute: unknown } };
    doc.sendLimits.perMinute = 'many';
    writeFileSync(edited, JSON.stringify(doc));
    enter({ QUOTAFLOW_WORKFLOWS_FILE: edited, QUOTAFLOW_WORKFLOWS_DIGEST: shipped.digest });
    expect(isValidatedDocument('workflows')).toBe(false);
    expect(() =>
      loadWorkflows(
        loadTenantDocument('workflows'),
        'the workflows document',
        'CNY',
        isValidatedDocument('workflows'),
      ),
    ).toThrow(/sendLimits\.perMinute/);

    enter({ QUOTAFLOW_WORKFLOWS_FILE: shipped.file });
    expect(isValidatedDocument('workflows')).toBe(false);
    enter({});
    expect(loadTenantDocument('workflows')).toBeUndefined();
    expect(isValidatedDocument('workflows')).toBe(false);
  });
});

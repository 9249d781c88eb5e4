import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FunctionSpec } from '../../../functions/manifest';
import { ENV, environmentFor } from '../../../functions/wiring/env-names';
import { LocalFunctions, prepareConcurrentInvocations } from '../../../infra/local/functions';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const tenant = readFileSync(join(ROOT, 'tenants', 'demo.json'), 'utf8');
const resources = { [ENV.tenant]: tenant, [ENV.tableName]: 'quotaflow-acme', [ENV.eventBusName]: 'bus' };
const spec = (id: string, access: FunctionSpec['access']): FunctionSpec => ({
  id,
  entry: 'test/unit/local/fixtures/table-user.ts',
  description: id,
  triggers: [],
  access,
});

describe('local runtime: each function gets the environment of its access rights only', () => {
  const fns = new LocalFunctions(ROOT, 'arn:aws:lambda:us-east-1:000000000000:function:quotaflow-acme-');

  beforeAll(async () => {
    await prepareConcurrentInvocations();
    await fns.load([spec('granted', ['table']), spec('not-granted', ['bus'])], (s) =>
      environmentFor(s, resources),
    );
  });

  it('runs a function with the table right against the table', async () => {
    expect(await fns.invoke('granted', {})).toEqual({ tenant: 'demo', table: 'quotaflow-acme' });
  });

  it('fails a function missing the right as on AWS, naming the variable and the manifest', async () => {
    await expect(fns.invoke('not-granted', {})).rejects.toThrow(
      'this function was deployed without TABLE_NAME; check its access in functions/manifest.ts',
    );
    // The other function's settings are unchanged by the failure, and it still works.
    expect(await fns.invoke('granted', {})).toEqual({ tenant: 'demo', table: 'quotaflow-acme' });
  });
});

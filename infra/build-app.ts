/**
 * The CDK app as a function, so tests build exactly what `cdk synth` builds, only faster (no bundling, no
 * built-in CloudFormation validation). The CLI entry point is app.ts.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { App, type AppProps, type Environment, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import type { TenantConfig } from '../shared/config/tenant';
import { deployProblems } from './deployability';
import { TenantStack } from './tenant-stack';
import { stackName } from './tenants';

export interface BuildAppOptions {
  tenants: readonly TenantConfig[];
  /** Bundle function code with esbuild (default true). Off in tests: the assets become placeholders. */
  bundling?: boolean;
  /** aws-cdk-lib's built-in CloudFormation validation (default true; `CDK_VALIDATION=false` also turns it off). */
  validation?: boolean;
  /** Register the cdk-nag packs as synth-time validation plugins (default true). */
  nag?: boolean;
  /**
   * Refuse tenants that cannot be deployed (infra/deployability.ts) and leave out local-only ones unless the
   * context says `includeDemo=true`. On for `cdk synth`/`cdk deploy` (app.ts); tests build every tenant.
   */
  deployChecks?: boolean;
  /** Extra App props (outdir, context), for tests. */
  appProps?: AppProps;
}

/** cdk.json's context (feature flags), applied in-process too so tests synthesize what the CLI synthesizes. */
const cdkJsonContext = (): Record<string, unknown> => {
  const file = resolve(import.meta.dirname, '..', 'cdk.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { context?: Record<string, unknown> }).context ?? {};
};

/** The rule packs every tenant stack must pass: AWS Solutions and Serverless. */
export const nagPacks = (scope?: IConstruct) => [new AwsSolutionsChecks(scope), new ServerlessChecks(scope)];

const truthy = (v: unknown) => v === true || v === 'true';

/**
 * The tenants `cdk deploy` may get: local-only ones (demos) only with `-c includeDemo=true`; any other problem
 * (no account or region, a region without SES) stops the synth with every problem named.
 */
const deployable = (app: App, tenants: readonly TenantConfig[], named: boolean): TenantConfig[] => {
  const includeDemo = truthy(app.node.tryGetContext('includeDemo'));
  const chosen = tenants.filter((t) => t.deployable || includeDemo);
  const problems = chosen.flatMap((t) =>
    (t.deployable ? deployProblems(t) : []).map((p) => `  - tenants/${t.id}.json ${p.path}: ${p.message}`),
  );
  const skipped = tenants.filter((t) => !chosen.includes(t));
  if (named && skipped.length)
    problems.push(
      `  - tenants/${skipped[0]?.id}.json deployable: is false (a local-only demo); add -c includeDemo=true to synthesize it`,
    );
  if (problems.length) throw new Error(`cannot deploy:\n${problems.join('\n')}`);
  if (chosen.length === 0)
    throw new Error(
      `no deployable tenant: ${skipped.map((t) => t.id).join(', ')} run locally only ("deployable": false); ` +
        'add tenants/<id>.json (`npm run quotaflow -- init <id>`), or pass -c includeDemo=true to synthesize the demos',
    );
  return chosen;
};

/** An explicit account/region only where the tenant config names one; otherwise the CLI's current ones. */
const envOf = (tenant: TenantConfig): Environment | undefined =>
  tenant.aws.account || tenant.aws.region
    ? { account: tenant.aws.account, region: tenant.aws.region }
    : undefined;

export const buildApp = (options: BuildAppOptions): { app: App; stacks: TenantStack[] } => {
  const { bundling = true, validation = true, nag = true } = options;
  const app = new App({
    ...options.appProps,
    context: { ...cdkJsonContext(), ...options.appProps?.context },
    ...(validation ? {} : { builtinCloudFormationValidation: false }),
    // After the CLI's context, so the CLI cannot turn bundling back on for a test build.
    ...(bundling ? {} : { postCliContext: { 'aws:cdk:bundling-stacks': [] } }),
  });

  // `cdk synth -c tenant=acme` builds one tenant's stack only.
  const only: unknown = app.node.tryGetContext('tenant');
  const tenants = typeof only === 'string' ? options.tenants.filter((t) => t.id === only) : options.tenants;
  if (typeof only === 'string' && tenants.length === 0)
    throw new Error(`no tenant "${only}"; known: ${options.tenants.map((t) => t.id).join(', ') || '(none)'}`);

  const stacks = (options.deployChecks ? deployable(app, tenants, typeof only === 'string') : tenants).map(
    (tenant) => {
      const env = envOf(tenant);
      return new TenantStack(app, stackName(tenant.id), { tenant, ...(env ? { env } : {}) });
    },
  );
  if (nag) Validations.of(app).addPlugins(...nagPacks(app));
  return { app, stacks };
};

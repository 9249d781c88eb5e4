import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Command } from 'commander';
import type { TenantConfig } from '../../shared/config/tenant';
import { crmSettings, crmSettingsOf } from '../../shared/crm/registry';
import { codedError } from '../../shared/errors';
import { type Terminal, wiredAction } from './common';
import { explain } from './import';
import { withTargetOptions } from './tenant-target';
import { rootForCli } from './wiring/root';

export interface ConnectOptions {
  tenant: string;
  code: string;
  redirectUri: string;
  /** Default: the API of the tenant found (the stack's ApiUrl, or npm start's gateway). */
  apiUrl?: string;
  /** The redirect's `accounts-server` parameter (the user's data centre), if it differs from the tenant's. */
  accountsServer?: string;
  /** The tenant's table; default: the table of the tenant found (tenant-target.ts). */
  table?: string;
  local?: boolean;
  aws?: boolean;
  refresh?: boolean;
  /** Points the tenant's Zoho accounts and API hosts at another base URL (the simulator npm start prints). */
  crmUrl?: string;
  json?: boolean;
}

/** What connect talks to; the CLI builds it from the environment, tests hand in local ones. */
export interface ConnectWiring {
  tenant: TenantConfig;
  secretsClient: SecretsManagerClient;
  secretId: string;
  doc: DynamoDBDocumentClient;
  tableName: string;
  now?: () => Date;
}

/** Connect's wiring over the CLI's root (wiring/root.ts) for the tenant found; `--api-url` defaults to its API. */
export const connectWiring = async (opts: ConnectOptions): Promise<ConnectWiring & { destroy(): void }> => {
  const found = await rootForCli(opts);
  const { root } = found;
  opts.apiUrl ??= root.target?.apiUrl;
  let tenant: TenantConfig = found.tenant;
  const withBaseUrl = crmSettingsOf(tenant.crm.provider)?.withBaseUrl;
  if (opts.crmUrl && withBaseUrl) tenant = { ...tenant, crm: withBaseUrl(tenant.crm, opts.crmUrl) };
  return {
    tenant,
    secretsClient: root.secretsClient(),
    secretId: root.secretId,
    doc: root.doc(),
    tableName: root.tableName,
    destroy: root.destroy,
  };
};

const httpUrl = (raw: string): URL | undefined => {
  try {
    const u = new URL(raw);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u : undefined;
  } catch {
    return undefined;
  }
};

/** The providers with a CLI connect step (the others' credentials go straight into the tenant secret). */
const connectable = async (): Promise<string[]> => {
  const ids: string[] = [];
  for (const s of crmSettings()) if ((await s.operator?.())?.connect) ids.push(s.id);
  return ids;
};

/** Argument problems, as messages (exit 2). */
export const checkConnectArgs = async (
  provider: string,
  opts: ConnectOptions,
  tenant?: TenantConfig,
): Promise<string[]> => {
  const problems: string[] = [];
  const ids = await connectable();
  if (!ids.includes(provider))
    problems.push(
      `unknown provider ${provider}: only ${ids.join(', ')} has a connect step (the others use the credentials in the tenant secret)`,
    );
  for (const [flag, value] of [
    ['--api-url', opts.apiUrl],
    ['--redirect-uri', opts.redirectUri],
  ] as const) {
    if (value !== undefined && !httpUrl(value))
      problems.push(`${flag} must be an http(s) URL, got ${JSON.stringify(value)}`);
  }
  if (opts.accountsServer !== undefined && !httpUrl(opts.accountsServer))
    problems.push('--accounts-server must be an http(s) URL');
  if (!opts.code.trim()) problems.push('--code is empty');
  if (tenant && tenant.crm.provider !== provider)
    problems.push(
      `tenant ${tenant.id} uses ${tenant.crm.provider}, not ${crmSettingsOf(provider)?.label ?? provider}`,
    );
  return problems;
};

class ConnectError extends codedError('invalid_config') {
  override readonly name = 'ConnectError';
}

const readSecret = async (w: ConnectWiring): Promise<Record<string, unknown>> => {
  let text: string | undefined;
  try {
    text = (await w.secretsClient.send(new GetSecretValueCommand({ SecretId: w.secretId }))).SecretString;
  } catch (err) {
    if ((err as { name?: string }).name === 'ResourceNotFoundException')
      throw new ConnectError(
        `secret ${w.secretId} not found: deploy the tenant's stack first (or, for npm start, set AWS_ENDPOINT_URL_SECRETS_MANAGER)`,
      );
    throw err;
  }
  if (!text) throw new ConnectError(`secret ${w.secretId} has no string value`);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // JSON.parse's message quotes the input: never let a secret reach the terminal.
    throw new ConnectError(`secret ${w.secretId} is not valid JSON`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new ConnectError(`secret ${w.secretId} is not a JSON object`);
  return json as Record<string, unknown>;
};

/** Connects through the provider's connect step (its descriptor's operator tools); returns the exit code. */
export const runConnect = async (
  provider: string,
  opts: ConnectOptions,
  wiring: ConnectWiring,
  term: Terminal,
): Promise<number> => {
  const problems = await checkConnectArgs(provider, opts, wiring.tenant);
  if (problems.length > 0) {
    for (const p of problems) term.err(`${p}\n`);
    return 2;
  }
  const step = (await crmSettingsOf(provider)?.operator?.())?.connect;
  if (!step) return 2;
  if (!opts.apiUrl) {
    term.err('--api-url is needed: the tenant found has no API URL\n');
    return 2;
  }
  try {
    const secret = await readSecret(wiring);
    const { result, summary } = await step.run({
      tenant: wiring.tenant,
      secret,
      writeSecret: async (next) => {
        await wiring.secretsClient.send(
          new PutSecretValueCommand({ SecretId: wiring.secretId, SecretString: JSON.stringify(next) }),
        );
      },
      secretId: wiring.secretId,
      doc: wiring.doc,
      tableName: wiring.tableName,
      apiUrl: opts.apiUrl,
      options: {
        code: opts.code,
        redirectUri: opts.redirectUri,
        ...(opts.accountsServer ? { accountsServer: opts.accountsServer } : {}),
      },
      now: wiring.now ?? (() => new Date()),
      step: (text) => term.err(`${text}\n`),
    });
    if (opts.json) term.out(`${JSON.stringify(result, null, 2)}\n`);
    else term.out(`${summary}\n`);
    return 0;
  } catch (err) {
    const why =
      err instanceof ConnectError
        ? err.message
        : (step.explain?.(err, wiring.secretId) ?? explain(err, wiring));
    term.err(`connect failed: ${why}\n`);
    return 1;
  }
};

export const registerConnect = (program: Command): void => {
  const cmd = program
    .command('connect')
    .description(
      "connect a tenant to its CRM: store the Zoho refresh token, enable notification channels to the stack's API",
    )
    .argument('<provider>', 'the CRM (zoho)')
    .requiredOption('--tenant <id>', 'tenant id (tenants/<id>.json)')
    .requiredOption('--code <code>', 'the grant code from the OAuth redirect (valid for one minute)')
    .requiredOption('--redirect-uri <uri>', 'the redirect URI the authorization used')
    .option(
      '--api-url <url>',
      "channels notify <api-url>/webhooks/zoho (default: the stack's ApiUrl, or npm start's gateway)",
    )
    .option('--accounts-server <url>', "the redirect's accounts-server parameter (the user's data centre)")
    .option('--table <name>', "the tenant's DynamoDB table (default: the table of the tenant found)")
    .option(
      '--crm-url <url>',
      "use this Zoho base URL instead of the tenant's (e.g. the simulator npm start prints)",
    )
    .option('--json', 'print the result as JSON on stdout')
    .addHelpText(
      'after',
      '\nExample:\n  npm run quotaflow -- connect zoho --tenant acme --code 1000.abc… --redirect-uri https://acme.example/oauth',
    );
  withTargetOptions(cmd).action(async (provider: string, opts: ConnectOptions) => {
    const early = await checkConnectArgs(provider, opts);
    if (early.length > 0) {
      for (const p of early) console.error(p);
      process.exitCode = 2;
      return;
    }
    await wiredAction(connectWiring, (o, w, term) => runConnect(provider, o, w, term))(opts);
  });
};

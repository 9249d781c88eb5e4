import {
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import axios from 'axios';
import type { Command } from 'commander';
import type { TenantConfig } from '../../shared/config/tenant';
import { createZohoConnector } from '../../shared/crm/zoho/connector';
import { ZohoOAuthError } from '../../shared/crm/zoho/errors';
import { accountsUrlFor } from '../../shared/crm/zoho/hosts';
import type { CachedToken } from '../../shared/crm/zoho/token-cache';
import { generateChannelToken } from '../../shared/crm/zoho/watch';
import { codedError } from '../../shared/errors';
import { DynamoTokenCache } from '../../shared/store/token-cache';
import { withChannels, ZohoChannelRepository } from '../../shared/store/zoho-channels';
import { type Terminal, tenantForCli, UsageError } from './common';
import { explain } from './import';
import { documentClientFor, type TenantTarget, targetForCli, withTargetOptions } from './tenant-target';

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

type ZohoTenant = TenantConfig & { crm: Extract<TenantConfig['crm'], { provider: 'zoho' }> };

export const wiringFromEnvironment = (
  opts: Pick<ConnectOptions, 'tenant' | 'table' | 'crmUrl'>,
  target: TenantTarget,
) => {
  let tenant: TenantConfig = tenantForCli(opts.tenant);
  if (opts.crmUrl && tenant.crm.provider === 'zoho')
    tenant = { ...tenant, crm: { ...tenant.crm, accountsUrl: opts.crmUrl, apiBaseUrl: opts.crmUrl } };
  const wiring: ConnectWiring = {
    tenant,
    secretsClient: new SecretsManagerClient(target.secretsManager),
    secretId: target.secretId,
    doc: documentClientFor(target),
    tableName: opts.table ?? target.tableName,
  };
  return wiring;
};

const httpUrl = (raw: string): URL | undefined => {
  try {
    const u = new URL(raw);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u : undefined;
  } catch {
    return undefined;
  }
};

/** Argument problems, as messages (exit 2). */
export const checkConnectArgs = (provider: string, opts: ConnectOptions, tenant?: TenantConfig): string[] => {
  const problems: string[] = [];
  if (provider !== 'zoho')
    problems.push(
      `unknown provider ${provider}: only zoho has a connect step (Fxiaoke uses its app credentials)`,
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
  if (tenant && tenant.crm.provider !== 'zoho')
    problems.push(`tenant ${tenant.id} uses ${tenant.crm.provider}, not Zoho CRM`);
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

const nonEmptyString = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

export interface ConnectResult {
  tenant: string;
  secretId: string;
  tableName: string;
  notifyUrl: string;
  channelTokenGenerated: boolean;
  channels: { module: string; channelId: string; expiresAt: string; shortened: boolean }[];
}

/** Connects; returns the exit code. */
export const runConnect = async (
  provider: string,
  opts: ConnectOptions,
  wiring: ConnectWiring,
  term: Terminal,
): Promise<number> => {
  const problems = checkConnectArgs(provider, opts, wiring.tenant);
  if (problems.length > 0) {
    for (const p of problems) term.err(`${p}\n`);
    return 2;
  }
  const tenant = wiring.tenant as ZohoTenant;
  const now = wiring.now ?? (() => new Date());
  if (!opts.apiUrl) {
    term.err('--api-url is needed: the tenant found has no API URL\n');
    return 2;
  }
  const notifyUrl = `${opts.apiUrl.replace(/\/+$/, '')}/webhooks/zoho`;
  const step = (text: string) => term.err(`${text}\n`);
  try {
    const secret = await readSecret(wiring);
    const missing = (['zohoClientId', 'zohoClientSecret'] as const).filter((f) => !nonEmptyString(secret[f]));
    if (missing.length > 0) {
      term.err(
        `the tenant secret ${wiring.secretId} lacks ${missing.join(', ')}: put the Zoho API client's id and secret ` +
          'there first (API Console › Server-based Applications), then authorize again for a fresh code\n',
      );
      return 1;
    }
    let refreshToken: string | undefined;
    const zoho = createZohoConnector({
      tenantId: tenant.id,
      conn: tenant.crm,
      clientId: secret.zohoClientId as string,
      clientSecret: secret.zohoClientSecret as string,
      refreshToken: async () => {
        if (!refreshToken) throw new Error('no refresh token yet');
        return refreshToken;
      },
      // The tenant's shared cache: the access token minted here serves the functions too.
      cache: new DynamoTokenCache<CachedToken>(wiring.doc, wiring.tableName),
      http: axios.create({ timeout: 30_000 }),
      now: () => now().getTime(),
    });

    const accounts = opts.accountsServer ?? accountsUrlFor(tenant.crm);
    step(`exchanging the grant code at ${accounts}…`);
    const exchanged = await zoho.oauth.exchangeCode({
      code: opts.code.trim(),
      redirectUri: opts.redirectUri,
      ...(opts.accountsServer ? { accountsServer: opts.accountsServer } : {}),
    });
    refreshToken = exchanged.refreshToken;

    const channelTokenGenerated = !nonEmptyString(secret.zohoChannelToken);
    const channelToken = channelTokenGenerated ? generateChannelToken() : (secret.zohoChannelToken as string);
    await wiring.secretsClient.send(
      new PutSecretValueCommand({
        SecretId: wiring.secretId,
        SecretString: JSON.stringify({
          ...secret,
          zohoRefreshToken: refreshToken,
          zohoChannelToken: channelToken,
        }),
      }),
    );
    step(
      `stored zohoRefreshToken${channelTokenGenerated ? ' and a new zohoChannelToken' : ''} in secret ${wiring.secretId}`,
    );

    const repo = new ZohoChannelRepository(wiring.doc, wiring.tableName);
    const previous = await repo.get();
    const base = { notifyUrl, channels: previous?.notifyUrl === notifyUrl ? previous.channels : {} };
    await repo.put(withChannels(base, [], now()));

    step(`enabling notification channels for ${tenant.crm.modules.join(', ')} → ${notifyUrl}…`);
    const granted = await zoho.watch.enable({
      tenantId: tenant.id,
      modules: tenant.crm.modules,
      notifyUrl,
      token: channelToken,
    });
    await repo.put(withChannels(base, granted, now()));
    for (const c of granted) {
      step(
        `  ${c.module}: channel ${c.channelId} until ${c.expiresAt.toISOString()}` +
          (c.shortened ? ' (Zoho shortened the expiry; the scheduled renewal will extend it)' : ''),
      );
    }
    step(
      `stored the channel state in table ${wiring.tableName}; zoho-channel-renewal keeps the channels alive`,
    );
    if (channelTokenGenerated)
      step('running functions pick up the new channel token within 5 minutes (their secret cache)');

    const result: ConnectResult = {
      tenant: tenant.id,
      secretId: wiring.secretId,
      tableName: wiring.tableName,
      notifyUrl,
      channelTokenGenerated,
      channels: granted.map((c) => ({
        module: c.module,
        channelId: c.channelId,
        expiresAt: c.expiresAt.toISOString(),
        shortened: c.shortened,
      })),
    };
    if (opts.json) term.out(`${JSON.stringify(result, null, 2)}\n`);
    else term.out(`connected ${tenant.id} to Zoho CRM: ${granted.length} channels → ${notifyUrl}\n`);
    return 0;
  } catch (err) {
    term.err(`connect failed: ${describe(err, wiring)}\n`);
    return 1;
  }
};

const describe = (err: unknown, wiring: ConnectWiring): string => {
  if (err instanceof ConnectError) return err.message;
  if (err instanceof ZohoOAuthError) {
    if (err.code === 'invalid_code')
      return 'Zoho refused the grant code (invalid_code): codes are single-use and expire after a minute; authorize again and run connect at once';
    if (err.code === 'invalid_client')
      return `Zoho refused the client (invalid_client): check zohoClientId/zohoClientSecret in ${wiring.secretId} and the data centre`;
    if (err.code === 'invalid_redirect_uri')
      return 'Zoho refused the redirect URI (invalid_redirect_uri): pass exactly the one the authorization used';
    return `Zoho token endpoint: ${err.code}: ${err.message}`;
  }
  return explain(err, wiring);
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
    const early = checkConnectArgs(provider, opts);
    if (early.length > 0) {
      for (const p of early) console.error(p);
      process.exitCode = 2;
      return;
    }
    let wiring: ConnectWiring;
    try {
      const target = await targetForCli(opts);
      opts.apiUrl ??= target.apiUrl;
      wiring = wiringFromEnvironment(opts, target);
    } catch (err) {
      console.error((err as Error).message);
      process.exitCode = err instanceof UsageError ? 2 : 1;
      return;
    }
    process.exitCode = await runConnect(provider, opts, wiring, {
      out: (t) => process.stdout.write(t),
      err: (t) => process.stderr.write(t),
      isTTY: !!process.stderr.isTTY,
    });
    wiring.doc.destroy();
    wiring.secretsClient.destroy();
  });
};

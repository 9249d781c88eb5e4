/**
 * Zoho CRM's operator-side tools (shared/crm/operator.ts): the CLI connect step (exchange the grant code for the
 * refresh token, enable notification channels to the tenant's API) and the local simulator `npm start` runs.
 */
import axios from 'axios';
import { type CrmSimulation, sampleOf, stageOf } from '../../../infra/local/crm-simulators';
import { startZohoSimulator, type ZohoSimulator } from '../../../infra/local/simulators/zoho';
import { displayName } from '../../../infra/local/simulators/zoho/store';
import type { TenantConfig } from '../../config/tenant';
import { codedError } from '../../errors';
import { DynamoTokenCache } from '../../store/token-cache';
import { withChannels, ZohoChannelRepository } from '../../store/zoho-channels';
import type { CliConnectStep, CrmOperatorTools } from '../operator';
import { InMemoryTokenCache } from '../token-cache';
import { createZohoConnector } from './connector';
import { ZohoOAuthError } from './errors';
import { accountsUrlFor } from './hosts';
import type { CachedToken } from './oauth';
import type { ZohoConfig } from './settings';
import { generateChannelToken } from './watch';

/** Where workflows write back (tasks, notes, call logs): listed newest first, so a new one is in view. */
const ZOHO_WRITE_BACK = ['Tasks', 'Calls', 'Notes'];

const nonEmptyString = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

const connect: CliConnectStep<ZohoConfig> = {
  run: async ({ tenant, secret, writeSecret, secretId, doc, tableName, apiUrl, options, now, step }) => {
    const notifyUrl = `${apiUrl.replace(/\/+$/, '')}/webhooks/zoho`;
    const missing = (['zohoClientId', 'zohoClientSecret'] as const).filter((f) => !nonEmptyString(secret[f]));
    if (missing.length > 0)
      throw new ZohoConnectStepError(
        `the tenant secret ${secretId} lacks ${missing.join(', ')}: put the Zoho API client's id and secret ` +
          'there first (API Console › Server-based Applications), then authorize again for a fresh code',
      );
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
      cache: new DynamoTokenCache<CachedToken>(doc, tableName),
      http: axios.create({ timeout: 30_000 }),
      now: () => now().getTime(),
    });

    const accounts = options.accountsServer ?? accountsUrlFor(tenant.crm);
    step(`exchanging the grant code at ${accounts}…`);
    const exchanged = await zoho.oauth.exchangeCode({
      code: options.code.trim(),
      redirectUri: options.redirectUri,
      ...(options.accountsServer ? { accountsServer: options.accountsServer } : {}),
    });
    refreshToken = exchanged.refreshToken;

    const channelTokenGenerated = !nonEmptyString(secret.zohoChannelToken);
    const channelToken = channelTokenGenerated ? generateChannelToken() : (secret.zohoChannelToken as string);
    await writeSecret({ ...secret, zohoRefreshToken: refreshToken, zohoChannelToken: channelToken });
    step(
      `stored zohoRefreshToken${channelTokenGenerated ? ' and a new zohoChannelToken' : ''} in secret ${secretId}`,
    );

    const repo = new ZohoChannelRepository(doc, tableName);
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
    step(`stored the channel state in table ${tableName}; zoho-channel-renewal keeps the channels alive`);
    if (channelTokenGenerated)
      step('running functions pick up the new channel token within 5 minutes (their secret cache)');
    return {
      result: {
        tenant: tenant.id,
        secretId,
        tableName,
        notifyUrl,
        channelTokenGenerated,
        channels: granted.map((c) => ({
          module: c.module,
          channelId: c.channelId,
          expiresAt: c.expiresAt.toISOString(),
          shortened: c.shortened,
        })),
      },
      summary: `connected ${tenant.id} to Zoho CRM: ${granted.length} channels → ${notifyUrl}`,
    };
  },
  explain: (err, secretId) => {
    if (err instanceof ZohoConnectStepError) return err.message;
    if (!(err instanceof ZohoOAuthError)) return undefined;
    if (err.code === 'invalid_code')
      return 'Zoho refused the grant code (invalid_code): codes are single-use and expire after a minute; authorize again and run connect at once';
    if (err.code === 'invalid_client')
      return `Zoho refused the client (invalid_client): check zohoClientId/zohoClientSecret in ${secretId} and the data centre`;
    if (err.code === 'invalid_redirect_uri')
      return 'Zoho refused the redirect URI (invalid_redirect_uri): pass exactly the one the authorization used';
    return `Zoho token endpoint: ${err.code}: ${err.message}`;
  },
};

/** The admin has not finished the setup the step needs (exit 1, the message says what to do). */
class ZohoConnectStepError extends codedError('invalid_config') {
  override readonly name = 'ZohoConnectStepError';
}

const simulateZoho = async (
  tenant: TenantConfig & { crm: ZohoConfig },
  now: () => number,
): Promise<CrmSimulation> => {
  const sim: ZohoSimulator = await startZohoSimulator({ now });
  const refreshToken = sim.issueRefreshToken();
  const channelToken = generateChannelToken();
  const crm = { ...tenant.crm, accountsUrl: sim.url, apiBaseUrl: sim.url };
  return {
    provider: 'zoho',
    url: sim.url,
    tenant: { ...tenant, crm },
    secrets: {
      zohoClientId: sim.clientId,
      zohoClientSecret: sim.clientSecret,
      zohoRefreshToken: refreshToken,
      zohoChannelToken: channelToken,
    },
    connect: async (gatewayUrl, channels) => {
      const connector = createZohoConnector({
        tenantId: tenant.id,
        conn: crm,
        clientId: sim.clientId,
        clientSecret: sim.clientSecret,
        refreshToken: async () => refreshToken,
        cache: new InMemoryTokenCache(),
      });
      const notifyUrl = `${gatewayUrl}/webhooks/zoho`;
      const granted = await connector.watch.enable({
        tenantId: tenant.id,
        modules: crm.modules,
        notifyUrl,
        token: channelToken,
      });
      await channels?.put(withChannels({ notifyUrl, channels: {} }, granted, new Date()));
    },
    change: (module, id, values) => sim.changeRecord(module, id, values),
    faults: (f) => {
      if (f.tooManyRequests !== undefined) sim.faults.tooManyRequests = f.tooManyRequests;
      if (f.serverErrors !== undefined) sim.faults.serverErrors = f.serverErrors;
      if (f.slowMs !== undefined) sim.faults.slowMs = f.slowMs;
      if (f.duplicateNotifications !== undefined)
        sim.faults.duplicateNotifications = f.duplicateNotifications;
      if (f.outOfOrderNotifications !== undefined)
        sim.faults.outOfOrderNotifications = f.outOfOrderNotifications;
      if (f.expireTokens) sim.expireAccessTokens();
    },
    flush: async () => (await sim.flushNotifications()).length,
    sample: () =>
      Object.fromEntries(
        [...crm.modules, ...ZOHO_WRITE_BACK.filter((m) => sim.store.has(m) && !crm.modules.includes(m))].map(
          (m) => [
            m,
            sampleOf(
              (sim.store.has(m) ? sim.store.all(m) : []).map((r) => ({ id: r.id, ...r.fields })),
              ZOHO_WRITE_BACK.includes(m),
              (f) => ({ id: String(f.id), name: displayName(f), ...stageOf(f.Stage) }),
            ),
          ],
        ),
      ),
    stop: () => sim.stop(),
  };
};
export const zohoOperator: CrmOperatorTools<ZohoConfig> = { connect, simulate: simulateZoho };

/**
 * Zoho CRM's operator-side tools (shared/crm/operator.ts): the CLI connect step (exchange the grant code for the
 * refresh token, enable notification channels to the tenant's API) and the local simulator `npm start` runs
 * (./simulation.ts, loaded only then).
 */
import { codedError } from '../../errors';
import { DynamoTokenCache } from '../../store/token-cache';
import { withChannels, ZohoChannelRepository } from '../../store/zoho-channels';
import { createHttpClient } from '../http';
import type { CliConnectStep, CrmOperatorTools } from '../operator';
import { createZohoConnector } from './connector';
import { ZohoOAuthError } from './errors';
import { accountsUrlFor } from './hosts';
import type { CachedToken } from './oauth';
import type { ZohoConfig } from './settings';
import { generateChannelToken } from './watch';

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
      http: createHttpClient({ timeout: 30_000 }),
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

export const zohoOperator: CrmOperatorTools<ZohoConfig> = {
  connect,
  simulate: async (tenant, now) => (await import('./simulation')).simulateZoho(tenant, now),
};

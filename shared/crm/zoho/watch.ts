/**
 * Zoho notification channels ("watch", crm-protocols.md §1.4): one channel per module, with a deterministic
 * channel id per tenant and module and the tenant's high-entropy token. Channels expire (v4+: at most a week; a
 * missing or too-long expiry silently becomes 1 hour), so we ask for slightly less than the maximum, read back the
 * expiry Zoho actually granted, and report health so the scheduled renewal acts before anything stops.
 */
import { createHash } from 'node:crypto';
import * as z from '../../../events/zod';
import type { ZohoClient } from './client';
import { ZohoApiError } from './errors';
import { formatZohoDateTime } from './records';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export { generateChannelToken } from './channel-token';

/** Zoho caps tokens at 50 characters (generateChannelToken makes 43). */
export const MAX_CHANNEL_TOKEN_LENGTH = 50;
/** Ask for this much less than the maximum: a clock ahead of Zoho's would make "max" read as "over max" → 1 h. */
const EXPIRY_MARGIN_MS = HOUR;

/** v2–v3 allow at most a day, v4 and later a week. */
export const maxChannelLifetimeMs = (apiVersion: string): number => {
  const major = Number(/^v(\d+)/.exec(apiVersion)?.[1] ?? 0);
  return major >= 4 ? 7 * DAY : DAY;
};

/** A long (≤ 2^56) derived from tenant and module: renewals address the same channel, tenants never collide. */
export const channelIdFor = (tenantId: string, module: string): string =>
  BigInt(
    `0x${createHash('sha256').update(`quotaflow:${tenantId}:${module}`).digest('hex').slice(0, 14)}`,
  ).toString();

/** channel id → module, for the receiver's "unknown channel" check. */
export const channelMap = (tenantId: string, modules: readonly string[]): Map<string, string> =>
  new Map(modules.map((m) => [channelIdFor(tenantId, m), m]));

export interface WatchConfig {
  tenantId: string;
  modules: readonly string[];
  notifyUrl: string;
  token: string;
  /** Wanted lifetime; clamped to the API version's maximum minus a margin. */
  lifetimeMs?: number;
}

export interface ChannelStatus {
  module: string;
  channelId: string;
  expiresAt: Date;
  /** Zoho granted noticeably less than asked (typically the 1-hour default). */
  shortened: boolean;
}

export type ChannelHealth = {
  module: string;
  channelId: string;
  state: 'ok' | 'renew-soon' | 'expired' | 'missing' | 'misconfigured';
  expiresAt?: Date;
};

const entryResult = z.lazy(() =>
  z.looseObject({
    code: z.string(),
    status: z.string(),
    message: z.optional(z.string()),
    details: z.unknown(),
  }),
);
const watchResponse = z.lazy(() => z.looseObject({ watch: z.array(entryResult) }));
const subscribed = z.lazy(() =>
  z.looseObject({
    details: z.looseObject({
      events: z.array(
        z.looseObject({
          channel_id: z.coerce.string(),
          channel_expiry: z.string(),
          resource_name: z.optional(z.string()),
        }),
      ),
    }),
  }),
);
const detailsResponse = z.lazy(() =>
  z.looseObject({
    watch: z.array(
      z.looseObject({
        channel_id: z.coerce.string(),
        channel_expiry: z.optional(z.string()),
        notify_url: z.optional(z.string()),
        token: z.nullish(z.string()),
      }),
    ),
    info: z.optional(z.looseObject({ more_records: z.optional(z.boolean()) })),
  }),
);

export class ZohoWatch {
  constructor(
    private readonly client: ZohoClient,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Subscribes (or re-subscribes) every module; per-channel errors throw ZohoApiError naming the module. */
  enable(cfg: WatchConfig): Promise<ChannelStatus[]> {
    return this.write('POST', cfg);
  }

  /** Extends every channel; a channel Zoho no longer knows (NOT_SUBSCRIBED) is enabled afresh. */
  async renew(cfg: WatchConfig): Promise<ChannelStatus[]> {
    try {
      return await this.write('PATCH', cfg);
    } catch (err) {
      if (err instanceof ZohoApiError && err.code === 'NOT_SUBSCRIBED') return this.enable(cfg);
      throw err;
    }
  }

  async disable(cfg: Pick<WatchConfig, 'tenantId' | 'modules'>): Promise<void> {
    const ids = cfg.modules.map((m) => channelIdFor(cfg.tenantId, m)).join(',');
    await this.client.send({
      kind: 'watch',
      method: 'DELETE',
      path: '/actions/watch',
      query: { channel_ids: ids },
    });
  }

  /** What Zoho currently has for our channels; `renewBeforeMs` ahead of expiry counts as "renew-soon". */
  async health(cfg: WatchConfig, renewBeforeMs = 6 * HOUR): Promise<ChannelHealth[]> {
    const found = new Map<string, z.infer<typeof detailsResponse>['watch'][number]>();
    for (let page = 1; ; page++) {
      const res = await this.client.send({
        kind: 'watch',
        method: 'GET',
        path: '/actions/watch',
        query: { page, per_page: 200 },
      });
      if (res.data === undefined) break;
      const body = z.parse(detailsResponse, res.data);
      for (const w of body.watch) found.set(w.channel_id, w);
      if (!body.info?.more_records) break;
    }
    const now = this.now().getTime();
    return cfg.modules.map((module): ChannelHealth => {
      const channelId = channelIdFor(cfg.tenantId, module);
      const w = found.get(channelId);
      if (!w) return { module, channelId, state: 'missing' };
      const expiresAt = w.channel_expiry ? new Date(w.channel_expiry) : undefined;
      const base = { module, channelId, ...(expiresAt ? { expiresAt } : {}) };
      if (w.notify_url !== cfg.notifyUrl || (w.token ?? '') !== cfg.token)
        return { ...base, state: 'misconfigured' };
      if (!expiresAt || expiresAt.getTime() <= now) return { ...base, state: 'expired' };
      return { ...base, state: expiresAt.getTime() - now < renewBeforeMs ? 'renew-soon' : 'ok' };
    });
  }

  private async write(method: 'POST' | 'PATCH', cfg: WatchConfig): Promise<ChannelStatus[]> {
    if (cfg.token.length > MAX_CHANNEL_TOKEN_LENGTH)
      throw new RangeError('Zoho channel tokens are at most 50 characters');
    const max = maxChannelLifetimeMs(this.client.apiVersion) - EXPIRY_MARGIN_MS;
    const wanted = Math.min(cfg.lifetimeMs ?? max, max);
    const expiry = new Date(this.now().getTime() + wanted);
    const watch = cfg.modules.map((module) => ({
      channel_id: channelIdFor(cfg.tenantId, module),
      events: [`${module}.all`],
      channel_expiry: formatZohoDateTime(expiry),
      token: cfg.token,
      notify_url: cfg.notifyUrl,
      return_affected_field_values: true,
      // Related-record edits would otherwise notify too (Zoho's default is true) and cost a fetch each.
      notify_on_related_action: false,
    }));
    const res = await this.client.send({
      kind: 'watch',
      method,
      path: '/actions/watch',
      body: { watch },
      passStatuses: [202, 400],
    });
    const body = watchResponse.safeParse(res.data);
    if (!body.success) {
      throw new ZohoApiError(
        res.status,
        'UNEXPECTED_RESPONSE',
        body.error.message,
        undefined,
        `${method} /actions/watch`,
      );
    }
    return body.data.watch.map((entry, i) => {
      const module = cfg.modules[i] ?? '?';
      const ok = entry.status === 'success' ? subscribed.safeParse(entry) : undefined;
      if (!ok?.success) {
        throw new ZohoApiError(
          res.status,
          entry.code,
          `${module}: ${entry.message ?? entry.code}`,
          entry.details,
          `${method} /actions/watch`,
        );
      }
      const granted = ok.data.details.events[0];
      const expiresAt = granted ? new Date(granted.channel_expiry) : expiry;
      return {
        module,
        channelId: watch[i]?.channel_id ?? '',
        expiresAt,
        shortened: expiresAt.getTime() < expiry.getTime() - HOUR,
      };
    });
  }
}

/**
 * Keeping the tenant's Zoho notification channels alive (crm-protocols.md §1.4): channels expire (at most a week on
 * v4+), and an expired channel stops delivering without a word. The scheduled renewal reads the stored state (the
 * notify URL `quotaflow connect zoho` enabled them with), asks Zoho what it has, renews each channel that is
 * renew-soon, expired or missing, and records the expiry Zoho granted. Modules are renewed one by one so one
 * failing module neither hides nor blocks the others; any failure is thrown afterwards, naming the modules, so the
 * platform's retry, DLQ and alarm take over.
 */
import type { ChannelHealth, ZohoWatch } from '../crm/zoho/watch';
import { DomainError } from '../errors';
import { withChannels, type ZohoChannelRepository } from '../store/zoho-channels';

export interface ZohoChannelRenewalDeps {
  tenantId: string;
  modules: readonly string[];
  watch: Pick<ZohoWatch, 'health' | 'renew'>;
  channels: Pick<ZohoChannelRepository, 'get' | 'put'>;
  /** The channel token from the tenant secret; read only when there is state to act on. */
  channelToken: () => Promise<string>;
  now: () => Date;
  /** Renew when less than this is left; default RENEW_BEFORE_MS. */
  renewBeforeMs?: number;
}

/**
 * Renew when less than 36 h are left. The schedule runs every 12 h (tenants may slow it to a day), so a channel is
 * renewed with at least a run or two to spare; watch.health's own 6 h default is shorter than the schedule's rate
 * and would let a channel expire between two runs.
 */
export const RENEW_BEFORE_MS = 36 * 3_600_000;

export interface RenewedChannel {
  module: string;
  channelId: string;
  /** Health before renewal. */
  was: ChannelHealth['state'];
  expiresAt: string;
  /** Zoho granted noticeably less than asked (typically its 1-hour default). */
  shortened: boolean;
}

export interface FailedChannel {
  module: string;
  channelId: string;
  was: ChannelHealth['state'];
  error: string;
}

export type ZohoChannelRenewalResult =
  | { status: 'not-connected' }
  | {
      status: 'checked';
      notifyUrl: string;
      health: { module: string; channelId: string; state: ChannelHealth['state']; expiresAt?: string }[];
      renewed: RenewedChannel[];
      failed: FailedChannel[];
      /** Channels whose notify URL or token differ from ours: left alone, a person must reconnect. */
      misconfigured: string[];
    };

const RENEW: ReadonlySet<ChannelHealth['state']> = new Set(['renew-soon', 'expired', 'missing']);

export class ZohoChannelRenewalError extends DomainError {
  override readonly name = 'ZohoChannelRenewalError';
  constructor(readonly result: Extract<ZohoChannelRenewalResult, { status: 'checked' }>) {
    const parts = [
      ...result.failed.map((f) => `${f.module} (${f.was}): ${f.error}`),
      ...result.misconfigured.map(
        (m) =>
          `${m}: the channel's notify URL or token differs from the stored state; run \`quotaflow connect zoho\` again`,
      ),
    ];
    super('renewal_failed', `Zoho channels not renewed: ${parts.join('; ')}`);
  }
}

/**
 * Checks and renews; returns `not-connected` when channels were never enabled. Throws ZohoChannelRenewalError (after
 * saving what did renew) when a channel could not be renewed or is misconfigured.
 */
export const renewZohoChannels = async (deps: ZohoChannelRenewalDeps): Promise<ZohoChannelRenewalResult> => {
  const state = await deps.channels.get();
  if (!state) return { status: 'not-connected' };
  const cfg = {
    tenantId: deps.tenantId,
    modules: deps.modules,
    notifyUrl: state.notifyUrl,
    token: await deps.channelToken(),
  };
  const health = await deps.watch.health(cfg, deps.renewBeforeMs ?? RENEW_BEFORE_MS);
  const renewed: RenewedChannel[] = [];
  const failed: FailedChannel[] = [];
  for (const h of health.filter((x) => RENEW.has(x.state))) {
    try {
      const [granted] = await deps.watch.renew({ ...cfg, modules: [h.module] });
      if (!granted) throw new Error('Zoho answered without a channel');
      renewed.push({
        module: h.module,
        channelId: granted.channelId,
        was: h.state,
        expiresAt: granted.expiresAt.toISOString(),
        shortened: granted.shortened,
      });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      failed.push({ module: h.module, channelId: h.channelId, was: h.state, error: message });
    }
  }
  const renewedModules = new Set(renewed.map((r) => r.module));
  await deps.channels.put(
    withChannels(
      state,
      [
        // What Zoho reports for the channels left alone, then what it granted for the renewed ones.
        ...health
          .filter((h) => !renewedModules.has(h.module) && h.state !== 'misconfigured')
          .map((h) => ({ module: h.module, channelId: h.channelId, expiresAt: h.expiresAt })),
        ...renewed.map((r) => ({
          module: r.module,
          channelId: r.channelId,
          expiresAt: new Date(r.expiresAt),
        })),
      ],
      deps.now(),
    ),
  );
  const result = {
    status: 'checked' as const,
    notifyUrl: state.notifyUrl,
    health: health.map((h) => ({
      module: h.module,
      channelId: h.channelId,
      state: h.state,
      ...(h.expiresAt ? { expiresAt: h.expiresAt.toISOString() } : {}),
    })),
    renewed,
    failed,
    misconfigured: health.filter((h) => h.state === 'misconfigured').map((h) => h.module),
  };
  if (failed.length > 0 || result.misconfigured.length > 0) throw new ZohoChannelRenewalError(result);
  return result;
};

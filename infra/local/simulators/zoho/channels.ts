/**
 * The simulator's notification API: `actions/watch` (enable, details, update, replace, disable) with Zoho's expiry
 * rule (v4+ at most a week, v2–v3 a day; missing or over the maximum becomes 1 hour), and delivery of the documented
 * notification body to each subscribed channel's notify_url. Fault modes: duplicate and out-of-order deliveries.
 */
import { formatAt } from './store';

export interface Channel {
  channel_id: string;
  events: string[];
  expiresMs: number;
  token: string | null;
  notify_url: string;
  return_affected_field_values: boolean;
  notify_on_related_action: boolean;
}

export type Operation = 'insert' | 'update' | 'delete';

export interface Delivery {
  channelId: string;
  body: Record<string, unknown>;
  status: number;
}

export interface ChannelOptions {
  now: () => number;
  offsetMinutes: number;
  apiDomain: () => string;
  hasModule: (module: string) => boolean;
  duplicate: () => boolean;
  outOfOrder: () => boolean;
}

type Answer = { status: number; body?: unknown };
const HOUR = 3_600_000;
const EVENT_FOR: Record<Operation, string> = { insert: 'create', update: 'edit', delete: 'delete' };

const entryError = (code: string, message: string, details: Record<string, unknown> = {}) => ({
  code,
  details,
  message,
  status: 'error',
});

export class Channels {
  readonly channels = new Map<string, Channel>();
  private held: { channel: Channel; body: Record<string, unknown> }[] = [];

  constructor(private readonly opts: ChannelOptions) {}

  active(): Channel[] {
    return [...this.channels.values()].filter((c) => c.expiresMs > this.opts.now());
  }

  handle(method: string, version: string, query: URLSearchParams, body: unknown): Answer {
    if (method === 'GET') return this.details();
    if (method === 'DELETE') {
      const ids = (query.get('channel_ids') ?? '').split(',').filter(Boolean);
      if (ids.length === 0) return { status: 400, body: entryError('REQUIRED_PARAM_MISSING', 'channel_ids') };
      const watch = ids.map((id) =>
        this.channels.delete(id)
          ? {
              code: 'SUCCESS',
              details: { events: [] },
              message: 'Successfully un-subscribed from actions-watch',
              status: 'success',
            }
          : entryError('NOT_SUBSCRIBED', 'not subscribed', { channel_id: id }),
      );
      return { status: 200, body: { watch } };
    }
    const entries = (body as { watch?: unknown })?.watch;
    if (!Array.isArray(entries) || entries.length === 0) {
      return {
        status: 400,
        body: entryError('MANDATORY_NOT_FOUND', 'required field not found', { api_name: 'watch' }),
      };
    }
    const major = Number(/^v(\d+)/.exec(version)?.[1] ?? 2);
    const maxMs = major >= 4 ? 7 * 24 * HOUR : 24 * HOUR;
    const watch = entries.map((e: Record<string, unknown>) => this.apply(method, e, maxMs));
    const failed = watch.filter((w) => w.status === 'error').length;
    return { status: failed > 0 ? 400 : method === 'POST' ? 201 : 200, body: { watch } };
  }

  private apply(method: string, e: Record<string, unknown>, maxMs: number) {
    const id = e.channel_id === undefined ? '' : String(e.channel_id);
    if (!/^\d{1,19}$/.test(id))
      return entryError('MANDATORY_NOT_FOUND', 'required field not found', { api_name: 'channel_id' });
    const existing = this.channels.get(id);
    if (method === 'PATCH' && !existing)
      return entryError('NOT_SUBSCRIBED', 'not subscribed', { channel_id: id });
    const events = Array.isArray(e.events) ? e.events.map(String) : (existing?.events ?? []);
    if (events.length === 0)
      return entryError('MANDATORY_NOT_FOUND', 'required field not found', { api_name: 'events' });
    const bad = events.find(
      (ev) => !/^\w+\.(all|create|edit|delete)$/.test(ev) || !this.opts.hasModule(ev.split('.')[0] ?? ''),
    );
    if (bad) return entryError('INVALID_DATA', 'invalid data', { api_name: 'events', value: bad });
    const token =
      e.token === undefined ? (existing?.token ?? null) : e.token === null ? null : String(e.token);
    if (token && token.length > 50)
      return entryError('INVALID_DATA', 'invalid data', { api_name: 'token', maximum_length: 50 });
    const notifyUrl = e.notify_url === undefined ? existing?.notify_url : String(e.notify_url);
    if (!notifyUrl)
      return entryError('MANDATORY_NOT_FOUND', 'required field not found', { api_name: 'notify_url' });
    const now = this.opts.now();
    const asked = typeof e.channel_expiry === 'string' ? Date.parse(e.channel_expiry) : Number.NaN;
    // Zoho's rule: missing, unparsable or beyond the maximum silently becomes one hour.
    const expiresMs = Number.isNaN(asked) || asked > now + maxMs || asked <= now ? now + HOUR : asked;
    const channel: Channel = {
      channel_id: id,
      events: method === 'PATCH' && existing ? [...new Set([...existing.events, ...events])] : events,
      expiresMs,
      token,
      notify_url: notifyUrl,
      return_affected_field_values: Boolean(
        e.return_affected_field_values ?? existing?.return_affected_field_values ?? false,
      ),
      notify_on_related_action: Boolean(
        e.notify_on_related_action ?? existing?.notify_on_related_action ?? true,
      ),
    };
    this.channels.set(id, channel);
    return {
      code: 'SUCCESS',
      details: {
        events: channel.events.map((ev) => ({
          channel_expiry: formatAt(expiresMs, this.opts.offsetMinutes),
          // Zoho says /crm/v2/ here whatever version was called.
          resource_uri: `${this.opts.apiDomain()}/crm/v2/${ev.split('.')[0]}`,
          resource_id: '5725767000000002175',
          resource_name: ev.split('.')[0],
          channel_id: id,
        })),
      },
      message:
        method === 'POST'
          ? 'Successfully subscribed for actions-watch of the given module'
          : 'Successfully updated the subscribe details',
      status: 'success',
    };
  }

  private details(): Answer {
    const list = this.active();
    if (list.length === 0) return { status: 204 };
    return {
      status: 200,
      body: {
        watch: list.map((c) => ({
          channel_id: c.channel_id,
          events: c.events,
          channel_expiry: formatAt(c.expiresMs, this.opts.offsetMinutes),
          notify_url: c.notify_url,
          token: c.token,
          fields: null,
          notify_on_related_action: c.notify_on_related_action,
          return_affected_field_values: c.return_affected_field_values,
        })),
        info: { per_page: 200, count: list.length, page: 1, more_records: false },
      },
    };
  }

  /** Posts the documented body to every active channel watching this module and operation. */
  async notify(
    module: string,
    operation: Operation,
    changes: { id: string; values: Record<string, unknown> }[],
  ): Promise<Delivery[]> {
    const wanted = new Set([`${module}.all`, `${module}.${EVENT_FOR[operation]}`]);
    const deliveries: Delivery[] = [];
    for (const channel of this.active().filter((c) => c.events.some((e) => wanted.has(e)))) {
      const url = new URL(channel.notify_url);
      const body: Record<string, unknown> = {
        server_time: this.opts.now(),
        query_params: Object.fromEntries(url.searchParams),
        module,
        resource_uri: `${this.opts.apiDomain()}/crm/v2/${module}`,
        ids: changes.map((c) => c.id),
        affected_fields: changes.map((c) => ({ [c.id]: Object.keys(c.values) })),
        operation,
        channel_id: channel.channel_id,
        token: channel.token,
        ...(channel.return_affected_field_values
          ? { affected_values: changes.map((c) => ({ record_id: c.id, values: c.values })) }
          : {}),
      };
      if (this.opts.outOfOrder()) {
        this.held.push({ channel, body });
        continue;
      }
      const times = this.opts.duplicate() ? 2 : 1;
      for (let i = 0; i < times; i++) deliveries.push(await this.post(channel, body));
    }
    return deliveries;
  }

  /** Sends held notifications newest first (the out-of-order fault). */
  async flush(): Promise<Delivery[]> {
    const held = this.held.reverse();
    this.held = [];
    const out: Delivery[] = [];
    for (const h of held) out.push(await this.post(h.channel, h.body));
    return out;
  }

  private async post(channel: Channel, body: Record<string, unknown>): Promise<Delivery> {
    try {
      const res = await fetch(channel.notify_url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
      await res.arrayBuffer();
      return { channelId: channel.channel_id, body, status: res.status };
    } catch {
      return { channelId: channel.channel_id, body, status: 0 };
    }
  }
}

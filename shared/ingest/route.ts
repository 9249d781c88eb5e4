/**
 * One webhook route as its receiver function serves it: what the route authenticates with (built once per
 * container from the tenant and its secrets), its receive function over the one ingest pipeline (./pipeline.ts),
 * and what a delivery's result comes to (the log line, the delivery counted, the answer). Every receiver function
 * is functions/http/receiver.ts over one of these; the routes sit beside their receive functions (the generic
 * webhook's here, a CRM's in shared/crm/<provider>/receivers.ts).
 */
import type { TenantSecrets } from '../config/secrets';
import type { CrmTenant } from '../crm/provider';
import type { IngestDeps, IngestRequest } from './pipeline';

/** What the receiver function does with a result. */
export interface RouteOutcome {
  /** The fields of the "webhook accepted" log line, `provider` first. */
  log: Record<string, unknown>;
  /** The delivery as counted in the metrics; none for a probe. */
  counted?: 'accepted' | 'duplicate' | 'ignored';
  /** Taken as the invocation's correlation id in the log, when the route knows one. */
  correlationId?: string;
  statusCode: number;
  body: unknown;
}

export interface ReceiverRoute<Auth, Result> {
  auth(tenant: CrmTenant, secrets: () => Promise<TenantSecrets>): Auth;
  receive(req: IngestRequest, deps: IngestDeps & Auth): Promise<Result>;
  outcome(result: Result): RouteOutcome;
}

/** Checks a route against the interface while keeping its own types. */
export const defineReceiverRoute = <Auth, Result>(route: ReceiverRoute<Auth, Result>) => route;

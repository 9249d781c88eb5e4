/**
 * Shared wiring for the sync tests: a recording bus, a local HTTP receiver that runs a webhook use case the way
 * the HTTP edge does, a tenant config and a secrets port for the CRM under test, and the sync deps on dynalite.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { crmRecordChanged, type DetailOf, DOMAIN_SOURCE } from '../../../events';
import type { TenantSecrets } from '../../../shared/config/secrets';
import { parseTenantConfig, type TenantConfig } from '../../../shared/config/tenant';
import { AuthenticationError, DomainError } from '../../../shared/errors';
import type { BusEntry, EventBusPort, SecretsPort } from '../../../shared/ports';
import { ReceiptRepository } from '../../../shared/store/receipts';
import { RecordRepository } from '../../../shared/store/records';
import { keys } from '../../../shared/store/table-design';
import type { ApplyChangeDeps } from '../../../shared/sync/apply-change';
import type { CrmReader } from '../../../shared/sync/crm-reader';
import type { LocalTable } from '../../support/local-aws';

export class RecordingBus implements EventBusPort {
  readonly entries: BusEntry[] = [];
  async publish(entries: readonly BusEntry[]): Promise<void> {
    this.entries.push(...structuredClone(entries));
  }

  /** The crm.record.changed details published so far, parsed with the event's own contract. */
  changes(): DetailOf<typeof crmRecordChanged>[] {
    return this.entries
      .filter((e) => e.detailType === crmRecordChanged.detailType)
      .map((e) => crmRecordChanged.parse(e.detail));
  }

  /** Domain events (everything sync publishes), in order. */
  domain(): BusEntry[] {
    return this.entries.filter((e) => e.source === DOMAIN_SOURCE);
  }

  clear(): void {
    this.entries.length = 0;
  }
}

export interface Receiver {
  url: string;
  close(): Promise<void>;
}

/** Runs `handle` per POST; domain errors become 401/4xx as at the HTTP edge, anything else 500. */
export const startReceiver = async (
  handle: (req: { headers: Record<string, string | undefined>; rawBody: string }) => Promise<unknown>,
): Promise<Receiver> => {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      handle({
        headers: { 'content-type': req.headers['content-type'] },
        rawBody: Buffer.concat(chunks).toString('utf8'),
      })
        .then((body) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body)))
        .catch((err: unknown) => {
          const status = err instanceof AuthenticationError ? 401 : err instanceof DomainError ? 422 : 500;
          res.writeHead(status).end(String((err as Error).message));
        });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
};

export const tenantOn = (
  id: string,
  crm: Record<string, unknown> & { provider: 'zoho' | 'fxiaoke' | 'generic' },
): TenantConfig =>
  parseTenantConfig(
    {
      id,
      displayName: 'Sync test tenant',
      timeZone: 'Asia/Shanghai',
      locale: 'zh-CN',
      currency: 'CNY',
      mail: { sender: 'noreply@example.com' },
      crm,
    },
    'test',
  );

/** A secrets port over a fixed bundle; counts reads so tests can see when secrets are (not) fetched. */
export const secretsOf = (extra: Partial<TenantSecrets>): SecretsPort & { reads: number } => {
  const port = {
    reads: 0,
    async tenantSecrets(): Promise<TenantSecrets> {
      port.reads++;
      return { genericWebhookSigningSecret: `whsec_${Buffer.alloc(32, 7).toString('base64')}`, ...extra };
    },
  };
  return port;
};

/** What a crash after the domain events went out but before the receipt was marked applied leaves behind. */
export const forgetApplied = async (
  table: LocalTable,
  provider: string,
  deliveryId: string,
): Promise<void> => {
  await table.doc.send(
    new UpdateCommand({
      TableName: table.tableName,
      Key: keys.receipt(provider, deliveryId),
      UpdateExpression: 'REMOVE appliedAt',
    }),
  );
};

export const syncDeps = (
  table: LocalTable,
  bus: EventBusPort,
  crm: CrmReader | undefined,
  now: Date,
): ApplyChangeDeps & { records: RecordRepository; receipts: ReceiptRepository } => ({
  receipts: new ReceiptRepository(table.doc, table.tableName),
  records: new RecordRepository(table.doc, table.tableName),
  bus,
  crm,
  now,
});

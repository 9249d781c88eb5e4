import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { BusEntry, EventBusPort } from '../../ports';

const MAX_ENTRIES_PER_CALL = 10;
const MAX_ATTEMPTS = 3;

/** PutEvents can fail per entry while the call succeeds: resend just the failed ones, then throw. */
export class EventBridgeBus implements EventBusPort {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly busName: string,
  ) {}

  async publish(entries: readonly BusEntry[]): Promise<void> {
    for (let i = 0; i < entries.length; i += MAX_ENTRIES_PER_CALL) {
      await this.putBatch(entries.slice(i, i + MAX_ENTRIES_PER_CALL).map((e) => this.toEntry(e)));
    }
  }

  private toEntry(e: BusEntry): PutEventsRequestEntry {
    return {
      EventBusName: this.busName,
      Source: e.source,
      DetailType: e.detailType,
      Detail: JSON.stringify(e.detail),
      TraceHeader: undefined,
    };
  }

  private async putBatch(batch: PutEventsRequestEntry[]): Promise<void> {
    let pending = batch;
    for (let attempt = 1; pending.length > 0; attempt++) {
      const out = await this.client.send(new PutEventsCommand({ Entries: pending }));
      if (!out.FailedEntryCount) return;
      const failed = pending.filter((_, idx) => out.Entries?.[idx]?.ErrorCode);
      if (attempt >= MAX_ATTEMPTS) {
        const first = out.Entries?.find((r) => r.ErrorCode);
        throw new Error(
          `EventBridge rejected ${failed.length} of ${batch.length} entries: ${first?.ErrorCode} ${first?.ErrorMessage ?? ''}`,
        );
      }
      pending = failed;
    }
  }
}

export const eventBridgeClient = (): EventBridgeClient => new EventBridgeClient({});

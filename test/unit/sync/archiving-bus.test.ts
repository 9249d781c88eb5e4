import { describe, expect, it } from 'vitest';
import { crmRecordChanged, DOMAIN_SOURCE } from '../../../events';
import type { BusEntry } from '../../../shared/ports';
import type { ArchivedEvent } from '../../../shared/store/event-archive';
import { ArchivingBus } from '../../../shared/sync/archiving-bus';

const domain = (id: string, type = 'deal.won'): BusEntry => ({
  source: DOMAIN_SOURCE,
  detailType: type,
  detail: { eventId: id, occurredAt: '2026-11-27T02:00:00Z' },
});
const change: BusEntry = {
  source: crmRecordChanged.source,
  detailType: crmRecordChanged.detailType,
  detail: {},
};

const parts = (archiveFails = false) => {
  const log: string[] = [];
  const archived: ArchivedEvent[] = [];
  const bus = new ArchivingBus(
    {
      publish: async (entries) => {
        log.push(`publish ${entries.map((e) => e.detailType).join(',')}`);
      },
    },
    {
      put: async (e) => {
        if (archiveFails) throw new Error('table unreachable');
        log.push(`archive ${e.detail.eventId}`);
        archived.push(e);
        return { stored: true, day: '2026-11-27' };
      },
    },
  );
  return { bus, log, archived };
};

describe('ArchivingBus', () => {
  it('archives each domain event of a publish before any of them is on the bus, and only domain events', async () => {
    const { bus, log, archived } = parts();
    await bus.publish([domain('e1', 'record.created'), domain('e2'), change]);
    expect(log).toEqual(['archive e1', 'archive e2', 'publish record.created,deal.won,crm.record.changed']);
    expect(archived.map((a) => a.type)).toEqual(['record.created', 'deal.won']);
  });

  it('publishes nothing when the archive cannot be written: the caller fails and its retry archives again', async () => {
    const { bus, log } = parts(true);
    await expect(bus.publish([domain('e1')])).rejects.toThrow('table unreachable');
    expect(log).toEqual([]);
  });

  it('a publish without domain events writes nothing to the archive', async () => {
    const { bus, log } = parts();
    await bus.publish([change]);
    expect(log).toEqual(['publish crm.record.changed']);
  });
});

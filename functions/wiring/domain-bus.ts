/**
 * The bus of the sync paths (webhook sync, CRM sync, reconcile): their domain events are archived before they are
 * published (sync/archiving-bus.ts). A module of its own so that functions which only publish other events (the
 * receivers, the recovery sweep) do not bundle the archive and its calendar code.
 */
import type { EventBusPort } from '../../shared/ports';
import { EventArchive } from '../../shared/store/event-archive';
import { ArchivingBus } from '../../shared/sync/archiving-bus';
import { bus } from './bus';
import { clock } from './clock';
import { runtimeEnv } from './env';
import { once } from './once';
import { documentClient, tableName } from './store';

export const domainBus = once<EventBusPort>(
  () =>
    new ArchivingBus(
      bus(),
      new EventArchive(documentClient(), tableName(), {
        timeZone: runtimeEnv().tenant.timeZone,
        now: () => clock().now(),
      }),
    ),
);

import { anyDomainEvent, type DomainEventDetail } from '../../events';
import { bindTenant, logger } from '../../shared/observability/logger';
import { clock } from '../../shared/runtime/clock';
import { runtimeEnv } from '../../shared/runtime/env';
import { documentClient, tableName } from '../../shared/runtime/store';
import { EventArchive } from '../../shared/store/event-archive';
import { eventGroupHandler } from '../middleware/event';

const tenant = runtimeEnv().tenant;
bindTenant(tenant.id);
const archive = new EventArchive(documentClient(), tableName(), {
  timeZone: tenant.timeZone,
  now: () => clock().now(),
});

export const handler = eventGroupHandler(anyDomainEvent, async ({ type, detail }) => {
  const d = detail as DomainEventDetail;
  const { stored, day } = await archive.put({ type, detail: d });
  logger.info(stored ? 'event archived' : 'event already archived', { domainEventId: d.eventId, day });
  return { stored };
});

import { httpHandler, json } from '../middleware/http';
import { runtimeEnv } from '../wiring/env';

const tenant = runtimeEnv().tenant;

export const handler = httpHandler(
  async () => json(200, { status: 'ok', tenant: tenant.id, displayName: tenant.displayName }),
  { metrics: false },
);

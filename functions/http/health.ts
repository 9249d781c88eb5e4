import { runtimeEnv } from '../../shared/runtime/env';
import { httpHandler, json } from '../middleware/http';

const tenant = runtimeEnv().tenant;

export const handler = httpHandler(
  async () => json(200, { status: 'ok', tenant: tenant.id, displayName: tenant.displayName }),
  { metrics: false },
);

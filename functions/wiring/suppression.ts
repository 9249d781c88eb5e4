/** Default wiring for the tenant's suppression list (shared/store/suppression.ts). */
import { SuppressionRepository } from '../../shared/store/suppression';
import { clock } from './clock';
import { once } from './once';
import { documentClient, tableName } from './store';

export const suppression = /* @__PURE__ */ once(
  () => new SuppressionRepository(documentClient(), tableName(), () => clock().now()),
);

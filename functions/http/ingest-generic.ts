import { genericRoute } from '../../shared/ingest/generic-webhook';
import { receiverHandler } from './receiver';

export const handler = receiverHandler(genericRoute);

import { notificationRoute } from '../../shared/crm/zoho/receivers';
import { receiverHandler } from './receiver';

export const handler = receiverHandler(notificationRoute);

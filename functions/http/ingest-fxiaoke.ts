import { callbackRoute } from '../../shared/crm/fxiaoke/receivers';
import { receiverHandler } from './receiver';

export const handler = receiverHandler(callbackRoute);

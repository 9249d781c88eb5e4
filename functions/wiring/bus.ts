import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { EventBridgeBus } from '../../shared/adapters/aws/eventbridge';
import type { EventBusPort } from '../../shared/ports';
import { required, runtimeEnv } from './env';
import { ENV } from './env-names';
import { once } from './once';

export const bus = once<EventBusPort>(
  () => new EventBridgeBus(new EventBridgeClient({}), required(runtimeEnv().eventBusName, ENV.eventBusName)),
);

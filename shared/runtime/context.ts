/**
 * Wiring: the default adapters for this process, built once per container from the parsed env and reused across
 * invocations (clients created per invocation are a cold-start and socket leak). Handlers take what they need from
 * here; tests build their own with clients pointed at local servers.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { EventBridgeBus } from '../adapters/aws/eventbridge';
import { EventBridgeScheduler } from '../adapters/aws/scheduler';
import { SecretsManagerSecrets } from '../adapters/aws/secrets-manager';
import { SesMailer } from '../adapters/aws/ses';
import { EffectLedger } from '../effects/ledger';
import type { EventBusPort, MailerPort, SchedulerPort, SecretsPort } from '../ports';
import { ReceiptRepository } from '../store/receipts';
import { RecordRepository } from '../store/records';
import { clock } from './clock';
import { required, runtimeEnv } from './env';

const once = <T>(make: () => T): (() => T) => {
  let value: T | undefined;
  return () => {
    value ??= make();
    return value;
  };
};

export const documentClient = once(() =>
  DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } }),
);
const tableName = () => required(runtimeEnv().tableName, 'TABLE_NAME');

export const receipts = once(() => new ReceiptRepository(documentClient(), tableName()));
export const records = once(() => new RecordRepository(documentClient(), tableName()));

export const bus = once<EventBusPort>(
  () => new EventBridgeBus(new EventBridgeClient({}), required(runtimeEnv().eventBusName, 'EVENT_BUS_NAME')),
);
export const scheduler = once<SchedulerPort>(
  () =>
    new EventBridgeScheduler(
      new SchedulerClient({}),
      required(runtimeEnv().scheduler, 'SCHEDULE_* settings'),
    ),
);
export const mailer = once<MailerPort>(
  () => new SesMailer(new SESv2Client({}), runtimeEnv().sesConfigurationSet),
);
export const secrets = once<SecretsPort>(
  () => new SecretsManagerSecrets(new SecretsManagerClient({}), required(runtimeEnv().secretId, 'SECRET_ID')),
);

export const effects = once(
  () =>
    new EffectLedger(
      documentClient(),
      tableName(),
      {
        email: async ({ email }) => (await mailer().send(email)).messageId,
        schedule: async ({ schedule }) => {
          await scheduler().scheduleOnce(schedule);
          return schedule.name;
        },
      },
      () => clock().now(),
    ),
);

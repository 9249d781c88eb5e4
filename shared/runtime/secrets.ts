import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SecretsManagerSecrets } from '../adapters/aws/secrets-manager';
import type { SecretsPort } from '../ports';
import { required, runtimeEnv } from './env';
import { ENV } from './env-names';
import { once } from './once';

export const secrets = once<SecretsPort>(
  () =>
    new SecretsManagerSecrets(new SecretsManagerClient({}), required(runtimeEnv().secretId, ENV.secretId)),
);

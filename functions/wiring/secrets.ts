import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SecretsManagerSecrets } from '../../shared/adapters/aws/secrets-manager';
import type { SecretsPort } from '../../shared/ports';
import { required, runtimeEnv } from './env';
import { ENV } from './env-names';
import { once } from './once';

export const secrets = once<SecretsPort>(
  () =>
    new SecretsManagerSecrets(new SecretsManagerClient({}), required(runtimeEnv().secretId, ENV.secretId)),
);

/**
 * Secrets Manager stand-in over awsJson1_1, serving the tenant's dev-only secret bundle: GetSecretValue, and
 * PutSecretValue (SecretString only) for the admin's connect step. Both answer ResourceNotFound for an unknown id:
 * as on AWS, PutSecretValue adds a version to an existing secret and never creates one.
 */
import { randomUUID } from 'node:crypto';
import { AwsError, requireString } from './protocol';

const notFound = () =>
  new AwsError('ResourceNotFoundException', 400, "Secrets Manager can't find the specified secret.");

export class LocalSecretsManager {
  private readonly secrets = new Map<string, { value: string; versionId: string }>();

  put(name: string, value: string): void {
    this.secrets.set(name, { value, versionId: randomUUID() });
  }

  /** The current value (tests and the local runtime read what a connect step wrote). */
  get(name: string): string | undefined {
    return this.secrets.get(name)?.value;
  }

  handle(action: string, body: Record<string, unknown>): unknown {
    const arn = (id: string) => `arn:aws:secretsmanager:us-east-1:000000000000:secret:${id}`;
    if (action === 'GetSecretValue') {
      const id = requireString(body, 'SecretId');
      const secret = this.secrets.get(id);
      if (secret === undefined) throw notFound();
      return {
        ARN: arn(id),
        Name: id,
        SecretString: secret.value,
        VersionId: secret.versionId,
        VersionStages: ['AWSCURRENT'],
        CreatedDate: 0,
      };
    }
    if (action === 'PutSecretValue') {
      const id = requireString(body, 'SecretId');
      if (body.SecretBinary !== undefined)
        throw new AwsError('InvalidParameterException', 400, 'SecretBinary is not supported locally');
      const value = body.SecretString;
      if (typeof value !== 'string')
        throw new AwsError(
          'InvalidParameterException',
          400,
          'You must provide either SecretString or SecretBinary.',
        );
      if (!this.secrets.has(id)) throw notFound();
      const versionId = typeof body.ClientRequestToken === 'string' ? body.ClientRequestToken : randomUUID();
      this.secrets.set(id, { value, versionId });
      return { ARN: arn(id), Name: id, VersionId: versionId, VersionStages: ['AWSCURRENT'] };
    }
    throw new AwsError('UnknownOperationException', 400, `${action} is not supported locally`);
  }
}

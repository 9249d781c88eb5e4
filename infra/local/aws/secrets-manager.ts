/** Secrets Manager stand-in: GetSecretValue over awsJson1_1, serving the tenant's dev-only secret bundle. */
import { AwsError, requireString } from './protocol';

export class LocalSecretsManager {
  private readonly secrets = new Map<string, string>();

  put(name: string, value: string): void {
    this.secrets.set(name, value);
  }

  handle(action: string, body: Record<string, unknown>): unknown {
    if (action !== 'GetSecretValue')
      throw new AwsError('UnknownOperationException', 400, `${action} is not supported locally`);
    const id = requireString(body, 'SecretId');
    const value = this.secrets.get(id);
    if (value === undefined) {
      throw new AwsError(
        'ResourceNotFoundException',
        400,
        "Secrets Manager can't find the specified secret.",
      );
    }
    return {
      ARN: `arn:aws:secretsmanager:us-east-1:000000000000:secret:${id}`,
      Name: id,
      SecretString: value,
      VersionId: 'local',
      VersionStages: ['AWSCURRENT'],
      CreatedDate: 0,
    };
  }
}

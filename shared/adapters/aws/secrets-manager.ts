import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { type TenantSecrets, tenantSecretsSchema } from '../../config/secrets';
import type { SecretsPort } from '../../ports';

const CACHE_MS = 5 * 60 * 1000;

/** Caches the parsed bundle per container for a few minutes so rotation takes effect without redeploying. */
export class SecretsManagerSecrets implements SecretsPort {
  private cached?: { value: TenantSecrets; until: number };

  constructor(
    private readonly client: SecretsManagerClient,
    private readonly secretId: string,
    private readonly now: () => number = Date.now,
  ) {}

  async tenantSecrets(): Promise<TenantSecrets> {
    if (this.cached && this.cached.until > this.now()) return this.cached.value;
    const out = await this.client.send(new GetSecretValueCommand({ SecretId: this.secretId }));
    if (!out.SecretString) throw new Error(`secret ${this.secretId} has no string value`);
    let json: unknown;
    try {
      json = JSON.parse(out.SecretString);
    } catch {
      // JSON.parse quotes the start of its input in its message: never let that carry the secret into a log.
      throw new Error(`secret ${this.secretId} is not valid JSON`);
    }
    const parsed = tenantSecretsSchema.safeParse(json);
    if (!parsed.success) {
      // Name the fields only: the values are secret.
      const fields = parsed.error.issues.map((i) => i.path.join('.') || '(root)').join(', ');
      throw new Error(`secret ${this.secretId} is not a valid tenant secret bundle (check: ${fields})`);
    }
    this.cached = { value: parsed.data, until: this.now() + CACHE_MS };
    return parsed.data;
  }
}

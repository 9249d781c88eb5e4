/**
 * An independent Standard Webhooks sender for tests: written from the spec with node:crypto, sharing no code with
 * the receiver, so a test that passes proves interoperability rather than self-consistency.
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const demoSigningSecret = (root: string): string =>
  (
    JSON.parse(readFileSync(join(root, 'tenants', 'demo.dev-secrets.json'), 'utf8')) as {
      genericWebhookSigningSecret: string;
    }
  ).genericWebhookSigningSecret;

export const signedHeaders = (secret: string, id: string, body: string, timestampSeconds: number) => {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const signature = createHmac('sha256', key).update(`${id}.${timestampSeconds}.${body}`).digest('base64');
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': `v1,${signature}`,
  };
};

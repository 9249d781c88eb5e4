/**
 * Verification of Standard Webhooks signatures (webhook-id, webhook-timestamp, webhook-signature).
 * Written here rather than pulled in: the reference library ships its own base64 and timing code and an API that
 * throws generic errors; we need typed errors naming the exact problem, the project's clock, and nothing else.
 * Spec: sign `${id}.${timestamp}.${rawBody}` with HMAC-SHA256 over the base64-decoded secret (prefix whsec_),
 * header carries space-separated `v1,<base64>` entries (rotation); 5-minute tolerance in both directions.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { AuthenticationError } from '../errors';

export const TOLERANCE_SECONDS = 5 * 60;
const SECRET_PREFIX = 'whsec_';

export interface SignedHeaders {
  id?: string | undefined;
  timestamp?: string | undefined;
  signature?: string | undefined;
}

const secretBytes = (secret: string): Buffer =>
  Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64');

export const sign = (secret: string, id: string, timestampSeconds: number, body: string): string => {
  const mac = createHmac('sha256', secretBytes(secret))
    .update(`${id}.${timestampSeconds}.${body}`)
    .digest('base64');
  return `v1,${mac}`;
};

/**
 * Throws AuthenticationError naming the problem; returns the verified id and timestamp.
 * `secrets` are all currently accepted secrets (rotation): any one matching any v1 entry passes.
 */
export const verify = (
  secrets: readonly string[],
  headers: SignedHeaders,
  rawBody: string,
  now: Date,
): { id: string; timestamp: Date } => {
  const { id, timestamp, signature } = headers;
  if (!id) throw new AuthenticationError('missing_header', 'the webhook-id header is missing');
  if (!timestamp) throw new AuthenticationError('missing_header', 'the webhook-timestamp header is missing');
  if (!signature) throw new AuthenticationError('missing_header', 'the webhook-signature header is missing');
  if (!/^\d{1,12}$/.test(timestamp)) {
    throw new AuthenticationError(
      'invalid_signature',
      'the webhook-timestamp header must be whole seconds since 1970',
    );
  }
  const ts = Number(timestamp);
  const nowSeconds = Math.floor(now.getTime() / 1000);
  // Both times in the message: a sender whose clock is off (or a local runtime whose clock was moved) sees by how much.
  const times = () =>
    `(it says ${new Date(ts * 1000).toISOString()}; the receiver's time is ${new Date(nowSeconds * 1000).toISOString()})`;
  if (ts < nowSeconds - TOLERANCE_SECONDS) {
    throw new AuthenticationError(
      'stale_timestamp',
      `the webhook-timestamp is more than ${TOLERANCE_SECONDS} s in the past ${times()}`,
    );
  }
  if (ts > nowSeconds + TOLERANCE_SECONDS) {
    throw new AuthenticationError(
      'future_timestamp',
      `the webhook-timestamp is more than ${TOLERANCE_SECONDS} s in the future ${times()}`,
    );
  }
  const offered = signature
    .split(' ')
    .filter((entry) => entry.startsWith('v1,'))
    .map((entry) => Buffer.from(entry.slice(3), 'base64'));
  if (offered.length === 0) {
    throw new AuthenticationError('invalid_signature', 'the webhook-signature header has no v1 signature');
  }
  for (const secret of secrets) {
    const expected = createHmac('sha256', secretBytes(secret))
      .update(`${id}.${timestamp}.${rawBody}`)
      .digest();
    // timingSafeEqual needs equal lengths; a length mismatch reveals nothing about the secret.
    if (offered.some((sig) => sig.length === expected.length && timingSafeEqual(sig, expected))) {
      return { id, timestamp: new Date(ts * 1000) };
    }
  }
  throw new AuthenticationError(
    'invalid_signature',
    'no webhook-signature entry matches the body and secret',
  );
};

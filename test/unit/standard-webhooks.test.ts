import { describe, expect, it } from 'vitest';
import { AuthenticationError } from '../../shared/errors';
import { sign, TOLERANCE_SECONDS, verify } from '../../shared/webhooks/standard-webhooks';

// The Standard Webhooks spec's published vector (libraries/javascript/src/webhook.test.ts).
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};
const at = (seconds: number) => new Date(seconds * 1000);
const headers = (over: Partial<{ id: string; timestamp: string; signature: string }> = {}) => ({
  id: VECTOR.id,
  timestamp: String(VECTOR.timestamp),
  signature: VECTOR.signature,
  ...over,
});

const rejection = (fn: () => unknown): { code: string; message: string } => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AuthenticationError);
    return { code: (err as AuthenticationError).code, message: (err as Error).message };
  }
  throw new Error('expected a rejection');
};

describe('Standard Webhooks signatures', () => {
  it('signs the published vector exactly', () => {
    expect(sign(VECTOR.secret, VECTOR.id, VECTOR.timestamp, VECTOR.body)).toBe(VECTOR.signature);
  });

  it('verifies the published vector, with and without the whsec_ prefix', () => {
    const now = at(VECTOR.timestamp);
    expect(verify([VECTOR.secret], headers(), VECTOR.body, now)).toEqual({ id: VECTOR.id, timestamp: now });
    expect(verify([VECTOR.secret.slice('whsec_'.length)], headers(), VECTOR.body, now).id).toBe(VECTOR.id);
  });

  it('accepts a header with several signatures when one is valid (rotation)', () => {
    const sig = `v1,bm90LXRoZS1yaWdodC1zaWduYXR1cmUtYXQtYWxsLXJlYWxseQ== v1a,ignored ${VECTOR.signature}`;
    expect(verify([VECTOR.secret], headers({ signature: sig }), VECTOR.body, at(VECTOR.timestamp)).id).toBe(
      VECTOR.id,
    );
  });

  it('accepts any of several secrets (the previous one during rotation)', () => {
    const other = 'whsec_ZGV2LW9ubHktZGVtby1zaWduaW5nLXNlY3JldC0wMDE=';
    expect(verify([other, VECTOR.secret], headers(), VECTOR.body, at(VECTOR.timestamp)).id).toBe(VECTOR.id);
  });

  it('rejects a tampered body, id or timestamp', () => {
    const now = at(VECTOR.timestamp);
    expect(rejection(() => verify([VECTOR.secret], headers(), '{"test": 2432232315}', now)).code).toBe(
      'invalid_signature',
    );
    expect(
      rejection(() => verify([VECTOR.secret], headers({ id: 'msg_other' }), VECTOR.body, now)).code,
    ).toBe('invalid_signature');
    const shifted = String(VECTOR.timestamp + 1);
    expect(
      rejection(() => verify([VECTOR.secret], headers({ timestamp: shifted }), VECTOR.body, now)).code,
    ).toBe('invalid_signature');
  });

  it('rejects a truncated signature and a signature made with another secret', () => {
    const now = at(VECTOR.timestamp);
    const truncated = VECTOR.signature.slice(0, -8);
    expect(
      rejection(() => verify([VECTOR.secret], headers({ signature: truncated }), VECTOR.body, now)).code,
    ).toBe('invalid_signature');
    const foreign = sign(
      'whsec_ZGV2LW9ubHktZGVtby1zaWduaW5nLXNlY3JldC0wMDE=',
      VECTOR.id,
      VECTOR.timestamp,
      VECTOR.body,
    );
    expect(
      rejection(() => verify([VECTOR.secret], headers({ signature: foreign }), VECTOR.body, now)).code,
    ).toBe('invalid_signature');
  });

  it('rejects a header with no v1 entry', () => {
    const r = rejection(() =>
      verify([VECTOR.secret], headers({ signature: 'v2,abc' }), VECTOR.body, at(VECTOR.timestamp)),
    );
    expect(r).toEqual({
      code: 'invalid_signature',
      message: 'the webhook-signature header has no v1 signature',
    });
  });

  it.each([
    ['id', 'the webhook-id header is missing'],
    ['timestamp', 'the webhook-timestamp header is missing'],
    ['signature', 'the webhook-signature header is missing'],
  ] as const)('names a missing %s header', (field, message) => {
    const h = { ...headers(), [field]: undefined };
    expect(rejection(() => verify([VECTOR.secret], h, VECTOR.body, at(VECTOR.timestamp)))).toEqual({
      code: 'missing_header',
      message,
    });
  });

  it('rejects a non-numeric timestamp', () => {
    const r = rejection(() =>
      verify(
        [VECTOR.secret],
        headers({ timestamp: '2021-02-25T15:02:10Z' }),
        VECTOR.body,
        at(VECTOR.timestamp),
      ),
    );
    expect(r.message).toMatch(/whole seconds/);
  });

  it('applies the 5-minute window in both directions, inclusive at the edge', () => {
    const ts = VECTOR.timestamp;
    expect(verify([VECTOR.secret], headers(), VECTOR.body, at(ts + TOLERANCE_SECONDS)).id).toBe(VECTOR.id);
    expect(verify([VECTOR.secret], headers(), VECTOR.body, at(ts - TOLERANCE_SECONDS)).id).toBe(VECTOR.id);
    expect(
      rejection(() => verify([VECTOR.secret], headers(), VECTOR.body, at(ts + TOLERANCE_SECONDS + 1))).code,
    ).toBe('stale_timestamp');
    expect(
      rejection(() => verify([VECTOR.secret], headers(), VECTOR.body, at(ts - TOLERANCE_SECONDS - 1))).code,
    ).toBe('future_timestamp');
  });

  it('checks the window before the signature, so a stale replay of a valid delivery is named as stale', () => {
    const r = rejection(() => verify([VECTOR.secret], headers(), VECTOR.body, at(VECTOR.timestamp + 3600)));
    expect(r.code).toBe('stale_timestamp');
    // Both clocks are named, so a sender (or a person who moved the local clock) sees how far apart they are.
    const sent = new Date(VECTOR.timestamp * 1000).toISOString();
    const received = new Date((VECTOR.timestamp + 3600) * 1000).toISOString();
    expect(r.message).toBe(
      `the webhook-timestamp is more than ${TOLERANCE_SECONDS} s in the past (it says ${sent}; the receiver's time is ${received})`,
    );
  });
});

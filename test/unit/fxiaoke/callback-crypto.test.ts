import { describe, expect, it } from 'vitest';
import {
  buildCallbackReply,
  type CallbackEnvelope,
  callbackSignature,
  decryptContent,
  FxiaokeKeyError,
  openCallback,
  replyIsSuccess,
  sealCallback,
} from '../../../shared/crm/fxiaoke/callback-crypto';
import { AuthenticationError, RejectedInputError } from '../../../shared/errors';

// The vendor's published vector (fsxiaoke/open-fxiaoke-demo EventCallbackControllerTest; crm-protocols.md Appendix).
const AES_KEY = 'O0YjM0EDOygzNykzMzUjLwUTN3MjL5ADN1QjM5gTM0A=';
const VECTOR: CallbackEnvelope = {
  signature: '4d7c6742d8efed705054fe895ee487df738c8c50',
  timestamp: 1604644770244,
  nonce: 'mi3wrpKNnq4YdIZC',
  messageId: 'AC11291700002A9F00000608C038697A0',
  retryTimes: 1,
  enterpriseAccount: 'gxcxkj',
  encryptedContent:
    'tRPD30ygQKxFurdWxHQKpRypuXNbRcW/knsKZBCPJv9bsKnQJlUr26USpOgJqhVUm5Q2NiVG1IBrCr0dbrsreRZY6Z5/fbw75IlGQ2d7PkMWtVTAE0RG62j7HJQWAwm+XdmQC4y1AbjHzatjjrXiCKcId112DHZSqB0qznivDStywTjscnNWhaR7xbnSbmKQWsF5YlPUEudZ+P07Ol/cd6F8IXOo+nEu7UH21hRSgKI=',
};
const PLAINTEXT =
  '{"tenantId":691413,"eventType":"update","apiName":"AccountObj","dataId":"5f9cd4e6e4400e0001217faa","timestamp":1604644208525,"messageId":"AC11291700002A9F00000608C038697A0"}';
const AT = new Date(VECTOR.timestamp);
const OTHER_KEY = Buffer.alloc(32, 7).toString('base64');

const rejection = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err as AuthenticationError | RejectedInputError;
  }
  throw new Error('expected a rejection');
};

describe('Fxiaoke callback crypto: the vendor vector', () => {
  it('computes the published signature (plain concatenation, retryTimes included)', () => {
    expect(callbackSignature(VECTOR, AES_KEY)).toBe(VECTOR.signature);
  });

  it('verifies and decrypts the published callback to the published plaintext', () => {
    const opened = openCallback({ ...VECTOR }, [AES_KEY], AT);
    expect(opened.plaintext).toBe(PLAINTEXT);
    expect(opened.aesKey).toBe(AES_KEY);
    expect(opened.envelope.retryTimes).toBe(1);
  });

  it('accepts the timestamp and retryTimes as digit strings, as Jackson would', () => {
    const body = { ...VECTOR, timestamp: String(VECTOR.timestamp), retryTimes: '1' };
    expect(openCallback(body, [AES_KEY], AT).plaintext).toBe(PLAINTEXT);
  });

  it('signs without retryTimes when the field is absent (a first delivery)', () => {
    const { retryTimes: _r, ...first } = VECTOR;
    expect(callbackSignature(first, AES_KEY)).not.toBe(VECTOR.signature);
    const sealed = sealCallback(PLAINTEXT, AES_KEY, { ...first, retryTimes: undefined });
    expect(openCallback(JSON.parse(JSON.stringify(sealed)), [AES_KEY], AT).plaintext).toBe(PLAINTEXT);
  });

  it('builds the encrypted, signed "success" reply the platform expects', () => {
    const reply = buildCallbackReply(AES_KEY, AT, 'n0nce');
    expect(reply.timestamp).toBe(VECTOR.timestamp);
    expect(decryptContent(reply.encryptedResult, AES_KEY)).toBe('success');
    expect(replyIsSuccess(reply, AES_KEY)).toBe(true);
    expect(replyIsSuccess({ ...reply, nonce: 'other' }, AES_KEY)).toBe(false);
    expect(replyIsSuccess(buildCallbackReply(AES_KEY, AT, 'n', 'sinature is wrong'), AES_KEY)).toBe(false);
  });
});

describe('Fxiaoke callback crypto: refusals name the problem', () => {
  it('refuses a tampered signature', () => {
    const err = rejection(() =>
      openCallback({ ...VECTOR, signature: `0${VECTOR.signature.slice(1)}` }, [AES_KEY], AT),
    );
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err.code).toBe('invalid_signature');
    expect(rejection(() => openCallback({ ...VECTOR, signature: 'abc' }, [AES_KEY], AT)).message).toMatch(
      /40 hex/,
    );
  });

  it('refuses a tampered body: content, messageId, account or retryTimes', () => {
    const content = `${VECTOR.encryptedContent.slice(0, 10)}A${VECTOR.encryptedContent.slice(11)}`;
    for (const change of [
      { encryptedContent: content },
      { messageId: 'AC11291700002A9F00000608C038697A1' },
      { enterpriseAccount: 'other' },
      { retryTimes: 2 },
    ]) {
      const err = rejection(() => openCallback({ ...VECTOR, ...change }, [AES_KEY], AT));
      expect(err.code).toBe('invalid_signature');
    }
  });

  it('refuses a shifted timestamp: within the window by signature, outside it by the window', () => {
    expect(
      rejection(() => openCallback({ ...VECTOR, timestamp: VECTOR.timestamp + 1 }, [AES_KEY], AT)).code,
    ).toBe('invalid_signature');
    const later = new Date(VECTOR.timestamp + 500_001);
    expect(rejection(() => openCallback(VECTOR, [AES_KEY], later)).code).toBe('stale_timestamp');
    const earlier = new Date(VECTOR.timestamp - 500_001);
    expect(rejection(() => openCallback(VECTOR, [AES_KEY], earlier)).code).toBe('future_timestamp');
  });

  it('names each missing or mistyped field', () => {
    for (const field of ['timestamp', 'nonce', 'messageId', 'enterpriseAccount', 'encryptedContent']) {
      const { [field as keyof CallbackEnvelope]: _drop, ...rest } = VECTOR;
      const err = rejection(() => openCallback(rest, [AES_KEY], AT));
      expect(err).toBeInstanceOf(RejectedInputError);
      expect(err.code).toBe('invalid_payload');
      expect(err.message).toContain(`"${field}"`);
      expect(err.details).toEqual({ field });
    }
    const { signature: _s, ...unsigned } = VECTOR;
    const err = rejection(() => openCallback(unsigned, [AES_KEY], AT));
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err.message).toContain('"signature"');
    expect(rejection(() => openCallback({ ...VECTOR, nonce: 42 }, [AES_KEY], AT)).message).toContain(
      '"nonce" must be a string',
    );
    expect(rejection(() => openCallback({ ...VECTOR, retryTimes: -1 }, [AES_KEY], AT)).message).toContain(
      '"retryTimes"',
    );
    expect(rejection(() => openCallback([VECTOR], [AES_KEY], AT)).code).toBe('invalid_payload');
  });

  it('refuses correctly signed content that does not decrypt', () => {
    const fields = { ...VECTOR, retryTimes: undefined };
    for (const encryptedContent of ['bm90IGFlcw==', Buffer.alloc(32, 1).toString('base64')]) {
      const unsigned = { ...fields, encryptedContent };
      const body = { ...unsigned, signature: callbackSignature(unsigned, AES_KEY) };
      const err = rejection(() => openCallback(body, [AES_KEY], AT));
      expect(err).toBeInstanceOf(RejectedInputError);
      expect(err.details).toMatchObject({ field: 'encryptedContent', problem: 'undecryptable' });
    }
  });

  it('refuses a callback signed for another key, and accepts it under key rotation', () => {
    expect(rejection(() => openCallback(VECTOR, [OTHER_KEY], AT)).code).toBe('invalid_signature');
    expect(openCallback(VECTOR, [OTHER_KEY, AES_KEY], AT).aesKey).toBe(AES_KEY);
  });

  it('treats an unusable configured key as a configuration error, not the sender’s', () => {
    expect(() => openCallback(VECTOR, ['c2hvcnQ='], AT)).toThrow(FxiaokeKeyError);
    expect(() => openCallback(VECTOR, [], AT)).toThrow(FxiaokeKeyError);
  });
});

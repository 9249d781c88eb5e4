/**
 * Fxiaoke CRM data-change callbacks (事件变更订阅): signature check, AES decryption and the encrypted reply, exactly
 * as the vendor's demo (fsxiaoke/open-fxiaoke-demo, crm-protocols.md §2.4(b) and Appendix) does them:
 *   signature = hex(sha1(timestamp + nonce + messageId + [retryTimes] + enterpriseAccount + encryptedContent + aesKey))
 *   (plain concatenation, not sorted; aesKey is the base64 string itself; retryTimes only when present)
 *   content   = base64(AES-256-CBC, PKCS#7), key = base64-decode(aesKey) (32 bytes), IV = key[0..16)
 * node:crypto only: there is no maintained library for this vendor-specific scheme, and the ones for the older
 * WeCom-style push (§2.4(a)) use a different signature (sorted) and framing (random prefix + length), so they
 * would be wrong here; a dozen lines of node:crypto keep the exact rules visible and the errors typed.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { AuthenticationError, codedError, RejectedInputError } from '../../errors';

/** The demo of the older push rejects timestamps more than 500 s off; the data-change demo checks none. */
export const CALLBACK_TOLERANCE_MS = 500_000;

export interface CallbackEnvelope {
  signature: string;
  timestamp: number;
  nonce: string;
  messageId: string;
  /** Present only on redeliveries; part of the signed text when present. */
  retryTimes?: number | undefined;
  enterpriseAccount: string;
  encryptedContent: string;
}

export interface CallbackReply {
  timestamp: number;
  nonce: string;
  encryptedResult: string;
  signature: string;
}

/** The configured key is unusable: an operator must fix the tenant secret (not the sender's fault, so not a 4xx). */
export class FxiaokeKeyError extends codedError('invalid_config') {
  override readonly name = 'FxiaokeKeyError';
}

/**
 * The console's "解析密钥" must decode to exactly 32 bytes (AES-256). Some console-generated keys do not
 * (crm-protocols.md §2.4(b)): fail loudly at configuration time rather than refusing every callback.
 */
export const decodeAesKey = (aesKey: string): Buffer => {
  if (!/^[A-Za-z0-9+/]{43}=$/.test(aesKey)) {
    throw new FxiaokeKeyError('the Fxiaoke callback key must be 44 base64 characters ending in "="');
  }
  const key = Buffer.from(aesKey, 'base64');
  if (key.length !== 32) {
    throw new FxiaokeKeyError(`the Fxiaoke callback key decodes to ${key.length} bytes; AES-256 needs 32`);
  }
  return key;
};

const sha1Hex = (text: string): string => createHash('sha1').update(text, 'utf8').digest('hex');

export const callbackSignature = (envelope: Omit<CallbackEnvelope, 'signature'>, aesKey: string): string =>
  sha1Hex(
    `${envelope.timestamp}${envelope.nonce}${envelope.messageId}${envelope.retryTimes ?? ''}` +
      `${envelope.enterpriseAccount}${envelope.encryptedContent}${aesKey}`,
  );

export const encryptContent = (plaintext: string, aesKey: string): string => {
  const key = decodeAesKey(aesKey);
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  return Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]).toString('base64');
};

export const decryptContent = (encryptedContent: string, aesKey: string): string => {
  const key = decodeAesKey(aesKey);
  const bytes = Buffer.from(encryptedContent, 'base64');
  if (bytes.length === 0 || bytes.length % 16 !== 0) {
    throw new RejectedInputError(
      'invalid_payload',
      `encryptedContent cannot be decrypted: ${bytes.length} bytes is not a whole number of AES blocks`,
      { field: 'encryptedContent', problem: 'undecryptable' },
    );
  }
  let plain: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
    plain = Buffer.concat([decipher.update(bytes), decipher.final()]);
  } catch {
    // OpenSSL's own text ("bad decrypt", library codes) says nothing a sender can act on, and is not ours to show.
    throw new RejectedInputError(
      'invalid_payload',
      'encryptedContent cannot be decrypted with the tenant key: the padding is wrong, so it was encrypted with ' +
        'another key or altered',
      { field: 'encryptedContent', problem: 'undecryptable' },
    );
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(plain);
  } catch {
    throw new RejectedInputError('not_utf8', 'encryptedContent decrypts to bytes that are not UTF-8 text', {
      field: 'encryptedContent',
      problem: 'not_utf8',
    });
  }
};

const missing = (field: string, what: string): RejectedInputError =>
  new RejectedInputError('invalid_payload', `the callback field "${field}" ${what}`, { field });

const requiredText = (body: Record<string, unknown>, field: string, max: number): string => {
  const v = body[field];
  if (v === undefined || v === null || v === '') throw missing(field, 'is missing');
  if (typeof v !== 'string') throw missing(field, 'must be a string');
  if (v.length > max) throw missing(field, `is longer than ${max} characters`);
  return v;
};

/** Java's Long/Integer fields: the vendor sends JSON numbers; digit strings are accepted as Jackson would. */
const integer = (body: Record<string, unknown>, field: string): number | undefined => {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'string' && /^\d{1,16}$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
    throw missing(field, 'must be a non-negative whole number');
  }
  return n;
};

/** Reads the outer JSON body; every problem names its field. A missing signature is an authentication failure. */
export const parseCallbackEnvelope = (body: unknown): CallbackEnvelope => {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new RejectedInputError('invalid_payload', 'the callback body must be a JSON object');
  }
  const b = body as Record<string, unknown>;
  if (typeof b.signature !== 'string' || b.signature === '') {
    throw new AuthenticationError('invalid_signature', 'the callback has no "signature" field', {
      field: 'signature',
    });
  }
  const timestamp = integer(b, 'timestamp');
  if (timestamp === undefined) throw missing('timestamp', 'is missing');
  return {
    signature: b.signature,
    timestamp,
    nonce: requiredText(b, 'nonce', 200),
    messageId: requiredText(b, 'messageId', 200),
    retryTimes: integer(b, 'retryTimes'),
    enterpriseAccount: requiredText(b, 'enterpriseAccount', 200),
    encryptedContent: requiredText(b, 'encryptedContent', 200_000),
  };
};

/**
 * Checks the timestamp window and the signature against each accepted key (rotation); returns the key that
 * matched, which the decryption and the reply must use.
 */
export const verifyCallback = (
  envelope: CallbackEnvelope,
  aesKeys: readonly string[],
  now: Date,
  toleranceMs = CALLBACK_TOLERANCE_MS,
): string => {
  if (aesKeys.length === 0) throw new FxiaokeKeyError('no Fxiaoke callback key is configured');
  for (const key of aesKeys) decodeAesKey(key);
  const skew = envelope.timestamp - now.getTime();
  if (skew < -toleranceMs) {
    throw new AuthenticationError(
      'stale_timestamp',
      `the callback timestamp is more than ${toleranceMs / 1000} s old`,
    );
  }
  if (skew > toleranceMs) {
    throw new AuthenticationError(
      'future_timestamp',
      `the callback timestamp is more than ${toleranceMs / 1000} s in the future`,
    );
  }
  if (!/^[0-9a-fA-F]{40}$/.test(envelope.signature)) {
    throw new AuthenticationError('invalid_signature', 'the callback signature is not 40 hex digits (SHA-1)');
  }
  const offered = Buffer.from(envelope.signature.toLowerCase(), 'hex');
  // Check every key before deciding, so the time taken does not reveal which key position matched.
  let matched: string | undefined;
  for (const key of aesKeys) {
    const expected = Buffer.from(callbackSignature(envelope, key), 'hex');
    if (timingSafeEqual(offered, expected) && matched === undefined) matched = key;
  }
  if (matched === undefined) {
    throw new AuthenticationError(
      'invalid_signature',
      'the callback signature does not match its fields and the tenant key',
    );
  }
  return matched;
};

/** The whole receiving side of the crypto: parse, verify, decrypt. Returns the plaintext still as a string. */
export const openCallback = (
  body: unknown,
  aesKeys: readonly string[],
  now: Date,
  toleranceMs = CALLBACK_TOLERANCE_MS,
): { envelope: CallbackEnvelope; aesKey: string; plaintext: string } => {
  const envelope = parseCallbackEnvelope(body);
  const aesKey = verifyCallback(envelope, aesKeys, now, toleranceMs);
  return { envelope, aesKey, plaintext: decryptContent(envelope.encryptedContent, aesKey) };
};

/** The answer the platform expects: "success", encrypted and signed with the same key (anything else = failure). */
export const buildCallbackReply = (
  aesKey: string,
  now: Date,
  nonce: string = randomBytes(8).toString('hex'),
  result = 'success',
): CallbackReply => {
  const timestamp = now.getTime();
  const encryptedResult = encryptContent(result, aesKey);
  return {
    timestamp,
    nonce,
    encryptedResult,
    signature: sha1Hex(`${timestamp}${nonce}${encryptedResult}${aesKey}`),
  };
};

/** Checks a reply (the simulator's side, and tests): its signature and that it decrypts to "success". */
export const replyIsSuccess = (reply: unknown, aesKey: string): boolean => {
  if (typeof reply !== 'object' || reply === null) return false;
  const r = reply as Partial<CallbackReply>;
  if (typeof r.timestamp !== 'number' || typeof r.nonce !== 'string') return false;
  if (typeof r.encryptedResult !== 'string' || typeof r.signature !== 'string') return false;
  const expected = sha1Hex(`${r.timestamp}${r.nonce}${r.encryptedResult}${aesKey}`);
  if (r.signature.length !== expected.length) return false;
  if (!timingSafeEqual(Buffer.from(r.signature), Buffer.from(expected))) return false;
  try {
    return decryptContent(r.encryptedResult, aesKey) === 'success';
  } catch {
    return false;
  }
};

/** Builds a signed, encrypted callback body (the sender's side: the simulator and tests). */
export const sealCallback = (
  plaintext: string,
  aesKey: string,
  fields: Omit<CallbackEnvelope, 'signature' | 'encryptedContent'>,
): CallbackEnvelope => {
  const unsigned = { ...fields, encryptedContent: encryptContent(plaintext, aesKey) };
  return { ...unsigned, signature: callbackSignature(unsigned, aesKey) };
};

/**
 * The checks every webhook receiver makes before it looks at a byte of the body: a JSON content type, no content
 * coding, a size limit, and UTF-8 text. Cheap and first, so an oversized, mistyped or mis-encoded request is refused
 * naming that problem, before any signature work (which would only say "bad signature") or storage.
 */
import type * as core from 'zod/v4/core';
import * as z from '../../events/zod';
import { formatIssuePath } from '../config/tenant';
import { RejectedInputError } from '../errors';

export interface RawRequest {
  /** Lower-cased header names. */
  headers: Record<string, string | undefined>;
  /** Bytes when the edge has them undecoded (API Gateway's base64 bodies); text when it already decoded them. */
  rawBody: string | Uint8Array;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Checks the envelope and returns the body as text. */
export const checkJsonEnvelope = (req: RawRequest, maxBytes: number): string => {
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    throw new RejectedInputError(
      'unsupported_media_type',
      `content-type must be application/json, got ${type ? JSON.stringify(type.slice(0, 100)) : 'none'}`,
    );
  }
  const encoding = (req.headers['content-encoding'] ?? '').trim();
  // Nothing in front of the receivers decompresses, and the signatures cover the bytes as sent.
  if (encoding !== '' && encoding.toLowerCase() !== 'identity') {
    throw new RejectedInputError(
      'unsupported_media_type',
      `content-encoding ${JSON.stringify(encoding.slice(0, 100))} is not accepted; send the body uncompressed`,
    );
  }
  const bytes =
    typeof req.rawBody === 'string' ? Buffer.byteLength(req.rawBody, 'utf8') : req.rawBody.byteLength;
  if (bytes > maxBytes) {
    throw new RejectedInputError('payload_too_large', `the body is ${bytes} bytes; the limit is ${maxBytes}`);
  }
  if (typeof req.rawBody === 'string') return req.rawBody;
  try {
    return utf8.decode(req.rawBody);
  } catch {
    throw new RejectedInputError('not_utf8', 'the body is not UTF-8 text; JSON must be sent as UTF-8');
  }
};

/** JSON.parse with the failure named as the caller's input ("the body", "the decrypted content"). */
export const parseJsonInput = (text: string, what: string): unknown => {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new RejectedInputError('invalid_json', `${what} is not valid JSON: ${(err as Error).message}`);
  }
};

/**
 * Validates a received payload, refusing it with every problem by path and the first one in the message
 * (`<what>: <path>: <problem>`), so the sender sees what to fix.
 */
export const parseOrReject = <S extends core.$ZodType>(
  schema: S,
  value: unknown,
  what: string,
): core.output<S> => {
  const parsed = z.safeParse(schema, value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => ({ path: formatIssuePath(i.path), message: i.message }));
  const first = problems[0];
  throw new RejectedInputError('invalid_payload', `${what}: ${first?.path}: ${first?.message}`, { problems });
};

/**
 * The checks every webhook receiver makes before it looks at a byte of the body: a JSON content type and a size
 * limit. Cheap and first, so an oversized or mistyped request is refused before any signature work or storage.
 */
import type * as core from 'zod/v4/core';
import * as z from '../../events/zod';
import { formatIssuePath } from '../config/tenant';
import { RejectedInputError } from '../errors';

export interface RawRequest {
  /** Lower-cased header names. */
  headers: Record<string, string | undefined>;
  rawBody: string;
}

export const checkJsonEnvelope = (req: RawRequest, maxBytes: number): void => {
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    throw new RejectedInputError(
      'unsupported_media_type',
      `content-type must be application/json, got ${type ? JSON.stringify(type.slice(0, 100)) : 'none'}`,
    );
  }
  const bytes = Buffer.byteLength(req.rawBody, 'utf8');
  if (bytes > maxBytes) {
    throw new RejectedInputError('payload_too_large', `the body is ${bytes} bytes; the limit is ${maxBytes}`);
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

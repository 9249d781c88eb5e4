/**
 * Just enough of the AWS wire protocols (awsJson1_1 and restJson1) for the stand-ins to be reached by the real SDK
 * v3 clients: request body reading, JSON replies, and errors the SDK deserializes into its typed exceptions
 * (it reads the type from the `x-amzn-errortype` header or `__type` in the body).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { VendorError } from '../../../shared/errors';

export const MAX_BODY = 1024 * 1024;

/** An error the AWS stand-ins answer as AWS would: `code` and `type` are AWS's error type. */
export class AwsError extends VendorError {
  constructor(
    readonly type: string,
    readonly status: number,
    message: string,
  ) {
    super(type, message);
  }
}

export const readBody = (req: IncomingMessage, limit = MAX_BODY): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new AwsError('ValidationException', 413, `request body exceeds ${limit} bytes`));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

export const parseJson = (raw: string): Record<string, unknown> => {
  if (!raw) return {};
  try {
    const v = JSON.parse(raw) as unknown;
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new AwsError('SerializationException', 400, 'request body is not a JSON object');
};

export const sendJson = (
  res: ServerResponse,
  status: number,
  body: unknown,
  contentType = 'application/json',
): void => {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
  res.end(text);
};

export const sendAwsError = (res: ServerResponse, err: unknown, contentType = 'application/json'): void => {
  const e =
    err instanceof AwsError
      ? err
      : new AwsError('InternalServerException', 500, String((err as Error)?.message ?? err));
  const text = JSON.stringify({ __type: e.type, message: e.message, Message: e.message });
  res.writeHead(e.status, {
    'content-type': contentType,
    'x-amzn-errortype': e.type,
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
};

export const requireString = (body: Record<string, unknown>, field: string): string => {
  const v = body[field];
  if (typeof v !== 'string' || v.length === 0)
    throw new AwsError('ValidationException', 400, `${field} is required`);
  return v;
};

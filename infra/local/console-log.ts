/**
 * What `npm start` prints for a person: one short line per request, per function log line and per runtime event,
 * instead of the JSON that Lambda writes to CloudWatch (`--log-format json` keeps that, for machines and for
 * tools that read the local logs). Metric (EMF) lines are left out of the readable form.
 *
 *   06:12:01  POST /webhooks/generic → 202  14 ms
 *   06:12:01  INFO  webhook accepted  deliveryId=msg_1 object=deal recordId=D-1001
 *   06:12:01  INFO  workflows ran  recordId=D-1001 matched=won-deal@1 steps=won-deal/congratulate:performed
 */

export type LogFormat = 'text' | 'json';

/** Keys every function line carries that say nothing to a person reading the console. */
const NOISE = new Set([
  'level',
  'message',
  'timestamp',
  'service',
  'sampling_rate',
  'xray_trace_id',
  'cold_start',
  'function_arn',
  'function_memory_size',
  'function_request_id',
  'function_version',
  'tenantId',
  'correlation_id',
  'correlationId',
  'eventId',
  'domainEventId',
]);

const MAX_VALUE = 120;
const MAX_LINE = 240;

const short = (text: string): string => (text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text);

const valueText = (value: unknown): string | undefined => {
  if (value === null || value === undefined || value === '') return undefined;
  if (typeof value === 'string') return short(/\s/.test(value) ? JSON.stringify(value) : value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    if (value.length === 0) return undefined;
    return short(
      value
        .map((v) =>
          typeof v === 'object' && v !== null
            ? Object.values(v as Record<string, unknown>)
                .filter((x) => typeof x === 'string' || typeof x === 'number')
                .join(':')
            : String(v),
        )
        .join(','),
    );
  }
  if (typeof value === 'object') {
    const parts = Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => (typeof v === 'object' ? undefined : `${k}:${String(v)}`))
      .filter(Boolean);
    return parts.length ? short(parts.join(',')) : undefined;
  }
  return undefined;
};

const clockTime = (timestamp: unknown): string => {
  const at = typeof timestamp === 'string' ? new Date(timestamp) : new Date();
  return (Number.isNaN(at.getTime()) ? new Date() : at).toISOString().slice(11, 19);
};

/** The readable form of one JSON log line; undefined for lines a person need not see (metrics). */
export const readableLine = (line: string): string | undefined => {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  if (typeof entry !== 'object' || entry === null || '_aws' in entry) return undefined;
  if (typeof entry.message !== 'string') return line;
  const level = String(entry.level ?? 'INFO').padEnd(5);
  const fields = Object.entries(entry)
    .filter(([k]) => !NOISE.has(k))
    .map(([k, v]) => {
      const text = valueText(v);
      return text === undefined ? undefined : `${k === 'function_name' ? 'fn' : k}=${text}`;
    })
    .filter(Boolean)
    .join(' ');
  const out = `${clockTime(entry.timestamp)}  ${level} ${entry.message}${fields ? `  ${fields}` : ''}`;
  return out.length > MAX_LINE ? `${out.slice(0, MAX_LINE - 1)}…` : out;
};

/** One line for a request the gateway answered. */
export const requestLine = (method: string, path: string, status: number, ms: number): string =>
  `${new Date().toISOString().slice(11, 19)}  ${method} ${path} → ${status}  ${Math.round(ms)} ms`;

/**
 * Turns this process's JSON log lines on stdout and stderr into readable ones. Functions run in-process and log
 * with Powertools, which writes whole lines (warnings and errors to stderr); each write is rewritten line by line.
 */
export const useReadableConsole = (): void => {
  readable(process.stdout);
  readable(process.stderr);
};

const readable = (stream: NodeJS.WriteStream): void => {
  const write = stream.write.bind(stream) as (chunk: string | Uint8Array) => boolean;
  let pending = '';
  stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = pending + (typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    const lines = text.split('\n');
    pending = lines.pop() ?? '';
    const out = lines
      .map((l) => (l.startsWith('{') ? readableLine(l) : l))
      .filter((l): l is string => l !== undefined);
    const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    if (out.length === 0) {
      done?.();
      return true;
    }
    const written = write(`${out.join('\n')}\n`);
    done?.();
    return written;
  }) as typeof stream.write;
};

/**
 * The functions' metrics reach the local CloudWatch as they reach CloudWatch on AWS: Powertools writes each flush
 * as one embedded-metric-format (EMF) line to stdout, and this tap hands such lines over (CloudWatch Logs' part on
 * AWS). Only writes holding an EMF line are looked into, line by line; everything else passes untouched. With
 * `print: false` (npm start --no-metrics) the EMF lines are kept off the console but still counted.
 */
type Listener = (line: string) => void;

const listeners = new Set<Listener>();
let quiet = 0;
let installed = false;

const install = (): void => {
  installed = true;
  const stream = process.stdout;
  const write = stream.write.bind(stream) as (chunk: string | Uint8Array, ...rest: unknown[]) => boolean;
  stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    if (listeners.size === 0 || !text.includes('"_aws"')) return write(chunk, ...rest);
    const kept: string[] = [];
    for (const line of text.split('\n')) {
      const emf = line.startsWith('{') && line.includes('"_aws"');
      if (emf) for (const l of listeners) l(line);
      if (!emf || quiet === 0) kept.push(line);
    }
    const out = kept.join('\n');
    if (out.trim() === '') {
      (rest.find((r) => typeof r === 'function') as (() => void) | undefined)?.();
      return true;
    }
    return write(out, ...rest);
  }) as typeof stream.write;
};

/** Hands every EMF line written to stdout to `onLine` until the returned function is called. */
export const tapMetrics = (onLine: Listener, opts: { print: boolean }): (() => void) => {
  if (!installed) install();
  listeners.add(onLine);
  if (!opts.print) quiet++;
  return () => {
    listeners.delete(onLine);
    if (!opts.print) quiet--;
  };
};

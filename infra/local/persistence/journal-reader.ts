/**
 * Reads a journal (./journal.ts) line by line from disk, for a store that keeps its records in the file rather than
 * in memory (the captured mail of a runtime with a data folder): one line in memory at a time, however long the
 * file. Lines are appended whole by a single write; a last line still being written is skipped, as it is on open.
 */
import { createReadStream, existsSync } from 'node:fs';
import { createInterface } from 'node:readline';

export async function* journalRecords<T>(
  file: string,
  check: (value: unknown) => value is T,
): AsyncGenerator<T> {
  if (!existsSync(file)) return;
  const lines = createInterface({
    input: createReadStream(file, 'utf8'),
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  for await (const line of lines) {
    if (line === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      continue;
    }
    if (check(value)) yield value;
  }
}

/**
 * An append-only journal of JSON lines: what the local runtime must not lose between an acknowledgement and a
 * restart (events accepted by the bus, captured mail, chat messages). `append` resolves once the record is on disk
 * (written and fdatasync'ed; records appended in the same turn of the event loop share one sync, so a burst costs a
 * few syncs, not one per record). `note` writes at once without waiting for a sync, for records whose loss only
 * repeats work that is idempotent anyway (a delivery marked done).
 *
 * A crash can cut the last line short. Such a line was never acknowledged (its sync had not returned), so it is
 * dropped on open and the file truncated to the last whole line; a broken line anywhere else is reported, naming
 * the file and the line, and nothing is dropped.
 *
 * A journal whose records stay on disk, read back when asked for (mail, chat: journal-reader.ts), is opened with
 * `openCounted` instead: its start reads only its end (the torn tail) and what was appended since its count was
 * last saved (journal-count.ts), not every record.
 */
import {
  closeSync,
  existsSync,
  fdatasyncSync,
  fstatSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  writeSync,
} from 'node:fs';
import { basename, dirname } from 'node:path';
import { countLines, forgetLineCount, saveLineCount, wholeLinesEnd } from './journal-count';
import { StateFileError, writeFileAtomic } from './state-file';

export class Journal<T> {
  private fd: number;
  private batch: { line: string; done: () => void; failed: (err: Error) => void }[] = [];
  /** Lines in the file, to decide when compaction pays. */
  lines: number;

  private constructor(
    private readonly file: string,
    lines: number,
    /** Keeps its line count beside it (openCounted). */
    private readonly counted = false,
  ) {
    this.fd = openSync(file, 'a');
    this.lines = lines;
    if (counted) saveLineCount(file, lines);
  }

  /**
   * Opens (or creates) a journal whose records the caller reads from the file when it needs them: drops a torn
   * last line as `open` does and returns how many lines it holds, reading only the file's end and what was appended
   * since the count was last saved. Its lines are not checked here; the reader skips one it cannot read.
   */
  static openCounted<T>(file: string): { journal: Journal<T>; lines: number } {
    mkdirSync(dirname(file), { recursive: true });
    let lines = 0;
    if (existsSync(file)) {
      const fd = openSync(file, 'r+');
      try {
        const size = fstatSync(fd).size;
        const end = wholeLinesEnd(fd, size);
        // The torn tail of a write the crash interrupted: never acknowledged, so dropped.
        if (end < size) ftruncateSync(fd, end);
        lines = countLines(file, fd, end);
      } finally {
        closeSync(fd);
      }
    }
    return { journal: new Journal<T>(file, lines, true), lines };
  }

  /** Opens (or creates) the journal and returns what it holds, oldest first. */
  static open<T>(
    file: string,
    what: string,
    check: (value: unknown) => value is T,
  ): { journal: Journal<T>; records: T[] } {
    mkdirSync(dirname(file), { recursive: true });
    const records: T[] = [];
    if (existsSync(file)) {
      const text = readFileSync(file, 'utf8');
      const complete = text.endsWith('\n') ? text : text.slice(0, text.lastIndexOf('\n') + 1);
      if (complete.length < text.length) {
        // The torn tail of a write the crash interrupted: never acknowledged, so dropped.
        const fd = openSync(file, 'r+');
        ftruncateSync(fd, Buffer.byteLength(complete));
        closeSync(fd);
      }
      const lines = complete.split('\n');
      lines.pop();
      lines.forEach((line, i) => {
        let value: unknown;
        try {
          value = JSON.parse(line);
        } catch (err) {
          throw new StateFileError(
            file,
            `line ${i + 1} is not valid JSON (${(err as Error).message})`,
            `It holds ${what}. Fix or remove that line, or move the file aside (${basename(file)}.broken) to ` +
              'start without it; the runtime does not delete it for you',
          );
        }
        if (!check(value))
          throw new StateFileError(
            file,
            `line ${i + 1} is not in the expected shape`,
            `It holds ${what}. Fix or remove that line`,
          );
        records.push(value);
      });
    }
    return { journal: new Journal<T>(file, records.length), records };
  }

  /** Resolves once the record is durable. */
  append(record: T): Promise<void> {
    return new Promise((done, failed) => {
      this.batch.push({ line: `${JSON.stringify(record)}\n`, done, failed });
      if (this.batch.length === 1) setImmediate(() => this.flushNow());
    });
  }

  /** Writes and syncs the record before returning, for a caller that cannot wait for a promise. */
  appendNow(record: T): void {
    this.flushNow();
    writeSync(this.fd, `${JSON.stringify(record)}\n`);
    fdatasyncSync(this.fd);
    this.lines++;
  }

  /** Writes the record now, without waiting for the disk (a lost one only repeats idempotent work). */
  note(record: T): void {
    writeSync(this.fd, `${JSON.stringify(record)}\n`);
    this.lines++;
  }

  /** Replaces the whole journal with `records` (compaction), atomically. */
  rewrite(records: readonly T[]): void {
    this.flushNow();
    if (this.counted) forgetLineCount(this.file);
    writeFileAtomic(this.file, records.map((r) => `${JSON.stringify(r)}\n`).join(''));
    closeSync(this.fd);
    this.fd = openSync(this.file, 'a');
    this.lines = records.length;
    if (this.counted) saveLineCount(this.file, this.lines);
  }

  close(): void {
    this.flushNow();
    closeSync(this.fd);
    if (this.counted) saveLineCount(this.file, this.lines);
  }

  private flushNow(): void {
    const batch = this.batch;
    if (batch.length === 0) return;
    this.batch = [];
    try {
      writeSync(this.fd, batch.map((b) => b.line).join(''));
      fdatasyncSync(this.fd);
      this.lines += batch.length;
      for (const b of batch) b.done();
    } catch (err) {
      for (const b of batch) b.failed(err as Error);
    }
  }
}

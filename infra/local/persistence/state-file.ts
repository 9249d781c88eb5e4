/**
 * Small state files of the local runtime (pending schedules, dead letters, the clock): written atomically and read
 * back with an error that names the file and what to do, never silently dropped.
 *
 * Written by hand rather than with a library: the write is the standard "temporary file, fsync, rename, fsync the
 * folder" sequence (a dozen lines), and the read's whole point is an error message specific to this runtime.
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { DomainError } from '../../../shared/errors';

/** A state file that cannot be read back: the message names the file, what is wrong and what to do. */
export class StateFileError extends DomainError {
  override readonly name = 'StateFileError';
  constructor(
    readonly file: string,
    problem: string,
    remedy: string,
  ) {
    super('corrupt_state', `${file}: ${problem}. ${remedy}`);
  }
}

const fsyncFolder = (folder: string): void => {
  // Makes the rename itself durable. Some file systems refuse to open a folder for fsync; the rename is then as
  // durable as that file system makes it.
  try {
    const fd = openSync(folder, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    /* not supported here */
  }
};

/** Replaces `file` with `content` so that a reader (or a restart after a crash) sees the old or the new whole. */
export const writeFileAtomic = (file: string, content: string): void => {
  const folder = dirname(file);
  mkdirSync(folder, { recursive: true });
  const temporary = join(folder, `.${basename(file)}.${process.pid}.tmp`);
  const fd = openSync(temporary, 'w');
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, file);
  fsyncFolder(folder);
};

export const writeJsonAtomic = (file: string, value: unknown): void =>
  writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`);

/**
 * Reads a JSON state file; undefined when it does not exist. `what` says what the file holds and is lost if it is
 * moved aside, so that the error tells a person the cost of the remedy.
 */
export const readJsonState = <T>(
  file: string,
  what: string,
  check: (value: unknown) => value is T,
): T | undefined => {
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, 'utf8');
  const remedy =
    `It holds ${what}. Restore it from a backup, or move it aside (${basename(file)}.broken) to start without ` +
    'it; the runtime does not delete it for you';
  if (text.trim() === '') throw new StateFileError(file, 'the file is empty (cut short?)', remedy);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new StateFileError(file, `not valid JSON (${(err as Error).message})`, remedy);
  }
  if (!check(value)) throw new StateFileError(file, 'not in the expected shape', remedy);
  return value;
};

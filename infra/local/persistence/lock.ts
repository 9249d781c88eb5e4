/**
 * One runtime per data folder: two processes writing the same database, journals and state files would corrupt
 * them. The lock is a file holding the owner's process id, created exclusively.
 *
 * Written by hand rather than with a lock library: those judge a lock stale by its age, so after a `kill -9` the
 * next start would wait out a timeout; here a lock whose process is gone is taken over at once.
 */
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { codedError } from '../../../shared/errors';

export class DataFolderLockedError extends codedError('locked') {
  override readonly name = 'DataFolderLockedError';
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Takes the data folder's lock; returns the function that gives it back. */
export const lockDataFolder = (dataDir: string): (() => void) => {
  const file = join(dataDir, 'runtime.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return () => rmSync(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = Number.parseInt(readFileSync(file, 'utf8'), 10);
    if (Number.isInteger(owner) && owner !== process.pid && alive(owner)) {
      throw new DataFolderLockedError(
        `another Quotaflow runtime (process ${owner}) is already using ${dataDir}. Stop it first, or give this ` +
          'one its own folder with --data-dir <dir> (or --in-memory)',
      );
    }
    // Left by a runtime that did not exit cleanly (or ourselves): take it over.
    rmSync(file, { force: true });
  }
  throw new DataFolderLockedError(`could not take the lock ${file}; another runtime is starting on it`);
};

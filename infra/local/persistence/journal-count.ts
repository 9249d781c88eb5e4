/**
 * How many lines a journal holds, without reading it all: for the journals whose records stay on disk (mail,
 * chat), a start needs only their count and a whole last line, not their contents. The count is saved beside the
 * journal (`<file>.count`: the file's inode, a byte length, the lines in those bytes and the last bytes before that
 * length) whenever the journal is opened or closed, so the next open counts only the bytes appended since: after a
 * clean stop none, after a `kill -9` what was written since the last open. A saved count that no longer describes a
 * prefix of the file (another file put in its place, a file cut shorter, different bytes where it ends) is not
 * used: the whole file is counted then, in fixed-size chunks and parsing nothing.
 *
 * Written by hand: counting newline bytes and reading a file backwards from its end are a few `readSync` calls, and
 * no library does them on a file descriptor we already hold.
 */
import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync, rmSync } from 'node:fs';
import { writeFileAtomic } from './state-file';

const CHUNK = 1 << 20;
/** The bytes before the counted length kept in the count file, to tell a prefix of this file from another's. */
const FINGERPRINT = 64;
const NEWLINE = 0x0a;

interface SavedCount {
  ino: number;
  bytes: number;
  lines: number;
  /** The FINGERPRINT bytes (or fewer) before `bytes`, hex. */
  tail: string;
}

export const countFileOf = (file: string): string => `${file}.count`;

const bytesAt = (fd: number, from: number, length: number): Buffer => {
  const buf = Buffer.alloc(length);
  let read = 0;
  while (read < length) {
    const n = readSync(fd, buf, read, length - read, from + read);
    if (n === 0) break;
    read += n;
  }
  return buf.subarray(0, read);
};

/** The length of the file's whole lines: just past its last newline (0 without one), read backwards from `size`. */
export const wholeLinesEnd = (fd: number, size: number): number => {
  for (let end = size; end > 0; end -= CHUNK) {
    const from = Math.max(0, end - CHUNK);
    const at = bytesAt(fd, from, end - from).lastIndexOf(NEWLINE);
    if (at !== -1) return from + at + 1;
  }
  return 0;
};

/** Newlines in [from, to). */
const newlinesBetween = (fd: number, from: number, to: number): number => {
  let lines = 0;
  for (let at = from; at < to; at += CHUNK) {
    const buf = bytesAt(fd, at, Math.min(CHUNK, to - at));
    for (let i = buf.indexOf(NEWLINE); i !== -1; i = buf.indexOf(NEWLINE, i + 1)) lines++;
  }
  return lines;
};

const tailOf = (fd: number, bytes: number): string => {
  const from = Math.max(0, bytes - FINGERPRINT);
  return bytesAt(fd, from, bytes - from).toString('hex');
};

const savedCount = (file: string): SavedCount | undefined => {
  const countFile = countFileOf(file);
  if (!existsSync(countFile)) return undefined;
  try {
    const v = JSON.parse(readFileSync(countFile, 'utf8')) as Partial<SavedCount>;
    const whole = (n: unknown) => typeof n === 'number' && Number.isInteger(n) && n >= 0;
    return whole(v.ino) && whole(v.bytes) && whole(v.lines) && typeof v.tail === 'string'
      ? (v as SavedCount)
      : undefined;
  } catch {
    // A cache only: a broken one costs one full count, and is replaced right after.
    return undefined;
  }
};

/** The lines in the file's first `end` bytes (whole lines), from the saved count when it still describes them. */
export const countLines = (file: string, fd: number, end: number): number => {
  const saved = savedCount(file);
  const usable =
    saved !== undefined &&
    saved.ino === fstatSync(fd).ino &&
    saved.bytes <= end &&
    (saved.bytes === 0 || bytesAt(fd, saved.bytes - 1, 1)[0] === NEWLINE) &&
    tailOf(fd, saved.bytes) === saved.tail;
  return usable ? saved.lines + newlinesBetween(fd, saved.bytes, end) : newlinesBetween(fd, 0, end);
};

/** Saves `lines` as the count of the whole file as it is now (every write to it done). */
export const saveLineCount = (file: string, lines: number): void => {
  const fd = openSync(file, 'r');
  try {
    const { ino, size } = fstatSync(fd);
    const saved: SavedCount = { ino, bytes: size, lines, tail: tailOf(fd, size) };
    writeFileAtomic(countFileOf(file), JSON.stringify(saved));
  } finally {
    closeSync(fd);
  }
};

/** Before the file is replaced: a count saved for the old one must not be taken for the new one's. */
export const forgetLineCount = (file: string): void => rmSync(countFileOf(file), { force: true });

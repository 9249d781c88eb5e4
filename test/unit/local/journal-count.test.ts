/**
 * Journals whose records stay on disk (mail, chat) open by their count, not their contents: a reopen reads only what
 * was appended since the count was saved, a torn last line is still dropped, and a saved count that no longer
 * describes the file (replaced, cut shorter, rewritten) is not trusted: the file is counted whole again.
 */
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  renameSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Journal } from '../../../infra/local/persistence/journal';
import { countFileOf } from '../../../infra/local/persistence/journal-count';

const journalFile = () => join(mkdtempSync(join(tmpdir(), 'qf-journal-count-')), 'mail.jsonl');
const open = (file: string) => Journal.openCounted<{ n: number }>(file);
const lines = (n: number, from = 0) =>
  Array.from({ length: n }, (_, i) => `${JSON.stringify({ n: from + i })}\n`).join('');

/** Overwrites bytes in place (same file, same inode), as a stray edit or bad disk would. */
const overwrite = (file: string, at: number, text: string) => {
  const fd = openSync(file, 'r+');
  writeSync(fd, text, at);
  closeSync(fd);
};

describe('a counted journal', () => {
  it('counts what it holds across reopens, and appends after it', () => {
    const file = journalFile();
    const first = open(file);
    expect(first.lines).toBe(0);
    for (let n = 0; n < 5; n++) first.journal.note({ n });
    first.journal.close();

    const second = open(file);
    expect(second.lines).toBe(5);
    second.journal.note({ n: 5 });
    second.journal.close();
    expect(open(file).lines).toBe(6);
    expect(readFileSync(file, 'utf8')).toBe(lines(6));
  });

  it('reads only what was appended since its count was saved, not the lines before', () => {
    const file = journalFile();
    const { journal } = open(file);
    for (let n = 0; n < 100; n++) journal.note({ n });
    journal.close();
    // Appended by a run that never closed (kill -9): counted on the next open.
    writeFileSync(file, lines(3, 100), { flag: 'a' });
    // A newline early in the file turned into another byte: only a full read would see one line fewer.
    overwrite(file, readFileSync(file, 'utf8').indexOf('\n'), ' ');
    expect(open(file).lines).toBe(103);
  });

  it('drops a last line a crash cut short, counts the rest, and appends cleanly after it', () => {
    const file = journalFile();
    const { journal } = open(file);
    journal.note({ n: 0 });
    journal.close();
    writeFileSync(file, `${lines(2, 1)}{"n":`, { flag: 'a' });

    const reopened = open(file);
    expect(reopened.lines).toBe(3);
    reopened.journal.note({ n: 3 });
    reopened.journal.close();
    expect(readFileSync(file, 'utf8')).toBe(lines(4));
  });

  /** A journal of `n` lines, closed (its count saved), with one newline early in the file made a space in place:
   * a count from the saved one misses that change, a full count shows one line fewer. */
  const counted = (n: number) => {
    const file = journalFile();
    const { journal } = open(file);
    for (let i = 0; i < n; i++) journal.note({ n: i });
    journal.close();
    overwrite(file, readFileSync(file, 'utf8').indexOf('\n'), ' ');
    return file;
  };

  it('counts the whole file again when the saved count does not describe it', () => {
    // Another file put in its place (a new inode), longer than the one counted.
    const replaced = counted(20);
    writeFileSync(`${replaced}.new`, lines(25));
    renameSync(`${replaced}.new`, replaced);
    expect(open(replaced).lines).toBe(25);

    // Cut shorter in place.
    const cut = counted(20);
    truncateSync(cut, Buffer.byteLength(lines(12)));
    expect(open(cut).lines).toBe(11);

    // Other bytes just before where the count ends (same file, same length), then one more line.
    const changed = counted(20);
    overwrite(changed, Buffer.byteLength(lines(20)) - 3, '8');
    writeFileSync(changed, lines(1, 20), { flag: 'a' });
    expect(open(changed).lines).toBe(20);

    // A broken count file.
    const broken = counted(20);
    writeFileSync(countFileOf(broken), '{"ino":');
    expect(open(broken).lines).toBe(19);

    // The same file untouched where the count ends: the saved count is used.
    expect(open(counted(20)).lines).toBe(20);
  });

  it('a rewrite (clearing the mailbox) is counted from nothing, even after a crash before the next save', () => {
    const file = journalFile();
    const { journal } = open(file);
    for (let n = 0; n < 20; n++) journal.note({ n });
    journal.rewrite([]);
    expect(existsSync(countFileOf(file))).toBe(true);
    for (let n = 0; n < 30; n++) journal.note({ n });
    // No close: the process is killed here.
    expect(open(file).lines).toBe(30);
  });
});

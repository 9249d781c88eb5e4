/**
 * The local runtime's durable state: journals that survive a torn last line, state files replaced atomically and
 * reported by name when broken, one runtime per data folder.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Journal } from '../../../infra/local/persistence/journal';
import { DataFolderLockedError, lockDataFolder } from '../../../infra/local/persistence/lock';
import { readJsonState, StateFileError, writeJsonAtomic } from '../../../infra/local/persistence/state-file';

const folder = () => mkdtempSync(join(tmpdir(), 'qf-persist-'));
const isRecord = (v: unknown): v is { n: number } => typeof (v as { n?: unknown }).n === 'number';

describe('journal', () => {
  it('gives back what was appended, in order, after a reopen', async () => {
    const file = join(folder(), 'j.jsonl');
    const { journal } = Journal.open(file, 'numbers', isRecord);
    await Promise.all([journal.append({ n: 1 }), journal.append({ n: 2 })]);
    journal.note({ n: 3 });
    journal.close();
    expect(Journal.open(file, 'numbers', isRecord).records).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
  });

  it('drops a last line a crash cut short (never acknowledged) and appends cleanly after it', async () => {
    const file = join(folder(), 'j.jsonl');
    writeFileSync(file, '{"n":1}\n{"n":2}\n{"n":');
    const { journal, records } = Journal.open(file, 'numbers', isRecord);
    expect(records).toEqual([{ n: 1 }, { n: 2 }]);
    await journal.append({ n: 3 });
    journal.close();
    expect(readFileSync(file, 'utf8')).toBe('{"n":1}\n{"n":2}\n{"n":3}\n');
  });

  it('refuses a broken line in the middle, naming the file, the line and what it holds', () => {
    const file = join(folder(), 'outbox.jsonl');
    writeFileSync(file, '{"n":1}\nnot json\n{"n":3}\n');
    expect(() => Journal.open(file, 'events not yet delivered', isRecord)).toThrow(StateFileError);
    expect(() => Journal.open(file, 'events not yet delivered', isRecord)).toThrow(
      /outbox\.jsonl: line 2 is not valid JSON .*events not yet delivered/,
    );
    // Nothing was dropped or rewritten.
    expect(readFileSync(file, 'utf8')).toBe('{"n":1}\nnot json\n{"n":3}\n');
  });

  it('compacts to what is given, atomically', async () => {
    const file = join(folder(), 'j.jsonl');
    const { journal } = Journal.open(file, 'numbers', isRecord);
    for (let n = 0; n < 5; n++) await journal.append({ n });
    journal.rewrite([{ n: 4 }]);
    journal.note({ n: 5 });
    journal.close();
    expect(Journal.open(file, 'numbers', isRecord).records).toEqual([{ n: 4 }, { n: 5 }]);
  });
});

describe('state files', () => {
  it('are replaced whole, leaving no temporary file behind', () => {
    const dir = folder();
    const file = join(dir, 'schedules.json');
    writeJsonAtomic(file, { a: 1 });
    writeJsonAtomic(file, { a: 2 });
    expect(readJsonState(file, 'x', (v): v is { a: number } => true)).toEqual({ a: 2 });
    expect(readdirSync(dir)).toEqual(['schedules.json']);
  });

  it('are reported by name with the remedy when empty, cut short or of the wrong shape', () => {
    const file = join(folder(), 'schedules.json');
    const isArray = (v: unknown): v is unknown[] => Array.isArray(v);
    writeFileSync(file, '');
    expect(() => readJsonState(file, 'the pending schedules', isArray)).toThrow(
      /schedules\.json: the file is empty .*It holds the pending schedules\. Restore it from a backup, or move it aside/,
    );
    writeFileSync(file, '[{"name":');
    expect(() => readJsonState(file, 'the pending schedules', isArray)).toThrow(
      /schedules\.json: not valid JSON/,
    );
    writeFileSync(file, '{}');
    expect(() => readJsonState(file, 'the pending schedules', isArray)).toThrow(/not in the expected shape/);
    expect(readJsonState(join(folder(), 'absent.json'), 'x', isArray)).toBeUndefined();
  });
});

describe('data folder lock', () => {
  it('refuses a second runtime while the first holds it, and is given back', () => {
    const dir = folder();
    const release = lockDataFolder(dir);
    writeFileSync(join(dir, 'runtime.lock'), `${process.ppid}\n`); // a live process other than us
    expect(() => lockDataFolder(dir)).toThrow(DataFolderLockedError);
    expect(() => lockDataFolder(dir)).toThrow(/already using .*--data-dir/);
    release();
    expect(existsSync(join(dir, 'runtime.lock'))).toBe(false);
  });

  it('takes over a lock whose process is gone (after kill -9)', () => {
    const dir = folder();
    writeFileSync(join(dir, 'runtime.lock'), '2147483646\n');
    const release = lockDataFolder(dir);
    expect(readFileSync(join(dir, 'runtime.lock'), 'utf8')).toBe(`${process.pid}\n`);
    release();
  });
});

describe('journal notes', () => {
  it('are on disk as soon as note returns', () => {
    const file = join(folder(), 'j.jsonl');
    const { journal } = Journal.open(file, 'numbers', isRecord);
    journal.note({ n: 7 });
    expect(readFileSync(file, 'utf8')).toBe('{"n":7}\n');
    journal.close();
  });
});

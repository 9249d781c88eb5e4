import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../infra/cli/common';
import { TenantConfigError } from '../../shared/config/tenant';
import { TokenLeaseTimeoutError } from '../../shared/crm/token-lease';
import { ZohoApiError } from '../../shared/crm/zoho/errors';
import { DigestPeriodError } from '../../shared/digest/period';
import {
  codedError,
  DomainError,
  RejectedInputError,
  RetryLaterError,
  VendorError,
} from '../../shared/errors';

const ROOT = join(import.meta.dirname, '..', '..');

const sources = (folder: string): string[] =>
  readdirSync(join(ROOT, folder), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(ROOT, folder, f));

describe('errors', () => {
  it('keeps the error it wraps as its cause', () => {
    const cause = new Error('ENOENT');
    const err = new RejectedInputError('invalid_payload', 'bad', { field: 'x' }, { cause });
    expect([err.cause, err.code, err.details, err.name]).toEqual([
      cause,
      'invalid_payload',
      { field: 'x' },
      'RejectedInputError',
    ]);
    expect(new UsageError('bad tenant', 2, { cause }).cause).toBe(cause);
    const Coded = codedError('locked');
    expect(new Coded('held', { cause }).cause).toBe(cause);
  });

  it('gives every error a stable code under DomainError', () => {
    const cases: [DomainError<string>, string][] = [
      [new TenantConfigError('tenants/a.json', []), 'invalid_config'],
      [new DigestPeriodError('bad period'), 'invalid_period'],
      [new UsageError('no such file'), 'usage'],
      [new TokenLeaseTimeoutError('zoho'), 'token_lease_timeout'],
      [new ZohoApiError(400, 'INVALID_MODULE', 'no module', undefined, 'GET /crm/v8/Nope'), 'INVALID_MODULE'],
    ];
    expect(cases.map(([e]) => e instanceof DomainError)).toEqual(cases.map(() => true));
    expect(cases.map(([e]) => e.code)).toEqual(cases.map(([, code]) => code));
    expect(new TokenLeaseTimeoutError('zoho')).toBeInstanceOf(RetryLaterError);
    expect(new ZohoApiError(500, 'INTERNAL_ERROR', 'x', undefined, 'GET /')).toBeInstanceOf(VendorError);
    expect(new UsageError('x').exitCode).toBe(2);
  });

  it('declares no error class outside the hierarchy (a new one extends DomainError or a subclass)', () => {
    const outside = [...sources('shared'), ...sources('functions'), ...sources('infra'), ...sources('events')]
      .filter((f) => !f.endsWith(join('shared', 'errors.ts')))
      .flatMap((f) =>
        [...readFileSync(f, 'utf8').matchAll(/class (\w+) extends (Error|TypeError|RangeError)\b/g)].map(
          (m) => `${relative(ROOT, f)}: ${m[1]}`,
        ),
      );
    expect(outside).toEqual([]);
  });

  it('has one UsageError for the CLI', () => {
    const declared = sources('infra').filter((f) => /class UsageError\b/.test(readFileSync(f, 'utf8')));
    expect(declared.map((f) => relative(ROOT, f))).toEqual([join('infra', 'cli', 'common.ts')]);
  });
});

/**
 * ZohoScanner's position keeping, against a fake transport: `page` for the first 2,000 records then the page
 * token, cursors that resume exactly after their page, the recycle-bin pass, and a dead page token reported as
 * ScanCursorLostError (not as an empty scan).
 */
import { describe, expect, it } from 'vitest';
import type { ZohoRequest, ZohoResponse } from '../../../shared/crm/zoho/client';
import { ZohoApiError } from '../../../shared/crm/zoho/errors';
import { ZohoScanner } from '../../../shared/crm/zoho/scanner';
import { ScanCursorLostError, type ScanPage } from '../../../shared/sync/crm-scanner';

/** N deals served 200 at a time, by page number up to 2,000 records and by token after. */
const fakeZoho = (total: number, deleted: { id: string; deleted_time: string }[] = []) => {
  const requests: ZohoRequest[] = [];
  const tokens = new Map<string, number>();
  const send = async (req: ZohoRequest): Promise<ZohoResponse> => {
    requests.push(req);
    const q = req.query ?? {};
    const token = q.page_token as string | undefined;
    if (token && !tokens.has(token))
      throw new ZohoApiError(400, 'EXPIRED_VALUE', 'expired', {}, 'GET /Deals');
    const offset = token ? (tokens.get(token) ?? 0) : (Number(q.page) - 1) * 200;
    const rows = Array.from({ length: Math.max(0, Math.min(200, total - offset)) }, (_, i) => ({
      id: String(1000 + offset + i),
      Deal_Name: `Deal ${offset + i}`,
      Stage: 'Qualification',
      Modified_Time: '2026-03-01T09:00:00+08:00',
    }));
    if (rows.length === 0) return { status: 204, data: undefined, headers: {} };
    const more = offset + 200 < total;
    const next = more ? `t${offset + 200}` : null;
    if (next) tokens.set(next, offset + 200);
    return {
      status: 200,
      data: { data: rows, info: { more_records: more, next_page_token: next } },
      headers: {},
    };
  };
  const scanner = new ZohoScanner({
    client: { send },
    records: { deleted: async () => deleted.map((d) => ({ ...d })) },
    modules: ['Deals'],
  });
  return { scanner, requests, tokens };
};

const collect = async (it: AsyncIterable<ScanPage>) => {
  const pages: ScanPage[] = [];
  for await (const p of it) pages.push(p);
  return pages;
};

describe('ZohoScanner', () => {
  it('asks by page number for the first 2,000 records, then follows the page token', async () => {
    const { scanner, requests } = fakeZoho(2_450);
    const pages = await collect(scanner.scan('Deals'));
    expect(pages.map((p) => p.records.length)).toEqual([...Array(12).fill(200), 50]);
    expect(requests.slice(0, 10).map((r) => r.query?.page)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(requests.slice(10).map((r) => [r.query?.page, r.query?.page_token])).toEqual([
      [undefined, 't2000'],
      [undefined, 't2200'],
      [undefined, 't2400'],
    ]);
    expect(requests[0]?.query?.fields).toBe(
      'Modified_Time,Created_Time,Owner,Deal_Name,Stage,Amount,Closing_Date',
    );
    expect(JSON.parse(pages.at(-1)?.cursor ?? '')).toEqual({ done: true });
  });

  it('resumes after the page whose cursor it is given, by number or by token, reading nothing twice', async () => {
    const { scanner, requests } = fakeZoho(2_450);
    const all = await collect(scanner.scan('Deals'));
    requests.length = 0;
    const afterFourth = await collect(scanner.scan('Deals', { cursor: all[3]?.cursor }));
    expect(afterFourth[0]?.records[0]?.record.id).toBe('1800');
    expect(requests[0]?.query?.page).toBe(5);
    requests.length = 0;
    const afterEleventh = await collect(scanner.scan('Deals', { cursor: all[10]?.cursor }));
    expect(afterEleventh.map((p) => p.records[0]?.record.id)).toEqual(['3200', '3400']);
    expect(requests.map((r) => r.query?.page_token)).toEqual(['t2200', 't2400']);
  });

  it('sends If-Modified-Since, and reads the recycle bin after the list when asked', async () => {
    const { scanner, requests } = fakeZoho(0, [{ id: '77', deleted_time: '2026-03-01T10:00:00+08:00' }]);
    const pages = await collect(
      scanner.scan('Deals', {
        since: new Date('2026-03-01T00:00:00Z'),
        deletedSince: new Date('2026-03-01T00:00:00Z'),
      }),
    );
    expect(requests[0]?.headers).toEqual({ 'If-Modified-Since': '2026-03-01T00:00:00+00:00' });
    expect(pages).toHaveLength(1);
    expect(pages[0]?.records).toEqual([
      {
        object: 'deal',
        deleted: true,
        record: { id: '77', modifiedAt: '2026-03-01T02:00:00.000Z', fields: {} },
      },
    ]);
  });

  it('reports an expired page token as a lost cursor, and other failures as they are', async () => {
    const { scanner, tokens } = fakeZoho(2_450);
    const all = await collect(scanner.scan('Deals'));
    tokens.clear();
    await expect(collect(scanner.scan('Deals', { cursor: all[10]?.cursor }))).rejects.toBeInstanceOf(
      ScanCursorLostError,
    );
    await expect(collect(scanner.scan('Deals', { cursor: 'not json' }))).rejects.toBeInstanceOf(
      ScanCursorLostError,
    );
  });
});

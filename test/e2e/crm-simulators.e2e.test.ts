/**
 * A tenant on Zoho CRM or Fxiaoke, run by `npm start` against the built-in simulator: a change made in the CRM
 * arrives through the provider's receiver, sync reads the record back from the CRM, and the won deal reaches the
 * mailbox once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RuntimeProcess, settle, startRuntimeProcess } from '../support/runtime-process';

const getJson = async <T>(url: string): Promise<T> => (await (await fetch(url)).json()) as T;

const change = (url: string, target: string, id: string, values: Record<string, unknown>) =>
  fetch(`${url}/_local/crm/change`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ target, id, values }),
  });

describe('a Zoho CRM tenant on the simulator', () => {
  let rt: RuntimeProcess;
  beforeAll(async () => {
    rt = await startRuntimeProcess(['--tenant', 'tenants/demo-zoho.json']);
  }, 90_000);
  afterAll(async () => {
    await rt?.stop();
  });

  it('turns a deal moved to Closed Won in Zoho into one congratulation email', async () => {
    const crm = await getJson<{ provider: string; records: Record<string, { id: string; name: string }[]> }>(
      `${rt.url}/_local/crm`,
    );
    expect(crm.provider).toBe('zoho');
    const deal = crm.records.Deals?.[0];
    expect(deal).toBeDefined();
    const res = await change(rt.url, 'Deals', deal?.id ?? '', { Stage: 'Closed Won' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ notifications: 1 });
    await settle(rt.url);
    const emails = await getJson<{ subject: string; to: string[] }[]>(`${rt.url}/_local/emails`);
    expect(emails.map((e) => e.subject)).toEqual([expect.stringContaining(deal?.name ?? '?')]);
    expect((await getJson<unknown[]>(`${rt.url}/_local/dlq`)).length).toBe(0);

    // The same stage again changes nothing the automation cares about: no second email.
    await change(rt.url, 'Deals', deal?.id ?? '', { Stage: 'Closed Won', Description: 'touched' });
    await settle(rt.url);
    expect(await getJson<unknown[]>(`${rt.url}/_local/emails`)).toHaveLength(1);
  });

  it('refuses a change to a record the CRM does not have', async () => {
    const res = await change(rt.url, 'Deals', 'no-such-id', { Stage: 'Closed Won' });
    expect(res.status).toBe(404);
  });

  it('survives the faults a person switches on: 429s, a 5xx, an expired token, duplicate notifications', async () => {
    const faults = (body: unknown) =>
      fetch(`${rt.url}/_local/crm/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const bad = await faults({ tooManyRequests: -1, teleport: true });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/tooManyRequests/);
    const on = await faults({
      tooManyRequests: 2,
      serverErrors: 1,
      expireTokens: true,
      duplicateNotifications: true,
    });
    expect(on.status).toBe(200);

    const crm = await getJson<{ records: Record<string, { id: string; name: string; stage?: string }[]> }>(
      `${rt.url}/_local/crm`,
    );
    const deal = crm.records.Deals?.find((d) => d.stage !== 'Closed Won' && d.stage !== 'Closed Lost');
    expect(deal).toBeDefined();
    const before = (await getJson<unknown[]>(`${rt.url}/_local/emails`)).length;
    const res = await change(rt.url, 'Deals', deal?.id ?? '', { Stage: 'Closed Won', Amount: 250000 });
    expect(await res.json()).toEqual({ notifications: 2 }); // delivered twice
    await settle(rt.url);
    const emails = await getJson<{ subject: string }[]>(`${rt.url}/_local/emails`);
    expect(emails.slice(before).map((e) => e.subject)).toEqual([expect.stringContaining(deal?.name ?? '?')]);
    expect((await getJson<unknown[]>(`${rt.url}/_local/dlq`)).length).toBe(0);
    await faults({ duplicateNotifications: false });
  });
});

describe('an Fxiaoke tenant on the simulator', () => {
  let rt: RuntimeProcess;
  beforeAll(async () => {
    rt = await startRuntimeProcess(['--tenant', 'tenants/demo-fxiaoke.json']);
  }, 90_000);
  afterAll(async () => {
    await rt?.stop();
  });

  it('acknowledges a signed, encrypted data-change callback, syncs the won opportunity and mails its owner', async () => {
    const crm = await getJson<{ records: Record<string, { id: string }[]> }>(`${rt.url}/_local/crm`);
    const opportunity = crm.records.NewOpportunityObj?.[0];
    expect(opportunity).toBeDefined();
    const before = await getJson<{ eventsPublished: number }>(`${rt.url}/_local/status`);
    const res = await change(rt.url, 'NewOpportunityObj', opportunity?.id ?? '', { sales_stage: '5' });
    expect(await res.json()).toEqual({ notifications: 1 });
    await settle(rt.url);
    const after = await getJson<{ eventsPublished: number; deadLetters: number }>(`${rt.url}/_local/status`);
    // crm.record.changed, then the domain events sync derived from the record it read back.
    expect(after.eventsPublished).toBeGreaterThanOrEqual(before.eventsPublished + 2);
    expect(after.deadLetters).toBe(0);
    // The owner comes from the employee directory (PersonnelObj): the won opportunity is congratulated once.
    const emails = await getJson<{ subject: string; to: string[] }[]>(`${rt.url}/_local/emails`);
    expect(emails).toHaveLength(1);
    expect(emails[0]?.to[0]).toMatch(/@/);
    // The demo workflow also told the team's chat group, and wrote its review note back to Fxiaoke (a follow-up
    // record on the opportunity): a failed write-back would have ended in the DLQ, counted above.
    expect(await getJson<unknown[]>(`${rt.url}/_local/chat`)).toHaveLength(1);
  });
});

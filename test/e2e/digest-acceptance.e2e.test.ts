/**
 * Manager digests as a new user tries them on `npm start` (the runtime as its own process, its clock fixed at
 * Monday 30 November 2026, 07:10 in Shanghai, before the weekly digests go out at 08:00): November's deals and
 * activities of the demo team (王芳, 陈静 in Shanghai, Emily Carter in New York; manager 李明) sent as signed generic
 * webhooks, the day's accrual snapshot saved with the CLI, then the clock moved past 08:00: exactly one digest in the
 * mailbox (李明's, of week 2026-W48), its goal figures those of `goals progress --json` as of the week's end, its
 * accruals those of `incentives accrual --json`, its HTML the one `digest preview` writes; moving the clock on a
 * day sends no second one.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DigestModel } from '../../shared/digest/model';
import type { AccrualSummary } from '../../shared/incentives/accrual';
import { GOAL_LINE_FIGURES } from '../support/goal-line-fields';
import { type Email, runtimeDriver } from '../support/runtime-driver';
import { REPO_ROOT, type RuntimeProcess, startRuntimeProcess } from '../support/runtime-process';
import { demoSigningSecret } from '../support/signer';

const dataDir = mkdtempSync(join(tmpdir(), 'qf-digest-'));
let rt: RuntimeProcess;
const { getJson, settle, emails, moveClock, send, quotaflow } = runtimeDriver({
  url: () => rt.url,
  dataDir,
  tenant: 'demo',
  secret: demoSigningSecret(REPO_ROOT),
  idPrefix: 'msg_digest',
});

const LI = 'li.ming@demo.example';
const WEEK_END = '2026-11-30T00:00:00+08:00';
/** The digest of the week that went out, previewed without an --as-of: as of the week's end, as it was sent. */
const PREVIEW_W48 = ['digest', 'preview', '--manager', 'm1', '--period', '2026-W48'];
const owners = {
  u1: { id: 'u1', name: '王芳', email: 'wang.fang@demo.example', managerEmail: LI },
  u2: { id: 'u2', name: '陈静', email: 'chen.jing@demo.example', managerEmail: LI },
  u3: { id: 'u3', name: 'Emily Carter', email: 'emily.carter@demo.example', managerEmail: LI },
};
type Rep = keyof typeof owners;

/** A deal as the CRM sends it, last modified on `day` (a November date: the month already happened). */
const deal = (id: string, rep: Rep, day: string, over: Record<string, unknown>) =>
  send('deal', 'updated', {
    id,
    owner: owners[rep],
    name: `订单 ${id}`,
    currency: 'CNY',
    modifiedAt: `${day}T02:00:00Z`,
    ...over,
  });
const won = (id: string, rep: Rep, closeDate: string, amount: string, currency = 'CNY') =>
  deal(id, rep, closeDate, { amount, currency, closeDate, stage: 'Closed Won', status: 'won' });
const activity = (id: string, rep: Rep, type: string, occurredAt: string, dealId?: string) =>
  send('activity', 'created', {
    id,
    owner: { id: rep },
    modifiedAt: occurredAt,
    fields: { type, occurredAt, ...(dealId ? { dealId } : {}) },
  });

const json = <T>(...args: string[]): T => {
  const res = quotaflow(...args);
  expect(res.status, res.stderr).toBe(0);
  return JSON.parse(res.stdout) as T;
};
const digests = async () =>
  (await emails()).filter((m) => m.headers['x-quotaflow-kind'] === 'manager-digest');

const figuresOf = (line: Record<string, unknown>) =>
  Object.fromEntries(['goal', ...GOAL_LINE_FIGURES].map((k) => [k, line[k]]));

beforeAll(async () => {
  rt = await startRuntimeProcess(['--tenant', 'demo'], { dataDir, clock: '2026-11-30T07:10:00+08:00' });
}, 90_000);
afterAll(async () => {
  await rt?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('manager digests on npm start, as a new user tries them', () => {
  let digest: Email;

  it('mails exactly one digest per manager once the clock passes Monday 08:00', async () => {
    const targets = join(dataDir, 'targets.csv');
    writeFileSync(
      targets,
      'person,goal,period,target\nu1,calls-meetings,2026-11,40\nu2,calls-meetings,2026-11,40\n' +
        'u3,calls-meetings,2026-11,30\neast,team-won-amount,2026-11,850000.00\n',
    );
    const imported = quotaflow('goals', 'import', '--file', targets);
    expect(imported.status, imported.stderr).toBe(0);

    // A month of the team's work: wins through November (one in USD), open pipeline, calls and meetings.
    await won('N-1', 'u1', '2026-11-04', '48000.00');
    await won('N-2', 'u1', '2026-11-25', '36500.50');
    await won('N-3', 'u2', '2026-11-12', '120000.00');
    await won('N-4', 'u3', '2026-11-24', '5000.00', 'USD');
    await deal('N-5', 'u2', '2026-11-26', {
      amount: '90000.00',
      closeDate: '2026-12-18',
      stage: 'Negotiation',
      status: 'open',
    });
    await deal('N-6', 'u3', '2026-11-09', {
      amount: '60000.00',
      closeDate: '2026-11-20',
      stage: 'Proposal',
      status: 'open',
    });
    await activity('NA-1', 'u1', 'call', '2026-11-03T02:00:00Z', 'N-1');
    await activity('NA-2', 'u1', 'meeting', '2026-11-24T06:00:00Z', 'N-2');
    await activity('NA-3', 'u2', 'call', '2026-11-26T03:00:00Z', 'N-5');
    await activity('NA-4', 'u3', 'call', '2026-11-23T15:00:00Z', 'N-6');

    // The day's accrual snapshot (what the daily schedule stores at night), so the digest shows accruals.
    await settle();
    json('incentives', 'accrual', '--save', '--json');
    expect(await digests()).toEqual([]);

    await moveClock('2026-11-30T08:30:00+08:00');
    const mail = await digests();
    expect(mail.map((m) => m.to)).toEqual([[LI]]);
    digest = mail[0] as Email;
    // The demo's team comes from the incentive plans (an id, no name): the subject names the manager.
    expect(digest.subject).toBe('李明：团队简报 2026年第48周（11月23日–11月29日）');
  }, 240_000);

  it('shows the figures of goals progress --json and incentives accrual --json', () => {
    const { digest: model } = json<{ digest: DigestModel }>(...PREVIEW_W48, '--format', 'json');
    expect(model.asOf).toBe(new Date(WEEK_END).toISOString());
    const progress = json<{
      goals: (Record<string, unknown> & { person: string | null; team: string | null })[];
    }>('goals', 'progress', '--team', 'east', '--as-of', WEEK_END, '--json');
    const figure = (goal: string, who: { person?: string; team?: string }) =>
      progress.goals.find(
        (g) => g.goal === goal && (who.team ? g.team === who.team : g.person === who.person),
      ) as Record<string, unknown>;
    expect(model.headline?.scope).toBe('team');
    expect(figuresOf(model.headline as never)).toEqual(
      figuresOf(figure('team-won-amount', { team: 'east' })),
    );
    expect(model.reps.map((r) => r.id).sort()).toEqual(['u1', 'u2', 'u3']);
    for (const rep of model.reps) {
      expect(rep.goal).not.toBeNull();
      expect(figuresOf(rep.goal as never)).toEqual(
        figuresOf(figure(rep.goal?.goal as string, { person: rep.id })),
      );
    }
    // 48,000.00 + 36,500.50 won by 王芳 in November; the text part gives each rep's gap and needed per week in the
    // manager's format, and the team's actual against its target.
    expect(model.reps.find((r) => r.id === 'u1')?.goal?.actual).toBe('84500.50');
    const yuan = (v: unknown) =>
      new Intl.NumberFormat('zh-CN', { style: 'currency', currency: 'CNY' }).format(Number(v));
    for (const rep of model.reps)
      for (const v of [rep.goal?.gap, rep.goal?.neededPerWeek]) expect(digest.text).toContain(yuan(v));
    expect(digest.text).toContain(`${yuan(model.headline?.actual)} / ${yuan(model.headline?.target)}`);

    const accrual = json<{ accruals: AccrualSummary[] }>('incentives', 'accrual', '--json');
    for (const rep of model.reps) {
      const a = accrual.accruals.find((x) => x.repId === rep.id) as AccrualSummary;
      const tier = a.segments.at(-1)?.tiers[0];
      expect(rep.accrual).toMatchObject({ period: a.periodKey, currency: a.currency, earned: a.earned });
      expect(rep.accrual?.tier).toMatchObject({
        component: tier?.componentId,
        tier: tier?.tier,
        rate: tier?.rate,
        nextTierNeeds: tier?.nextTierNeeds ?? null,
      });
    }
  }, 120_000);

  it('writes the same HTML with digest preview', () => {
    const out = join(dataDir, 'digest.html');
    const res = quotaflow(...PREVIEW_W48, '--format', 'html', '--out', out);
    expect(res.status, res.stderr).toBe(0);
    // No image references to set aside: the charts are table cells.
    expect(digest.html).not.toContain('<img');
    expect(readFileSync(out, 'utf8')).toBe(digest.html);
  }, 90_000);

  it('sends none twice when the clock moves on', async () => {
    await moveClock('2026-12-01T09:30:00+08:00');
    expect((await digests()).length).toBe(1);
    expect(await getJson<unknown[]>('/_local/dlq')).toEqual([]);
  }, 240_000);
});

/**
 * Renders one sample of every kind of message (and the unsubscribe page) in zh-CN and en to HTML and text files
 * under .local/mail-samples/, from the demo tenant's own config and fixed data, so the design can be looked at in
 * a browser or screenshotted: `npm run mail:samples`. Nothing here is sent.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CanonicalRecord } from '../../events';
import { parseTenantConfig } from '../../shared/config/tenant';
import { renderDigest } from '../../shared/digest/render';
import { checkinBlocks } from '../../shared/goals/checkin';
import { checkinMail } from '../../shared/goals/mail';
import type { GoalFigures } from '../../shared/goals/progress';
import { parseGoals } from '../../shared/goals/validate';
import {
  closePeriod,
  managerSummary,
  PlanBook,
  statementMail,
  teamSummaryMail,
} from '../../shared/incentives';
import { statementNames } from '../../shared/incentives/runs';
import { unsubscribePage } from '../../shared/mail/unsubscribe-page';
import { renderTemplate } from '../../shared/workflows';
import { loadWorkflows } from '../../shared/workflows/compiled';
import { workflowMail } from '../../shared/workflows/mail';
import { REPS } from '../unit/digest/fixtures';
import { sampleDigest } from './digest-sample';

const ROOT = resolve(import.meta.dirname, '..', '..');
const OUT = join(ROOT, '.local', 'mail-samples');
const read = (p: string): unknown => JSON.parse(readFileSync(join(ROOT, p), 'utf8'));

// The demo tenant, with branding set so the samples show it.
const tenant = parseTenantConfig(
  { ...(read('tenants/demo.json') as object), branding: { color: '#c8102e' } },
  'tenants/demo.json',
);
const book = PlanBook.parse(read('tenants/incentives/demo.json'));
const workflows = loadWorkflows(read('tenants/workflows/demo.json'), 'tenants/workflows/demo.json', 'CNY');

const LOCALES = ['zh-CN', 'en'] as const;
const files: string[] = [];
const write = (name: string, m: { subject?: string; html: string; text?: string }) => {
  writeFileSync(join(OUT, `${name}.html`), m.html);
  if (m.text !== undefined) writeFileSync(join(OUT, `${name}.txt`), `Subject: ${m.subject}\n\n${m.text}`);
  files.push(`${name}.html`);
};

const won = (id: string, date: string, amount: string, owners: [string, string][], over: object = {}) => ({
  id,
  modifiedAt: `${date}T08:00:00Z`,
  status: 'won' as const,
  currency: 'CNY',
  amounts: { amount },
  dates: { closeDate: date },
  owners: owners.map(([repId, percent]) => ({ repId, percent })),
  ...over,
});

/** The weekly check-in of 王芳 on Monday 12 October 2026: her demo goals, a week's wins and deals due. */
const checkinSample = (locale: 'zh-CN' | 'en') => {
  // The goal definitions only: the sample needs no business calendars (they resolve holidays at deploy).
  const { calendars: _, org: __, ...doc } = read('tenants/goals/demo.json') as Record<string, unknown>;
  const goalsDoc = parseGoals(doc, 'tenants/goals/demo.json');
  const figures = (goal: string, unit: string, over: Partial<GoalFigures>): GoalFigures => ({
    curve: 'linear',
    goal,
    owner: 'rep',
    person: 'u1',
    team: null,
    name: '王芳',
    period: '2026-10',
    timeZone: 'Asia/Shanghai',
    metric: goal,
    unit,
    target: null,
    actual: '0',
    baseline: null,
    expected: null,
    gap: null,
    attainment: null,
    neededPerDay: null,
    neededPerWeek: null,
    projected: null,
    coverage: null,
    status: 'on_track',
    businessDays: { total: 22, elapsed: 7, remaining: 15 },
    milestones: [],
    mismatch: null,
    skipped: [],
    ...over,
  });
  const items = [
    {
      goal: goalsDoc.goal('won-amount'),
      figures: figures('won-amount', 'CNY', {
        target: '300000.00',
        actual: '43344.67',
        expected: '95454.55',
        gap: '52109.88',
        attainment: '0.1445',
        neededPerWeek: '85551.78',
        status: 'behind',
      }),
      reasons: [{ kind: 'behind', step: 5 }] as const,
    },
    {
      goal: goalsDoc.goal('calls-meetings'),
      figures: figures('calls-meetings', 'count', {
        target: '44',
        actual: '15',
        expected: '14',
        gap: '-1',
        attainment: '0.3409',
        neededPerWeek: '9.67',
      }),
      reasons: [],
    },
  ].flatMap((i) => (i.goal ? [{ ...i, goal: i.goal }] : []));
  const deal = (id: string, name: string, stage: string, closeDate: string, amount: string) => ({
    id,
    name,
    stage,
    closeDate,
    amount,
  });
  const deals = {
    currency: 'CNY',
    wins: [deal('D-1001', '华东物流 年度仓储合同', 'Closed Won', '2026-10-08', '32345.67')],
    due: [
      deal('D-1007', '星河零售 门店系统二期', 'Negotiation/Review', '2026-09-30', '80000.00'),
      deal('D-1010', 'Northwind 华东分公司', 'Proposal/Price Quote', '2026-10-15', '150000.00'),
    ],
  };
  return checkinMail(
    '王芳',
    '2026-10-12',
    items,
    { locale, tenantName: tenant.displayName, branding: tenant.branding },
    checkinBlocks(deals, items, '2026-10-12', locale),
  );
};

const run = () => {
  mkdirSync(OUT, { recursive: true });
  const deals = [
    won('D-1001', '2026-03-03', '120000.00', [['u1', '100']], { newAccount: true }),
    won(
      'D-1002',
      '2026-03-12',
      '10000.00',
      [
        ['u3', '60'],
        ['u1', '40'],
      ],
      { currency: 'USD' },
    ),
    won('D-1003', '2026-03-18', '65000.50', [['u2', '100']]),
    won('D-1004', '2026-03-25', '41000.00', [['u3', '100']]),
  ];
  const names = statementNames(
    book,
    new Map([
      ['D-1001', '华东物流 年度仓储合同'],
      ['D-1002', 'Acme Corp renewal'],
      ['D-1003', '星河零售 门店系统'],
      ['D-1004', 'Northwind pilot'],
    ]),
  );
  const { statements } = closePeriod({ book, periodKey: '2026-03', deals, closed: [] });
  const of = (rep: string) => statements.find((s) => s.repId === rep);
  for (const locale of LOCALES) {
    for (const rep of ['u1', 'm1']) {
      const s = of(rep);
      if (!s) continue;
      const who = book.person(rep);
      write(
        `statement-${rep}-${locale}`,
        statementMail(s, {
          repName: who.name,
          tenantName: tenant.displayName,
          locale,
          branding: tenant.branding,
          names,
        }),
      );
    }
    const team = book.teams.get('east');
    if (team) {
      const members = team.members.flatMap((m) => of(m) ?? []);
      write(
        `team-summary-${locale}`,
        teamSummaryMail(managerSummary(members), {
          managerName: book.person(team.managerId).name,
          tenantName: tenant.displayName,
          locale,
          names: new Map(members.map((m) => [m.repId, book.person(m.repId).name])),
          branding: tenant.branding,
          attainment: names.attainment,
        }),
      );
    }
  }

  const record: CanonicalRecord = {
    id: 'D-1001',
    modifiedAt: '2026-03-03T08:00:00.000Z',
    name: '华东物流 年度仓储合同',
    email: 'zhao.lei@hd-logistics.example',
    stage: 'Closed Won',
    status: 'won',
    amount: '120000.00',
    currency: 'CNY',
    closeDate: '2026-03-03',
    owner: { id: 'u1', name: '王芳', email: 'wang.fang@demo.example' },
    fields: { industry: '物流' },
  };
  const lead: CanonicalRecord = {
    id: 'L-2001',
    modifiedAt: '2026-03-02T08:00:00.000Z',
    name: 'Sarah O’Neil',
    email: 'sarah@northwind.example',
    status: 'open',
    owner: { id: 'u3', name: 'Emily Carter', email: 'emily.carter@demo.example' },
    fields: { industry: 'retail' },
  };
  for (const locale of LOCALES) {
    const merge = (object: string, r: CanonicalRecord) => ({
      object,
      record: r,
      tenant: { name: tenant.displayName, locale, currency: tenant.currency },
    });
    const congrats = workflows.template('won-deal-congrats');
    const followUp = workflows.template('lead-follow-up');
    if (!congrats || !followUp) throw new Error('the demo templates changed');
    write(
      `workflow-owner-${locale}`,
      workflowMail({
        rendered: renderTemplate(congrats, locale, merge('deal', record)),
        merge: merge('deal', record),
        external: false,
        branding: tenant.branding,
      }),
    );
    write(
      `workflow-contact-${locale}`,
      workflowMail({
        rendered: renderTemplate(followUp, locale, merge('lead', lead)),
        merge: merge('lead', lead),
        external: true,
        unsubscribeLink: `https://api.demo.example/unsubscribe?address=sarah%40northwind.example&token=…&lang=${locale}`,
        branding: tenant.branding,
      }),
    );
    write(`goal-checkin-${locale}`, checkinSample(locale));
    write(`unsubscribe-page-${locale}`, {
      html: unsubscribePage({ ...tenant, locale }, 'confirm', { address: lead.email, action: 'unsubscribe' }),
    });
  }
  // A realistic name where the tests keep `Emily <Carter>` for escaping.
  const digest = sampleDigest(REPS.map((r) => (r.id === 'u3' ? { ...r, name: 'Emily Carter' } : r)));
  for (const locale of LOCALES)
    write(
      `digest-m1-${locale}`,
      renderDigest(
        digest,
        { name: tenant.displayName, branding: tenant.branding },
        { teamName: '华东', locale },
      ),
    );
  process.stdout.write(`${files.length} samples in ${OUT}\n${files.map((f) => `  ${f}`).join('\n')}\n`);
};

run();

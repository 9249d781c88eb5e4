/**
 * A busy week of the demo team as a manager digest (every section and both charts), from fixed data: what
 * `npm run mail:samples` renders for the screenshots under docs/mail/ and what the render tests read.
 */
import type { CanonicalRecord } from '../../events';
import { buildDigest, type DigestInput, type DigestModel } from '../../shared/digest/model';
import { Dec } from '../../shared/incentives/money';
import type { ArchivedEvent } from '../../shared/store/event-archive';
import { activity as call, deal, event, figure, input, REPS } from '../unit/digest/fixtures';

const activity = (id: string, owner: string, at: string, fields: CanonicalRecord['fields']) =>
  call(id, owner, at, fields, `跟进 ${id}`);

const won = (id: string, owner: string, closeDate: string, amount: string, name: string) =>
  deal(id, owner, {
    name,
    status: 'won',
    stage: 'Closed Won',
    closeDate,
    amount,
    modifiedAt: `${closeDate}T06:00:00Z`,
  });

const lead = (id: string, name: string, owner: string, at: string): ArchivedEvent => {
  const e = event('lead.created', { id, name, modifiedAt: at, owner: { id: owner }, fields: {} }, at);
  return { ...e, detail: { ...e.detail, object: 'lead' } };
};

const amountChanged = (record: CanonicalRecord, at: string, from: string, to: string): ArchivedEvent => {
  const e = event('deal.amount_changed', record, at);
  return { ...e, detail: { ...e.detail, change: { from, to } } as never };
};

/**
 * `reps` names the team: the tests keep the fixture's `Emily <Carter>` (escaping is checked on it), the docs'
 * screenshots and `mail:samples` give realistic names (test/support/mail-samples.ts).
 */
export const sampleDigest = (reps: DigestInput['reps'] = REPS): DigestModel => {
  const history = [
    won('h1', 'u1', '2026-07-22', '42000.00', '青松物流'),
    won('h2', 'u2', '2026-08-05', '88000.00', '北辰科技'),
    won('h3', 'u3', '2026-08-19', '25000.00', 'Tailspin'),
    won('h4', 'u1', '2026-08-27', '61000.00', '远航电子'),
    won('h5', 'u2', '2026-09-09', '120000.00', '华润零售'),
    won('h6', 'u3', '2026-09-16', '33000.00', 'Litware'),
    won('h7', 'u1', '2026-09-24', '54000.00', '金桥制造'),
    won('h8', 'u2', '2026-09-30', '76000.00', '东方航运'),
  ];
  const w1 = won('w1', 'u3', '2026-10-07', '123456.78', 'Big & Bold');
  const open = [
    deal('d1', 'u1', {
      name: '华东物流 年度仓储合同',
      stage: 'Negotiation',
      amount: '320000.00',
      closeDate: '2026-10-01',
      fields: { url: 'https://crm.example.cn/deals/d1', contactId: 'c1' },
    }),
    deal('d2', 'u2', {
      name: '星河零售 门店系统',
      stage: 'Proposal',
      amount: '180000.00',
      fields: { contactId: 'c2' },
    }),
    deal('d3', 'u3', {
      name: 'Northwind pilot',
      stage: 'Qualification',
      amount: '45000.00',
      closeDate: '2026-11-20',
    }),
    deal('d4', 'u1', {
      name: '远洋贸易 续约',
      stage: 'Proposal',
      amount: '96000.00',
      closeDate: '2026-12-15',
    }),
    deal('d5', 'u2', {
      name: '宏达制造 MES',
      stage: 'Qualification',
      amount: undefined,
      currency: undefined,
    }),
  ];
  const d4Before = { ...open[3], amount: '80000.00' } as CanonicalRecord;
  return buildDigest(
    input({
      reps,
      figures: [
        figure('u1', {
          actual: '150000.00',
          attainment: '0.5',
          gap: '0.00',
          status: 'on_track',
          expected: '90000.00',
        }),
        figure('u2'),
        figure('u3', {
          status: 'met',
          actual: '310000.00',
          attainment: '1.0333',
          neededPerWeek: null,
          gap: '0.00',
        }),
      ],
      deals: [...history, w1, ...open],
      events: [
        event('deal.created', d4Before, '2026-10-06T03:00:00Z'),
        amountChanged(open[3] as CanonicalRecord, '2026-10-08T03:00:00Z', '80000.00', '96000.00'),
        event('deal.won', w1, '2026-10-07T06:00:00Z'),
        lead('L1', '苏州精工', 'u1', '2026-10-05T10:00:00+08:00'),
        lead('L2', 'Sarah O’Neil', 'u3', '2026-10-06T09:00:00+08:00'),
        lead('L3', '杭州云帆', 'u2', '2026-10-07T15:00:00+08:00'),
      ],
      activities: [
        activity('a1', 'u1', '2026-10-05T13:30:00+08:00', { leadId: 'L1' }),
        activity('a2', 'u2', '2026-10-08T11:00:00+08:00', { leadId: 'L3' }),
        activity('a3', 'u1', '2026-09-18T10:00:00+08:00', { dealId: 'd1', contactId: 'c1' }),
        activity('a4', 'u2', '2026-10-08T10:00:00+08:00', { dealId: 'd2', contactId: 'c2' }),
        activity('t1', 'u2', '2026-09-30T10:00:00+08:00', {
          dueDate: '2026-10-06',
          done: false,
          dealId: 'd2',
        }),
      ],
      activitiesSince: '2026-09-09',
      stageSince: new Map([
        ['d1', '2026-09-01T02:00:00Z'],
        ['d2', '2026-09-28T02:00:00Z'],
        ['d3', '2026-10-02T02:00:00Z'],
        ['d4', '2026-10-06T03:00:00Z'],
        ['d5', '2026-09-21T02:00:00Z'],
      ]),
      stageTimes: new Map([['Negotiation', { days: '12.5', samples: 9 }]]),
      heldOut: [
        {
          deal: won('w9', 'u1', '2026-10-02', '15000.00', 'Contoso EU'),
          reason: { code: 'no_fx_rate', currency: 'EUR' },
        },
      ],
      fxRate: () => new Dec('7.1'),
    }),
  );
};

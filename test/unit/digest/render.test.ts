/** The digest email: escaped CRM values, names not ids, the reader's formats, links only where safe. */
import { describe, expect, it } from 'vitest';
import { buildDigest } from '../../../shared/digest/model';
import { digestEmail, renderDigest } from '../../../shared/digest/render';
import { formatValue } from '../../../shared/digest/words';
import { sampleDigest } from '../../support/digest-sample';
import { deal, event, figure, input } from './fixtures';

const brand = { name: 'Demo <Trading> Co.' };

const busy = () =>
  buildDigest(
    input({
      figures: [
        figure('u1'),
        figure('u3', { status: 'met', actual: '310000.00', attainment: '1.0333', neededPerWeek: null }),
      ],
      deals: [
        deal('d1', 'u1', {
          name: 'Acme <script>alert(1)</script>',
          closeDate: '2026-10-01',
          fields: { url: 'https://crm.example.cn/deals/d1' },
        }),
        deal('d2', 'u2', { name: 'No amount deal', amount: undefined, currency: undefined }),
      ],
      events: [
        event(
          'deal.won',
          deal('w1', 'u3', {
            name: 'Big & Bold',
            status: 'won',
            amount: '123456.78',
            modifiedAt: '2026-10-07T02:00:00Z',
          }),
        ),
      ],
    }),
  );

describe('digest rendering', () => {
  it('escapes every CRM value and shows names, not ids', () => {
    const r = renderDigest(busy(), brand, { teamName: 'East', locale: 'en' });
    expect(r.html).not.toContain('<script>');
    expect(r.html).toContain('Acme &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(r.html).toContain('Emily &lt;Carter&gt;');
    expect(r.html).toContain('Big &amp; Bold');
    expect(r.html).toContain('Demo &lt;Trading&gt; Co.');
    expect(r.html).not.toMatch(/>u[123]</);
    expect(r.text).toContain('Emily <Carter> won Big & Bold (CN¥123,456.78).');
    expect(r.html).toContain('<a href="https://crm.example.cn/deals/d1"');
  });

  it('formats money, percentages and dates for an English reader', () => {
    const r = renderDigest(busy(), brand, { teamName: 'East', locale: 'en' });
    expect(r.subject).toBe('East: team digest, week 41 (Oct 5 – Oct 11, 2026)');
    expect(r.text).toContain('The team is at 61.7% of Monthly won amount (CN¥370,000.00 of CN¥600,000.00)');
    expect(r.text).toContain('CN¥30,000.00');
    expect(r.text).toContain('close date Oct 1 has passed');
    expect(r.text).toContain('Open deals without an amount');
    expect(r.text).toContain('expected 30.0%');
  });

  it('formats for a Chinese reader', () => {
    const r = renderDigest(busy(), brand, { teamName: '华东', locale: 'zh-CN' });
    expect(r.subject).toBe('华东：团队简报 2026年第41周（10月5日–10月11日）');
    expect(r.text).toContain('王芳');
    expect(r.text).toContain('¥30,000.00');
    expect(r.text).toContain('预计成交日 10月1日 已过');
    expect(r.text).toContain('Emily <Carter> 赢得 Big & Bold（¥123,456.78）。');
    expect(r.html).toContain('lang="zh-CN"');
  });

  it('a quiet week reads as one', () => {
    const r = renderDigest(buildDigest(input()), brand, { teamName: 'East', locale: 'en' });
    expect(r.text).toContain('A quiet period');
    expect(r.text).toContain('No goal with a target covers this team yet');
    expect(r.text).not.toContain('What changed');
  });

  it('is sent as a manager digest', () => {
    const r = renderDigest(busy(), brand, { teamName: 'East' });
    const email = digestEmail(r, 'quotaflow@demo.example', 'li.ming@demo.example');
    expect(email).toMatchObject({ kind: 'manager-digest', to: ['li.ming@demo.example'] });
    // The manager's own locale by default.
    expect(r.html).toContain('lang="zh-CN"');
  });
});

describe('charts and the newer sections', () => {
  const sample = sampleDigest();

  it('draws the charts as tables only: no SVG, no script, no images', () => {
    for (const locale of ['zh-CN', 'en'] as const) {
      const r = renderDigest(sample, brand, { teamName: 'East', locale });
      expect(r.html).not.toMatch(/<svg|<script|<img|<canvas/i);
      // Bars are table cells with a width and a background colour Outlook keeps.
      expect(r.html).toMatch(/<td width="\d+(\.\d)?%" bgcolor="#2f6feb"/);
      expect(r.html.match(/<td valign="bottom"/g)).toHaveLength(12);
    }
  });

  it('says in the text part what the charts show', () => {
    const r = renderDigest(sample, brand, { teamName: 'East', locale: 'en' });
    expect(r.text).toContain('Open pipeline by stage');
    expect(r.text).toContain('- Negotiation: CN¥320,000.00 (1 deal)');
    expect(r.text).toContain('- Proposal: CN¥276,000.00 (2 deals)');
    expect(r.text).toContain('CN¥622,456.78 in all · best week Oct 5: CN¥123,456.78');
    expect(r.text).toContain('- 2026-W41 (Oct 5): CN¥123,456.78, 1 deal');
  });

  it('words follow-up, risks, amount changes and held-out deals in the reader’s language', () => {
    const en = renderDigest(sample, brand, { teamName: 'East', locale: 'en' }).text;
    expect(en).toContain('3 new leads this period; 1 without a timely first touch.');
    expect(en).toContain('王芳: median first response 3.5 h (1 of 1 leads touched)');
    expect(en).toContain('- Sarah O’Neil: Emily <Carter> · created Oct 6, 09:00');
    expect(en).toContain('- 跟进 t1: 陈静 · due Oct 6');
    expect(en).toContain(
      'no activity in 14 business days (last Sep 18); one contact only; 38 days in Negotiation (typically 12.5 days)',
    );
    expect(en).toContain('CN¥80,000.00 → CN¥96,000.00');
    expect(en).toContain('held out of commissions: no EUR exchange rate for its date');
    const zh = renderDigest(sample, brand, { teamName: '华东', locale: 'zh-CN' }).text;
    expect(zh).toContain(
      '14 个工作日无跟进活动（上次 9月18日）；只有一位联系人；停留在「Negotiation」38 天（通常 12.5 天）',
    );
    expect(zh).toContain('王芳：首次响应时间中位数 3.5 小时（1 条线索中已跟进 1 条）');
    expect(zh).toContain('未计入提成：缺少该日期的 EUR 汇率');
  });
});

describe('sequence figures in the follow-up section', () => {
  const at = (d: string) => `2026-10-0${d}T01:00:00Z`;
  const digest = buildDigest(
    input({
      enrolments: [
        { recordId: 'L1', startedAt: at('1'), status: 'active' as const },
        { recordId: 'L2', startedAt: at('2'), status: 'active' as const },
        {
          recordId: 'L3',
          startedAt: at('2'),
          status: 'stopped' as const,
          stoppedAt: at('6'),
          stoppedReason: 'stop condition: replied',
        },
      ].map((e) => ({
        ...e,
        object: 'lead',
        sequence: 'nurture',
        version: 1,
        occurrence: 'once',
        workflow: 'wf',
        ownerId: 'u1',
      })),
    }),
  );

  it('gives each rep with sequences the active count and the reply rate, in either language', () => {
    const en = renderDigest(digest, brand, { teamName: 'East', locale: 'en' });
    expect(en.text).toContain('Sequences');
    expect(en.text).toContain(
      '- 王芳: 2 active sequences; reply rate 33.3% (1 of 3 active this period replied)',
    );
    expect(en.text).toContain('Reply rate: enrolments stopped by a reply during the period');
    expect(en.html).toContain('王芳: 2 active sequences; reply rate 33.3%');
    // Reps without any enrolment are left out of the list.
    expect(en.text).not.toContain('陈静: 0 active');
    const zh = renderDigest(digest, brand, { teamName: '华东', locale: 'zh-CN' });
    expect(zh.text).toContain('跟进序列');
    expect(zh.text).toContain('- 王芳：进行中的序列 2 个；回复率 33.3%（本期进行过的 3 个中 1 个已回复）');
    expect(zh.html).toContain('回复率：本期内因对方回复而停止的序列');
  });

  it('leaves the lines out when no rep has an enrolment', () => {
    const r = renderDigest(buildDigest(input()), brand, { teamName: 'East', locale: 'en' });
    expect(r.text).not.toContain('active sequence');
  });
});

describe('the text part', () => {
  it("carries each rep's figures the HTML shows: actual and target, gap, needed a week, accrual, next tier", () => {
    for (const locale of ['en', 'zh-CN'] as const) {
      const model = sampleDigest();
      const r = renderDigest(model, brand, { teamName: 'East', locale });
      let checked = 0;
      for (const rep of model.reps) {
        const g = rep.goal;
        const a = rep.accrual;
        const values = [
          ...(g
            ? [
                [g.actual, g.unit],
                [g.target, g.unit],
                [g.neededPerWeek, g.unit],
              ]
            : []),
          ...(g?.gap && !g.gap.startsWith('-') && g.gap !== '0.00' ? [[g.gap, g.unit]] : []),
          ...(a
            ? [
                [a.earned, a.currency],
                [a.tier?.nextTierNeeds ?? null, a.currency],
              ]
            : []),
        ].filter((v): v is [string, string] => v[0] !== null && v[0] !== undefined);
        for (const [v, unit] of values) {
          const shown = formatValue(v, unit, locale);
          const line = r.text.split('\n').find((l) => l.startsWith(`- ${rep.name}:`)) ?? '';
          expect([locale, rep.name, line]).toEqual([locale, rep.name, expect.stringContaining(shown)]);
          expect(r.html).toContain(shown);
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(6);
    }
  });
});

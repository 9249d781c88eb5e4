/**
 * The CLI's tables line up on a terminal whatever the script: columns are padded by display width, where a CJK
 * character takes two cells, so `负责人` heads a column of 王芳 and Emily Carter with every next column starting
 * in the same cell.
 */
import { describe, expect, it } from 'vitest';
import { progressText } from '../../../infra/cli/goals-format';
import { columns, displayWidth, pad } from '../../../infra/cli/table';
import type { Goal } from '../../../shared/goals/definition';
import type { GoalFigures } from '../../../shared/goals/progress';

/** The display cell at which each cell after the first starts, per line (cells two or more spaces apart). */
const starts = (line: string): number[] => {
  const out: number[] = [];
  const re = / {2,}(?=\S)/g;
  for (let m = re.exec(line); m; m = re.exec(line))
    out.push(displayWidth(line.slice(0, m.index + m[0].length)));
  return out;
};

describe('display width', () => {
  it('counts CJK and wide emoji as two cells, combining marks and ANSI colour as none', () => {
    expect(displayWidth('负责人')).toBe(6);
    expect(displayWidth('Emily Carter')).toBe(12);
    expect(displayWidth('王芳 (u1)')).toBe(9);
    expect(displayWidth('¥190,800.00')).toBe(11);
    expect(displayWidth('👍🏽')).toBe(2);
    expect(displayWidth('e\u0301')).toBe(1);
    expect(displayWidth('\u001b[31mred\u001b[39m')).toBe(3);
    expect(pad('王芳', 6)).toBe('王芳  ');
    expect(pad('Emily Carter', 6)).toBe('Emily Carter');
  });
});

describe('columns', () => {
  it('aligns zh-CN and en rows under a zh-CN header', () => {
    const text = columns([
      ['负责人', '周期', '实际', '状态'],
      ['王芳', '2026-10', '¥190,800.00', '进度正常'],
      ['Emily Carter', '2026-10', '¥35,400.00', '落后'],
      ['陈静', '2026-10', '¥30,000.00', '落后'],
    ]);
    expect(text).toBe(
      [
        '负责人        周期     实际         状态',
        '王芳          2026-10  ¥190,800.00  进度正常',
        'Emily Carter  2026-10  ¥35,400.00   落后',
        '陈静          2026-10  ¥30,000.00   落后',
        '',
      ].join('\n'),
    );
    const lines = text.trimEnd().split('\n');
    for (const l of lines) expect(starts(l)).toEqual(starts(lines[0] as string));
  });

  it('aligns an en header over zh-CN names', () => {
    const lines = columns([
      ['who', 'period', 'status'],
      ['李明', '2026-Q4', 'on track'],
      ['u3', '2026-Q4', 'behind'],
    ])
      .trimEnd()
      .split('\n');
    expect(lines[0]).toBe('who   period   status');
    for (const l of lines) expect(starts(l)).toEqual([6, 15]);
  });
});

describe('goals progress table', () => {
  const goal: Goal = {
    id: 'won-amount',
    name: { 'zh-CN': '赢单金额', en: 'Won amount' },
  } as unknown as Goal;
  const figure = (name: string, person: string, over: Partial<GoalFigures>): GoalFigures => ({
    curve: 'linear',
    goal: 'won-amount',
    owner: 'rep',
    person,
    team: null,
    name,
    period: '2026-10',
    timeZone: 'Asia/Shanghai',
    metric: 'won_amount',
    unit: 'CNY',
    target: '300000.00',
    actual: '190800.00',
    expected: '116666.67',
    gap: '-74133.33',
    attainment: '0.6360',
    neededPerDay: '9927.27',
    neededPerWeek: '49636.36',
    projected: '490628.57',
    coverage: '0.00',
    status: 'on_track',
    businessDays: { total: 21, elapsed: 8, remaining: 13 },
    milestones: [],
    mismatch: null,
    skipped: [],
    ...over,
  });
  const rows = [
    figure('王芳', 'u1', {}),
    figure('Emily Carter', 'u3', { actual: '35400.00', status: 'behind', coverage: '0.45' }),
  ];

  for (const locale of ['zh-CN', 'en'] as const)
    it(`lines up every column in ${locale}`, () => {
      const text = progressText([goal], rows, locale);
      const table = text
        .split('\n')
        .filter((l) => l.includes('2026-10') || l.startsWith(locale === 'en' ? 'who' : '负责人'));
      expect(table).toHaveLength(3);
      const head = starts(table[0] as string);
      expect(head).toHaveLength(10);
      for (const l of table) expect(starts(l)).toEqual(head);
    });
});

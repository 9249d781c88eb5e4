/**
 * Demo data for the Fxiaoke simulator: one sales team (a manager and four reps), accounts, contacts, leads,
 * opportunities (Opportunity 2.0) at every stage including an invalidated one, follow-up records, and optionally a
 * large block of generated opportunities for paging tests. Deterministic for a given seed.
 */
import type { SimRecord, SimRecords } from './store';

/** One tenant's default `sales_stage` options (crm-protocols.md §2.3); 5 and 6 close the deal. */
export const DEMO_SALES_STAGES: Readonly<Record<string, string>> = {
  '1': '验证客户',
  '2': '需求确定',
  '3': '方案/报价',
  '4': '谈判审核',
  '5': '赢单',
  '6': '输单',
};
export const DEMO_STAGE_MAPPING = { won: ['5'], lost: ['6'], labels: DEMO_SALES_STAGES };

export const DEMO_PEOPLE = [
  {
    id: '1000',
    name: '刘洋',
    title: '华东区销售经理',
    email: 'liu.yang@quotaflow-demo.example',
    manager: undefined,
  },
  { id: '1001', name: '张伟', title: '客户经理', email: 'zhang.wei@quotaflow-demo.example', manager: '1000' },
  { id: '1002', name: '王芳', title: '客户经理', email: 'wang.fang@quotaflow-demo.example', manager: '1000' },
  { id: '1003', name: '李娜', title: '客户经理', email: 'li.na@quotaflow-demo.example', manager: '1000' },
  { id: '1004', name: '陈磊', title: '销售代表', email: 'chen.lei@quotaflow-demo.example', manager: '1000' },
] as const;

const ACCOUNTS = [
  '上海云启科技有限公司',
  '北京华腾信息技术有限公司',
  '深圳前海数智科技有限公司',
  '杭州青禾电子商务有限公司',
  '成都天府软件服务有限公司',
  '广州南沙智造有限公司',
];
const CONTACTS = ['赵敏', '孙浩', '周婷', '吴强', '郑晓琳', '冯涛'];
const PRODUCTS = ['CRM 年度订阅', '销售自动化套件', '数据集成服务', '私有化部署', '培训与实施'];

/** mulberry32: a tiny deterministic PRNG so that seeded data (and its ids) repeat exactly. */
export const prng = (seed: number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

/** 24 hex digits like Fxiaoke's `_id` (ObjectId-shaped: seconds, then random bytes). */
export const idFactory = (random: () => number) => {
  const used = new Set<string>();
  return (atMs: number): string => {
    for (;;) {
      const rand = Array.from({ length: 16 }, () => Math.floor(random() * 16).toString(16)).join('');
      const id =
        Math.floor(atMs / 1000)
          .toString(16)
          .padStart(8, '0') + rand;
      if (!used.has(id)) {
        used.add(id);
        return id;
      }
    }
  };
};

export interface SeedOptions {
  /** PRNG seed; the same seed gives the same data and ids. */
  random?: number;
  /** Seed the demo team and its records (default true). */
  demo?: boolean;
  /** Extra generated NewOpportunityObj records (for paging past the 10,000 offset cap). */
  bulkOpportunities?: number;
}

const DAY = 86_400_000;

export const seedSimulator = (records: SimRecords, nowMs: number, opts: SeedOptions = {}): void => {
  const random = prng(opts.random ?? 20_260_302);
  const newId = idFactory(random);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const at = (daysAgo: number) => Math.floor(nowMs - daysAgo * DAY - random() * DAY);
  const base = (created: number, modified: number, owner: string): Omit<SimRecord, '_id'> => ({
    owner: [owner],
    created_by: [owner],
    create_time: created,
    last_modified_time: modified,
    life_status: 'normal',
    is_deleted: false,
    lock_status: '0',
  });
  const reps = DEMO_PEOPLE.filter((p) => p.manager).map((p) => p.id);

  if (opts.demo !== false) {
    for (const p of DEMO_PEOPLE) {
      const t = at(400);
      records.put('PersonnelObj', {
        _id: newId(t),
        ...base(t, t, '1000'),
        user_id: p.id,
        name: p.name,
        email: p.email,
        position: p.title,
        ...(p.manager ? { leader: [p.manager] } : {}),
      });
    }
    const accountIds = ACCOUNTS.map((name, i) => {
      const created = at(200 - i * 10);
      const _id = newId(created);
      records.put('AccountObj', { _id, ...base(created, at(30 - i), reps[i % reps.length] ?? '1001'), name });
      return _id;
    });
    CONTACTS.forEach((name, i) => {
      const t = at(90 - i);
      records.put('ContactObj', {
        _id: newId(t),
        ...base(t, t, reps[i % reps.length] ?? '1001'),
        name,
        account_id: accountIds[i % accountIds.length],
        email: `contact${i + 1}@customer-demo.example`,
      });
    });
    ['官网留资-苏州某制造企业', '展会名片-南京某连锁零售', '电话咨询-武汉某物流公司'].forEach((name, i) => {
      const t = at(5 + i);
      records.put('LeadsObj', { _id: newId(t), ...base(t, t, reps[i] ?? '1001'), name, source: '官网' });
    });
    // One opportunity per stage and rep, plus one invalidated (作废).
    const stages = Object.keys(DEMO_SALES_STAGES);
    stages.forEach((stage, i) => {
      const owner = reps[i % reps.length] ?? '1001';
      const created = at(60 - i * 5);
      const account = i % accountIds.length;
      records.put('NewOpportunityObj', {
        _id: newId(created),
        ...base(created, at(10 - i), owner),
        name: `${ACCOUNTS[account]?.slice(0, 4)}-${PRODUCTS[i % PRODUCTS.length]}`,
        account_id: accountIds[account],
        amount: `${(80 + i * 45) * 1000}.00`,
        close_date: Date.UTC(2026, 2 + i, 15) - 8 * 3_600_000,
        sales_stage: stage,
        probability: Math.min(100, Number(stage) * 20),
        // "1" in progress and "2" won are documented; "3" for lost is assumed. [I]
        sales_status: stage === '5' ? '2' : stage === '6' ? '3' : '1',
      });
    });
    const voided = at(20);
    records.put('NewOpportunityObj', {
      _id: newId(voided),
      ...base(voided, at(3), '1004'),
      name: '重复录入-深圳前海数智',
      amount: '50000.00',
      sales_stage: '2',
      sales_status: '1',
      life_status: 'invalid',
    });
    const legacy = at(300);
    records.put('OpportunityObj', {
      _id: newId(legacy),
      ...base(legacy, at(100), '1002'),
      name: '北京华腾-旧版商机',
      amount: '36000.00',
      sales_stage: '3',
    });
    records.put('ActiveRecordObj', {
      _id: newId(at(2)),
      ...base(at(2), at(2), '1001'),
      active_record_content: '电话沟通了续约意向，客户希望下周看方案。',
      related_object_data: [{ describe_api_name: 'AccountObj', id: accountIds[0] }],
    });
  }

  for (let i = 0; i < (opts.bulkOpportunities ?? 0); i++) {
    const created = at(1 + random() * 300);
    const stage = pick(Object.keys(DEMO_SALES_STAGES));
    records.put('NewOpportunityObj', {
      _id: newId(created),
      ...base(created, created + Math.floor(random() * DAY), pick(reps)),
      name: `批量商机-${String(i + 1).padStart(5, '0')}`,
      amount: `${Math.floor(random() * 1_000_000)}.${String(Math.floor(random() * 100)).padStart(2, '0')}`,
      sales_stage: stage,
    });
  }
};

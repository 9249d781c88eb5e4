/**
 * Deterministic seed data for the Zoho simulator: a manager and reps with English and Chinese names, accounts,
 * contacts, leads and deals at every stage of Zoho's default pipeline. Same seed, same data, so tests can assert.
 */

export interface SimUser {
  id: string;
  name: string;
  email: string;
  role: 'manager' | 'rep';
}

export interface SeedOptions {
  deals?: number;
  leads?: number;
  contacts?: number;
  accounts?: number;
  /** PRNG seed. */
  random?: number;
}

/** Zoho's default Stage picklist with its probabilities (crm-protocols.md §1.3). */
export const STAGES: readonly [string, number][] = [
  ['Qualification', 10],
  ['Needs Analysis', 20],
  ['Value Proposition', 40],
  ['Id. Decision Makers', 60],
  ['Proposal/Price Quote', 75],
  ['Negotiation/Review', 90],
  ['Closed Won', 100],
  ['Closed Lost', 0],
];

export const USERS: readonly SimUser[] = [
  { id: '5725767000000411001', name: '李娜', email: 'li.na@example.cn', role: 'manager' },
  { id: '5725767000000411002', name: '王伟', email: 'wang.wei@example.cn', role: 'rep' },
  { id: '5725767000000411003', name: '张敏', email: 'zhang.min@example.cn', role: 'rep' },
  { id: '5725767000000411004', name: 'Emily Carter', email: 'emily.carter@example.com', role: 'rep' },
  { id: '5725767000000411005', name: "James O'Brien", email: 'james.obrien@example.com', role: 'rep' },
];

const COMPANIES = [
  '上海华通科技有限公司',
  '北京云启数据',
  '深圳前海供应链',
  '杭州青禾教育',
  'Northwind Traders',
  'Contoso Ltd',
  'Fabrikam Inc',
  'Globex Corporation',
  'Initech',
  'Umbrella Health',
];
const PEOPLE: readonly [string, string][] = [
  ['伟', '刘'],
  ['芳', '陈'],
  ['静', '杨'],
  ['磊', '赵'],
  ['Olivia', 'Smith'],
  ['Liam', 'Johnson'],
  ['Sophia', 'Müller'],
  ['Noah', 'García'],
];
const PRODUCTS = ['ERP 采购', 'CRM 扩容', 'Annual renewal', 'Pilot', 'Data platform', '培训服务'];
const LEAD_SOURCES = ['Web Site', 'Cold Call', 'Trade Show', 'Partner', '线上活动'];

/** mulberry32: small, fast, good enough for test data. */
export const prng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
};

export interface SeedRecord {
  id: string;
  createdMs: number;
  modifiedMs: number;
  fields: Record<string, unknown>;
}

let counter = 0;
/** 19-digit numeric ids like Zoho's, unique within a process. */
export const nextId = (): string => `57257670${String(++counter).padStart(11, '0')}`;

const isChinese = (s: string) => /[\u4e00-\u9fff]/.test(s);

export const seedData = (opts: SeedOptions, nowMs: number): Record<string, SeedRecord[]> => {
  const rnd = prng(opts.random ?? 42);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const reps = USERS.filter((u) => u.role === 'rep');
  const owner = () => {
    const u = pick(reps);
    return { name: u.name, id: u.id, email: u.email };
  };
  const times = () => {
    const created = nowMs - Math.floor(rnd() * 180 * 86_400_000) - 86_400_000;
    return { createdMs: created, modifiedMs: created + Math.floor(rnd() * (nowMs - created - 60_000)) };
  };
  const person = () => {
    const [first, last] = pick(PEOPLE);
    const full = isChinese(last) ? `${last}${first}` : `${first} ${last}`;
    return { First_Name: first, Last_Name: last, Full_Name: full };
  };

  const accounts: SeedRecord[] = Array.from({ length: opts.accounts ?? 10 }, (_, i) => ({
    id: nextId(),
    ...times(),
    fields: {
      Account_Name: COMPANIES[i % COMPANIES.length] ?? 'Account',
      Owner: owner(),
      Industry: 'Technology',
    },
  }));
  const accountRef = () => {
    const a = pick(accounts);
    return { name: a.fields.Account_Name, id: a.id };
  };
  const contacts: SeedRecord[] = Array.from({ length: opts.contacts ?? 20 }, (_, i) => ({
    id: nextId(),
    ...times(),
    fields: { ...person(), Email: `contact${i}@example.com`, Account_Name: accountRef(), Owner: owner() },
  }));
  const leads: SeedRecord[] = Array.from({ length: opts.leads ?? 20 }, (_, i) => ({
    id: nextId(),
    ...times(),
    fields: {
      ...person(),
      Company: pick(COMPANIES),
      Email: `lead${i}@example.com`,
      Lead_Source: pick(LEAD_SOURCES),
      Lead_Status: pick(['Not Contacted', 'Contacted', 'Qualified']),
      Owner: owner(),
    },
  }));
  const deals: SeedRecord[] = Array.from({ length: opts.deals ?? 40 }, (_, i) => {
    const [stage, probability] = STAGES[i % STAGES.length] ?? ['Qualification', 10];
    const account = accountRef();
    const t = times();
    return {
      id: nextId(),
      ...t,
      fields: {
        Deal_Name: `${account.name} ${pick(PRODUCTS)} #${i + 1}`,
        Stage: stage,
        Probability: probability,
        // Whole cents, sent as a JSON number like Zoho's currency fields.
        Amount: Math.round(rnd() * 50_000_000) / 100,
        Closing_Date: new Date(t.createdMs + 30 * 86_400_000).toISOString().slice(0, 10),
        Account_Name: account,
        Owner: owner(),
        Pipeline: 'Standard',
      },
    };
  });
  return {
    Accounts: accounts,
    Contacts: contacts,
    Leads: leads,
    Deals: deals,
    Tasks: [],
    Calls: [],
    Notes: [],
  };
};

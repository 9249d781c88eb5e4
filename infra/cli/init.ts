/**
 * `quotaflow init <id>`: a new tenant from the demo's shape, ready for `npm start -- --tenant <id>` with no hand
 * edits: tenants/<id>.json, its workflows and incentive plans (copies of the demo's, renamed, in the tenant's
 * currency and zone) and a dev-only secrets file with fresh random values. Everything is validated before the
 * command says it is done; nothing is overwritten.
 */

import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { TENANT_ID_PATTERN, TenantConfigError } from '../../shared/config/tenant';
import { crmSettings, crmSettingsOf } from '../../shared/crm/registry';
import { deployProblems } from '../deployability';
import { loadTenant, stackName, TENANTS_DIR } from '../tenants';
import { type Terminal, UsageError } from './common';

export interface InitOptions {
  zone?: string;
  locale?: string;
  currency?: string;
  crm?: string;
  sender?: string;
  account?: string;
  region?: string;
  alarmEmail?: string[];
  name?: string;
  yes?: boolean;
  /** The tenants folder (default the repository's tenants/). */
  dir?: string;
}

type Answers = Required<Pick<InitOptions, 'zone' | 'locale' | 'currency' | 'crm' | 'sender'>> & InitOptions;

/** The CRMs a skeleton can be made for (their descriptors name the demo it is copied from). */
const crmChoices = (): string[] => crmSettings().flatMap((s) => (s.demoTenant ? [s.id] : []));
const listed = (ids: string[]) => `${ids.slice(0, -1).join(', ')} or ${ids.at(-1)}`;

const QUESTIONS: { key: keyof Answers; label: string; fallback: (id: string) => string }[] = [
  { key: 'zone', label: 'time zone (IANA)', fallback: () => 'Asia/Shanghai' },
  { key: 'locale', label: 'locale (zh-CN or en)', fallback: () => 'zh-CN' },
  { key: 'currency', label: 'currency (ISO 4217)', fallback: () => 'CNY' },
  { key: 'crm', label: `CRM (${listed(crmChoices())})`, fallback: () => 'generic' },
  { key: 'sender', label: 'sender address', fallback: (id) => `quotaflow@${id}.example` },
  { key: 'account', label: 'AWS account (12 digits; empty: local only)', fallback: () => '' },
  { key: 'region', label: 'AWS region (empty: local only)', fallback: () => '' },
];

const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;

/** 32 random bytes, as the Standard Webhooks secret and the unsubscribe key expect. */
export const devSecrets = () => ({
  _warning:
    "DEV ONLY. Used by the local runtime (npm start), never deployed. Real secrets live in the stack's secret.",
  genericWebhookSigningSecret: `whsec_${randomBytes(32).toString('base64')}`,
  unsubscribeSigningSecret: randomBytes(32).toString('base64url'),
});

export const scaffoldTenant = (id: string, a: Answers, term: Terminal): string[] => {
  const dir = a.dir ?? TENANTS_DIR;
  const demo = crmSettingsOf(a.crm)?.demoTenant;
  if (!demo) throw new UsageError(`--crm must be ${listed(crmChoices())}; got ${JSON.stringify(a.crm)}`);
  const file = join(dir, `${id}.json`);
  const files = {
    tenant: file,
    secrets: join(dir, `${id}.dev-secrets.json`),
    workflows: join(dir, 'workflows', `${id}.json`),
    incentives: join(dir, 'incentives', `${id}.json`),
  };
  const taken = Object.values(files).filter((f) => existsSync(f));
  if (taken.length)
    throw new UsageError(`tenant ${id} exists already: ${taken.join(', ')}; nothing was written`);

  const source = readJson(join(TENANTS_DIR, `${demo}.json`));
  const deployable = Boolean(a.account && a.region);
  const tenant = {
    id,
    ...(deployable ? {} : { deployable: false }),
    displayName: a.name ?? id,
    timeZone: a.zone,
    locale: a.locale,
    currency: a.currency,
    mail: { sender: a.sender },
    crm: source.crm,
    schedules: {},
    ...(deployable ? { aws: { account: a.account, region: a.region } } : {}),
    ...(a.alarmEmail?.length ? { alarms: { emails: a.alarmEmail } } : {}),
  };
  const written: string[] = [];
  const write = (to: string, value: unknown) => {
    mkdirSync(dirname(to), { recursive: true });
    writeFileSync(to, `${JSON.stringify(value, null, 2)}\n`, { flag: 'wx' });
    written.push(to);
  };
  try {
    write(files.tenant, tenant);
    write(files.secrets, devSecrets());
    const workflows = join(TENANTS_DIR, 'workflows', `${demo}.json`);
    if (existsSync(workflows)) write(files.workflows, { ...readJson(workflows), tenantId: id });
    const plans = join(TENANTS_DIR, 'incentives', `${demo}.json`);
    if (existsSync(plans)) {
      const book = readJson(plans) as { plans?: Record<string, unknown>[] };
      write(files.incentives, {
        ...book,
        plans: (book.plans ?? []).map((p) => ({ ...p, currency: a.currency, timeZone: a.zone })),
      });
    }
    const loaded = loadTenant(files.tenant);
    for (const p of loaded.deployable ? deployProblems(loaded) : [])
      term.err(`warning: not deployable yet: ${p.path} ${p.message}`);
  } catch (err) {
    // A config that does not validate is not left half-made.
    for (const f of written) rmSync(f, { force: true });
    if (err instanceof TenantConfigError) throw new UsageError(err.message);
    throw err;
  }
  return written;
};

const ask = async (id: string, opts: InitOptions, term: Terminal): Promise<Answers> => {
  const missing = QUESTIONS.filter((q) => opts[q.key] === undefined);
  const answers: InitOptions = { ...opts };
  if (opts.yes || missing.length === 0) {
    for (const q of missing)
      if (q.key !== 'account' && q.key !== 'region') answers[q.key] = q.fallback(id) as never;
    return answers as Answers;
  }
  if (!process.stdin.isTTY)
    throw new UsageError(
      `missing ${missing.map((q) => `--${q.key}`).join(', ')}; pass them, or --yes for the defaults`,
    );
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    for (const q of missing) {
      const fallback = q.fallback(id);
      const answer =
        (await rl.question(`${q.label}${fallback ? ` [${fallback}]` : ''}: `)).trim() || fallback;
      if (answer) answers[q.key] = answer as never;
    }
  } finally {
    rl.close();
  }
  term.err('');
  return answers as Answers;
};

export const runInit = async (id: string, opts: InitOptions, term: Terminal): Promise<void> => {
  if (!TENANT_ID_PATTERN.test(id))
    throw new UsageError(
      `tenant id ${JSON.stringify(id)} must be 3-30 characters: lower-case letters, digits and dashes, starting with a letter`,
    );
  const answers = await ask(id, opts, term);
  const written = scaffoldTenant(id, answers, term);
  const shown = (f: string) => relative(process.cwd(), f) || f;
  for (const f of written) term.out(`wrote ${shown(f)}`);
  term.out(`\ntenant ${id} is valid. Next:\n  npm start -- --tenant ${id}`);
  if (answers.account && answers.region)
    term.out(
      `  then, to deploy: verify ${answers.sender.split('@')[1]} in SES (${answers.region}), and\n` +
        `  npx cdk deploy ${stackName(id)} -c tenant=${id}`,
    );
  else term.out('  (local only: add --account and --region, or aws.account/aws.region, to deploy it)');
};

export const registerInit = (program: Command): void => {
  program
    .command('init')
    .description(
      'scaffold a new tenant: config, workflow and incentive skeletons, dev-only secrets; validates them',
    )
    .argument('<id>', 'tenant id (the file is tenants/<id>.json)')
    .option('--zone <zone>', 'IANA time zone, e.g. Europe/Berlin')
    .option('--locale <locale>', 'zh-CN or en')
    .option('--currency <code>', 'ISO 4217 currency, e.g. EUR')
    .option('--crm <provider>', listed(crmChoices()))
    .option('--sender <address>', 'the address mail is sent from')
    .option('--account <id>', 'AWS account id (with --region: deployable)')
    .option('--region <region>', 'AWS region, e.g. eu-central-1')
    .option(
      '--alarm-email <address>',
      'who gets alarm mail (repeatable)',
      (v: string, all: string[] = []) => [...all, v],
    )
    .option('--name <text>', 'display name (default: the id)')
    .option('--yes', 'ask nothing: defaults for whatever is not given')
    .option('--dir <folder>', 'tenants folder (default: tenants/ of this repository)')
    .addHelpText(
      'after',
      '\nExample:\n  npm run quotaflow -- init acme --zone Europe/Berlin --locale en --currency EUR --crm generic \\\n' +
        '    --sender sales@acme.example --account 123456789012 --region eu-central-1 \\\n' +
        '    --alarm-email oncall@acme.example --yes',
    )
    .action(async (id: string, opts: InitOptions) => {
      const term: Terminal = { out: (t) => console.log(t), err: (t) => console.error(t) };
      try {
        await runInit(id, opts, term);
      } catch (err) {
        if (!(err instanceof UsageError)) throw err;
        console.error(err.message);
        process.exitCode = 2;
      }
    });
};

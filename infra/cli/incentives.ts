/**
 * `quotaflow incentives <accrual|close|statement|export|what-if>`: incentive runs from the terminal, over the
 * tenant's table (the deals the sync stored, the frozen statements) and its plans in tenants/incentives/<id>.json.
 * The tenant is found as for every command (tenant-target.ts); on a running `npm start` "now" is its clock.
 * Every command has `--json`. Exit codes: 0 done, 1 failed or refused (a closed period, a store error),
 * 2 bad arguments, tenant or plans. What they run on: incentives-wiring.ts.
 */
import { type Command, Option } from 'commander';
import {
  accrualRun,
  closeRun,
  Dec,
  formatPercent,
  IncentiveConflictError,
  IncentiveInputError,
  moneyString,
  type PlanBook,
  parsePeriodKey,
  planBookFromFile,
  replayDraft,
  statementCsv,
} from '../../shared/incentives';
import type { Locale } from '../../shared/incentives/plan';
import { NOW_OPTION, type Terminal, UsageError, wiredAction } from './common';
import { explain } from './import';
import { money, statementText } from './incentives-format';
import { type IncentiveOptions, type IncentiveWiring, incentivesWiring, shown } from './incentives-wiring';
import { columns } from './table';
import { targetForCli, withTenantOptions } from './tenant-target';

export { type IncentiveOptions, type IncentiveWiring, incentivesWiring };

const periodArg = (key: string | undefined, name = '--period'): string | undefined => {
  if (key === undefined) return undefined;
  try {
    return parsePeriodKey(key).key;
  } catch {
    throw new UsageError(`${name} must be a period such as 2026-03 or 2026-Q1, got ${JSON.stringify(key)}`);
  }
};

/** Runs one command body with the shared error handling: the exit code it returns, 2 or 1 on a thrown error. */
const guarded = async (
  term: Terminal,
  w: Pick<IncentiveWiring, 'tableName'>,
  what: string,
  body: () => Promise<number>,
): Promise<number> => {
  try {
    return await body();
  } catch (err) {
    if (err instanceof UsageError) {
      term.err(`${err.message}\n`);
      return 2;
    }
    if (err instanceof IncentiveConflictError || err instanceof IncentiveInputError) {
      term.err(`${what} refused: ${err.message}\n`);
      return 1;
    }
    term.err(`${what} failed: ${explain(err, w)}\n`);
    return 1;
  }
};

/** Deals left out by --hold-bad-deals, on stderr so the table (or JSON) on stdout stays clean. */
const reportHeld = (term: Terminal, held: readonly { path: string; message: string }[]) => {
  if (!held.length) return;
  term.err(
    `${held.length} deal problem(s) held out (fix them in the CRM; a fixed deal of a closed period comes back as an adjustment):\n`,
  );
  for (const p of held) term.err(`  - ${p.path}: ${p.message}\n`);
};

export const runAccrual = (
  opts: IncentiveOptions & { period?: string; rep?: string[]; save?: boolean; holdBadDeals?: boolean },
  w: IncentiveWiring,
  term: Terminal,
): Promise<number> =>
  guarded(term, w, 'accrual', async () => {
    const periodKey = periodArg(opts.period);
    const unknown = (opts.rep ?? []).filter((r) => !w.book.repIds().includes(r));
    if (unknown.length)
      throw new UsageError(
        `--rep ${unknown.join(', ')}: not a rep of the plans (${w.book.repIds().join(', ')})`,
      );
    const { date, accruals, held } = await accrualRun({
      book: w.book,
      store: w.store,
      tenant: w.tenant,
      now: (w.now ?? (() => new Date()))(),
      ...(periodKey ? { periodKey } : {}),
      ...(opts.rep?.length ? { reps: opts.rep } : {}),
      save: !!opts.save,
      hold: !!opts.holdBadDeals,
    });
    reportHeld(term, held);
    if (opts.json) {
      term.out(
        `${JSON.stringify({ tenant: w.tenant.id, date, saved: !!opts.save, accruals, held }, null, 2)}\n`,
      );
      return 0;
    }
    const rows = [['rep', 'period', 'credited', 'attainment', 'earned', 'tier', 'next tier']];
    for (const a of accruals) {
      const seg = a.segments.at(-1);
      const tier = seg?.tiers[0];
      rows.push([
        a.repId,
        a.periodKey,
        money(a.credited, a.currency),
        seg ? formatPercent(seg.attainment, 'en') : '-',
        money(a.earned, a.currency),
        tier ? `${tier.componentId} #${tier.tier} at ${formatPercent(tier.rate, 'en')}` : '-',
        tier?.nextTierNeeds
          ? `${money(tier.nextTierNeeds, a.currency)} more for ${formatPercent(tier.nextTierRate ?? '0', 'en')}`
          : '-',
      ]);
    }
    term.out(
      `accrual on ${date} (${w.tenant.timeZone})${opts.save ? ', saved as the day’s snapshot' : ''}\n`,
    );
    term.out(columns(rows));
    if (accruals.some((a) => a.pending.length))
      term.out('team components (overrides, team bonuses) are settled at close\n');
    return 0;
  });

export const runClose = (
  opts: IncentiveOptions & { period: string; holdBadDeals?: boolean },
  w: IncentiveWiring,
  term: Terminal,
) =>
  guarded(term, w, `close ${opts.period}`, async () => {
    const periodKey = periodArg(opts.period) as string;
    const r = await closeRun({
      book: w.book,
      store: w.store,
      tenant: w.tenant,
      periodKey,
      now: (w.now ?? (() => new Date()))(),
      hold: !!opts.holdBadDeals,
    });
    reportHeld(term, r.held);
    const totals = new Map<string, InstanceType<typeof Dec>>();
    for (const s of r.statements)
      totals.set(s.currency, (totals.get(s.currency) ?? new Dec(0)).plus(s.totals.payable));
    const payable = [...totals].map(([c, total]) => money(moneyString(total, c), c));
    if (opts.json) {
      term.out(
        `${JSON.stringify(
          {
            tenant: w.tenant.id,
            periodKey: r.periodKey,
            outcome: r.outcome,
            close: r.marker,
            held: r.held,
            statements: r.statements.map((s) => ({
              repId: s.repId,
              payable: s.totals.payable,
              currency: s.currency,
              hash: s.hash,
            })),
          },
          null,
          2,
        )}\n`,
      );
      return 0;
    }
    term.out(
      r.outcome === 'closed'
        ? `closed ${r.periodKey}: ${r.statements.length} statements, payable ${payable.join(' + ') || '0'} (close ${r.marker.closeId})\n`
        : `${r.periodKey} was already closed at ${r.marker.closedAt} with these same statements; nothing written\n`,
    );
    return 0;
  });

const localeOption = (v: string | undefined): Locale | undefined => {
  if (v === undefined || v === 'zh-CN' || v === 'en') return v;
  throw new UsageError(`--locale must be zh-CN or en, got ${JSON.stringify(v)}`);
};

export const runStatement = (
  opts: IncentiveOptions & { rep: string; period: string; locale?: string; format?: string },
  w: IncentiveWiring,
  term: Terminal,
) =>
  guarded(term, w, 'statement', async () => {
    const periodKey = periodArg(opts.period) as string;
    const locale = localeOption(opts.locale);
    const format = opts.json ? 'json' : (opts.format ?? 'text');
    if (!w.book.repIds().includes(opts.rep))
      throw new UsageError(`--rep ${opts.rep}: not a rep of the plans (${w.book.repIds().join(', ')})`);
    if (!(await w.store.close(periodKey))) {
      term.err(
        `${periodKey} is not closed; its statements exist once it is (see \`incentives accrual\` meanwhile)\n`,
      );
      return 1;
    }
    const s = await w.store.statement(periodKey, opts.rep);
    if (!s) {
      term.err(`${opts.rep} has no statement for ${periodKey}\n`);
      return 1;
    }
    const who = w.book.person(s.repId);
    const l = locale ?? who.locale;
    if (format === 'json') term.out(`${JSON.stringify(s, null, 2)}\n`);
    else if (format === 'csv') term.out(statementCsv(s, l));
    else term.out(statementText(s, l, who.name));
    return 0;
  });

export const runExport = (
  opts: IncentiveOptions & { period: string; locale?: string; format?: string },
  w: IncentiveWiring,
  term: Terminal,
) =>
  guarded(term, w, 'export', async () => {
    const periodKey = periodArg(opts.period) as string;
    const locale = localeOption(opts.locale);
    if (!(await w.store.close(periodKey))) {
      term.err(`${periodKey} is not closed; nothing to export\n`);
      return 1;
    }
    const statements = await w.store.statements(periodKey);
    if (opts.json || opts.format === 'json') {
      term.out(`${JSON.stringify(statements, null, 2)}\n`);
      return 0;
    }
    statements.forEach((s, i) => {
      const csv = statementCsv(s, locale ?? w.book.person(s.repId).locale);
      term.out(i === 0 ? csv : csv.slice(csv.indexOf('\r\n') + 2));
    });
    return 0;
  });

export const runWhatIf = (
  opts: IncentiveOptions & { draft: string; periods: string },
  w: IncentiveWiring,
  term: Terminal,
) =>
  guarded(term, w, 'what-if', async () => {
    const count = Number(opts.periods);
    if (!Number.isInteger(count) || count < 1 || count > 60)
      throw new UsageError(
        `--periods must be a whole number from 1 to 60, got ${JSON.stringify(opts.periods)}`,
      );
    let draft: PlanBook;
    try {
      draft = planBookFromFile(opts.draft, shown(opts.draft));
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const keys = (await w.store.closes())
      .map((m) => parsePeriodKey(m.periodKey))
      .sort((a, b) => a.start.localeCompare(b.start) || a.key.localeCompare(b.key))
      .slice(-count)
      .map((p) => p.key);
    const closed = (await Promise.all(keys.map((k) => w.store.statements(k)))).flat();
    const rows = replayDraft(w.book, draft, closed, count);
    if (opts.json) {
      term.out(`${JSON.stringify({ tenant: w.tenant.id, periods: keys, rows }, null, 2)}\n`);
      return 0;
    }
    if (keys.length === 0) {
      term.out('no closed periods yet: nothing to replay\n');
      return 0;
    }
    term.out(`draft ${shown(opts.draft)} replayed over ${keys.join(', ')} (nothing was written)\n`);
    const cur = (rep: string) => w.book.basis(rep)?.currency ?? draft.basis(rep)?.currency ?? '';
    term.out(
      columns([
        ['rep', 'current', 'draft', 'difference'],
        ...rows.map((r) => [
          r.repId,
          money(r.oldTotal, cur(r.repId)),
          money(r.newTotal, cur(r.repId)),
          r.difference,
        ]),
      ]),
    );
    return 0;
  });

/** Builds the wiring (2 when the tenant or plans are bad), runs the command, sets the exit code. */
const action = <O extends IncentiveOptions>(
  run: (opts: O, w: IncentiveWiring, term: Terminal) => Promise<number>,
) => wiredAction(async (opts: O) => incentivesWiring(opts, await targetForCli(opts)), run);

/** The scheduled runs always hold bad deals; from the CLI it is a choice (default: refuse, listing every one). */
const HOLD_OPTION = [
  '--hold-bad-deals',
  'leave out (and list) deals the plans cannot credit, as the scheduled runs do, instead of refusing',
] as const;

const common = (c: Command): Command =>
  withTenantOptions(c, 'plans in tenants/incentives/<id>.json')
    .option('--plans <file>', 'read the plans from this file instead of tenants/incentives/<id>.json')
    .option(...NOW_OPTION)
    .option('--json', 'print the result as JSON on stdout')
    .addHelpText(
      'after',
      '\nExample:\n  npm run quotaflow -- incentives accrual --tenant acme --period 2026-11',
    );

export const registerIncentives = (program: Command): void => {
  const cmd = program
    .command('incentives')
    .description('incentive compensation: accruals, period close, statements, export, what-if');
  common(cmd.command('accrual'))
    .description('what each rep has earned so far in the open period (from the stored deals)')
    .option('--period <key>', 'a period such as 2026-03 or 2026-Q1 (default: the one today is in)')
    .option('--rep <id...>', 'only these reps')
    .option('--save', "store the result as today's accrual snapshot")
    .option(...HOLD_OPTION)
    .action(action(runAccrual));
  common(cmd.command('close'))
    .description(
      'close a period: freeze every statement with its content hash (refused if closed differently)',
    )
    .requiredOption('--period <key>', 'the period to close, such as 2026-03')
    .option(...HOLD_OPTION)
    .action(action(runClose));
  common(cmd.command('statement'))
    .description("show one rep's frozen statement")
    .requiredOption('--rep <id>', 'rep id')
    .requiredOption('--period <key>', 'a closed period')
    .addOption(
      new Option('--locale <locale>', "language of the traces (default: the rep's)").choices(['zh-CN', 'en']),
    )
    .addOption(
      new Option('--format <format>', 'output format').choices(['text', 'csv', 'json']).default('text'),
    )
    .action(action(runStatement));
  common(cmd.command('export'))
    .description('every statement of a closed period, as CSV (default) or JSON, on stdout')
    .requiredOption('--period <key>', 'a closed period')
    .addOption(
      new Option('--locale <locale>', "language of the traces (default: each rep's)").choices([
        'zh-CN',
        'en',
      ]),
    )
    .addOption(new Option('--format <format>', 'output format').choices(['csv', 'json']).default('csv'))
    .action(action(runExport));
  common(cmd.command('what-if'))
    .description(
      'replay a draft plans file over the last closed periods: old, new and difference per rep; writes nothing',
    )
    .requiredOption('--draft <file>', 'a plans file in the tenants/incentives format')
    .option('--periods <n>', 'how many of the last closed periods', '3')
    .action(action(runWhatIf));
};

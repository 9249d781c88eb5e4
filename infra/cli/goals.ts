/**
 * `quotaflow goals <set|list|import|export|progress|evaluate|explain|reindex>`: goal targets as data (versioned in the tenant's table:
 * who, when, old → new, reason) and progress as of an instant, over the goals in tenants/goals/<id>.json, the CRM
 * users the sync stored and the records it keeps. Exit codes: 0 done, 1 failed or refused, 2 bad arguments or config.
 */
import { readFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import type { GoalFigures } from '../../shared/goals/progress';
import {
  CsvError,
  checkTarget,
  formatCsv,
  parseTargetsCsv,
  TARGET_HEADER,
} from '../../shared/goals/targets-csv';
import type { Locale } from '../../shared/org/config';
import { TargetConflictError, type TargetEntry } from '../../shared/store/goal-targets';
import { type Terminal, UsageError, wiredAction } from './common';
import { type EvaluateOptions, runEvaluate } from './goals-evaluate';
import { type ExplainOptions, runExplain } from './goals-explain';
import { progressText } from './goals-format';
import { asOfOption, progressFor } from './goals-sources';
import { type GoalsOptions, type GoalsWiring, goalsWiring, ownerCheck } from './goals-wiring';
import { explain } from './import';
import { columns } from './table';
import { withTenantOptions } from './tenant-target';

export type { GoalsOptions, GoalsWiring } from './goals-wiring';

const guarded = async (
  term: Terminal,
  w: Pick<GoalsWiring, 'tableName'>,
  what: string,
  body: () => Promise<number>,
) => {
  try {
    return await body();
  } catch (err) {
    if (err instanceof UsageError) {
      term.err(`${err.message}\n`);
      return 2;
    }
    if (err instanceof CsvError) {
      term.err(`${what} refused, nothing was imported:\n${err.message}\n`);
      return 1;
    }
    if (err instanceof TargetConflictError) {
      term.err(`${what} refused: ${err.message}\n`);
      return 1;
    }
    term.err(`${what} failed: ${explain(err, w)}\n`);
    return 1;
  }
};

const printChanges = (
  term: Terminal,
  changes: readonly { owner: string; goal: string; period: string; from?: string; to: string }[],
  asked: number,
) => {
  for (const c of changes) term.out(`${c.owner} ${c.goal} ${c.period}: ${c.from ?? '(none)'} → ${c.to}\n`);
  term.out(`${changes.length} target(s) changed, ${asked - changes.length} unchanged\n`);
};

export const runSet = (
  opts: GoalsOptions & { person: string; goal: string; period: string; target: string; reason?: string },
  w: GoalsWiring,
  term: Terminal,
): Promise<number> =>
  guarded(term, w, 'goals set', async () => {
    const entry = checkTarget(w.goals, ownerCheck(w), {
      person: opts.person,
      goal: opts.goal,
      period: opts.period,
      target: opts.target,
      ...(opts.reason ? { reason: opts.reason } : {}),
    });
    if (typeof entry === 'string') throw new UsageError(entry);
    const changes = await w.targets.set([entry], w.by, w.now());
    if (opts.json) term.out(`${JSON.stringify({ changes }, null, 2)}\n`);
    else printChanges(term, changes, 1);
    return 0;
  });

export const runImport = (
  opts: GoalsOptions & { file: string; reason?: string },
  w: GoalsWiring,
  term: Terminal,
) =>
  guarded(term, w, 'goals import', async () => {
    let text: string;
    try {
      text = readFileSync(opts.file, 'utf8');
    } catch (err) {
      throw new UsageError(`--file ${opts.file}: ${(err as Error).message}`);
    }
    const entries: TargetEntry[] = parseTargetsCsv(text, w.goals, ownerCheck(w)).map((e) =>
      e.reason || !opts.reason ? e : { ...e, reason: opts.reason },
    );
    const changes = await w.targets.set(entries, w.by, w.now());
    if (opts.json) term.out(`${JSON.stringify({ rows: entries.length, changes }, null, 2)}\n`);
    else printChanges(term, changes, entries.length);
    return 0;
  });

const goalIds = (w: GoalsWiring, goal: string | undefined): string[] => {
  if (goal === undefined) return w.goals.doc.goals.map((g) => g.id);
  if (!w.goals.goal(goal))
    throw new UsageError(`--goal ${goal}: not one of ${w.goals.doc.goals.map((g) => g.id).join(', ')}`);
  return [goal];
};

export const runList = (
  opts: GoalsOptions & { goal?: string; period?: string; history?: boolean },
  w: GoalsWiring,
  term: Terminal,
) =>
  guarded(term, w, 'goals list', async () => {
    const ids = goalIds(w, opts.goal);
    if (opts.history) {
      const changes = (await Promise.all(ids.map((g) => w.targets.history(g, opts.period)))).flat();
      if (opts.json) term.out(`${JSON.stringify({ changes }, null, 2)}\n`);
      else
        term.out(
          columns([
            ['goal', 'period', 'who', 'version', 'old → new', 'changed by', 'at', 'reason'],
            ...changes.map((c) => [
              c.goal,
              c.period,
              c.owner,
              String(c.version),
              `${c.from ?? '(none)'} → ${c.to}`,
              c.by,
              c.at,
              c.reason ?? '',
            ]),
          ]),
        );
      return 0;
    }
    const targets = (await Promise.all(ids.map((g) => w.targets.list(g, opts.period)))).flat();
    if (opts.json) term.out(`${JSON.stringify({ targets }, null, 2)}\n`);
    else
      term.out(
        columns([
          ['goal', 'period', 'who', 'name', 'target', 'version', 'changed by', 'at'],
          ...targets.map((t) => [
            t.goal,
            t.period,
            t.owner,
            w.org.person(t.owner)?.name ?? w.org.team(t.owner)?.name ?? '',
            t.target,
            String(t.version),
            t.updatedBy,
            t.updatedAt,
          ]),
        ]),
      );
    return 0;
  });

export const runExport = (
  opts: GoalsOptions & { goal?: string; period?: string },
  w: GoalsWiring,
  term: Terminal,
) =>
  guarded(term, w, 'goals export', async () => {
    const targets = (
      await Promise.all(goalIds(w, opts.goal).map((g) => w.targets.list(g, opts.period)))
    ).flat();
    term.out(
      formatCsv([
        [...TARGET_HEADER],
        ...targets.map((t) => [t.owner, t.goal, t.period, t.target, t.reason ?? '']),
      ]),
    );
    return 0;
  });

export const runProgress = (
  opts: GoalsOptions & { person?: string; team?: string; asOf?: string; locale?: Locale },
  w: GoalsWiring,
  term: Terminal,
) =>
  guarded(term, w, 'goals progress', async () => {
    if (opts.person && opts.team) throw new UsageError('give --person or --team, not both');
    const asOf = asOfOption(opts.asOf, w.now);
    if (opts.person && !w.org.person(opts.person))
      throw new UsageError(ownerCheck(w)('rep', opts.person) as string);
    if (opts.team && !w.org.team(opts.team)) throw new UsageError(ownerCheck(w)('team', opts.team) as string);
    const progress = await progressFor(w);
    const figures: GoalFigures[] = await progress.figures({
      asOf,
      ...(opts.person ? { person: opts.person } : {}),
      ...(opts.team ? { team: opts.team } : {}),
    });
    if (opts.json)
      term.out(
        `${JSON.stringify({ tenant: w.tenant.id, asOf: asOf.toISOString(), goals: figures }, null, 2)}\n`,
      );
    else {
      const locale =
        opts.locale ?? (opts.person ? w.org.person(opts.person)?.locale : undefined) ?? w.tenant.locale;
      term.out(
        figures.length ? progressText(w.goals.doc.goals, figures, locale) : 'no goals for this selection\n',
      );
    }
    return 0;
  });

export const runReindex = (opts: GoalsOptions, w: GoalsWiring, term: Terminal) =>
  guarded(term, w, 'goals reindex', async () => {
    const indexed = await w.records.indexOwners();
    if (opts.json) term.out(`${JSON.stringify({ indexed })}\n`);
    else term.out(`${indexed} record(s) added to the owner index\n`);
    return 0;
  });

const action = <O extends GoalsOptions>(run: (opts: O, w: GoalsWiring, term: Terminal) => Promise<number>) =>
  wiredAction((opts: O) => goalsWiring(opts), run);

const common = (c: Command): Command =>
  withTenantOptions(c, 'goals in tenants/goals/<id>.json').option(
    '--json',
    'print the result as JSON on stdout',
  );

const examples = (lines: string[]) =>
  `\nExamples:\n${lines.map((l) => `  $ npm run quotaflow -- ${l}`).join('\n')}\n`;

export const registerGoals = (program: Command): void => {
  const cmd = program
    .command('goals')
    .description('SMART goals: targets (versioned data) and progress with pace');
  common(cmd.command('set'))
    .description("set one owner's target for a goal and period (the change is kept with who, when and why)")
    .requiredOption(
      '--person <id>',
      'the owner: a person id (rep goals), a team id (team goals) or the tenant id',
    )
    .requiredOption('--goal <id>', 'a goal of tenants/goals/<id>.json whose target source is "targets"')
    .requiredOption('--period <key>', "the goal's period: 2026-10, 2026-Q4, 2026, or <from>..<to>")
    .requiredOption('--target <decimal>', 'the target, such as 120 or 300000.00')
    .option('--reason <text>', 'why the target changes (kept in the history)')
    .addHelpText(
      'after',
      examples([
        'goals set --tenant demo --person u1 --goal calls-meetings --period 2026-10 --target 120 --reason "new territory"',
      ]),
    )
    .action(action(runSet));
  common(cmd.command('list'))
    .description('current targets, or with --history every change (old → new, who, when, why)')
    .option('--goal <id>', 'only this goal')
    .option('--period <key>', 'only this period')
    .option('--history', 'every change instead of the current targets')
    .addHelpText(
      'after',
      examples(['goals list --tenant demo --goal calls-meetings --period 2026-10 --history']),
    )
    .action(action(runList));
  common(cmd.command('import'))
    .description(
      'set targets from CSV (person,goal,period,target[,reason]); any bad row refuses the whole file',
    )
    .requiredOption('--file <csv>', 'the CSV file; line 1 is the header')
    .option('--reason <text>', 'reason for rows that give none')
    .addHelpText(
      'after',
      examples(['goals import --tenant demo --file targets-2026-10.csv --reason "Q4 planning"']),
    )
    .action(action(runImport));
  common(cmd.command('export'))
    .description('current targets as CSV on stdout, in the format import reads')
    .option('--goal <id>', 'only this goal')
    .option('--period <key>', 'only this period')
    .addHelpText('after', examples(['goals export --tenant demo --period 2026-10 > targets.csv']))
    .action(action(runExport));
  common(cmd.command('progress'))
    .description("each goal's actual, target, expected by now, gap, needed per week, projection and status")
    .option('--person <id>', "only this person's goals")
    .option('--team <id>', 'only this team and its members')
    .option('--as-of <instant>', 'compute as of this ISO-8601 instant (with a zone) instead of now')
    .addOption(
      new Option(
        '--locale <locale>',
        "language and number format (default: the person's, else the tenant's)",
      ).choices(['zh-CN', 'en']),
    )
    .addHelpText(
      'after',
      examples([
        'goals progress --tenant demo --as-of 2026-10-16T18:00:00+08:00',
        'goals progress --tenant demo --person u3 --json',
      ]),
    )
    .action(action(runProgress));
  common(cmd.command('evaluate'))
    .description(
      'run the daily goal evaluation as of an instant: pace reminders, recognition, check-ins, each sent once',
    )
    .option('--as-of <instant>', 'evaluate as of this ISO-8601 instant (with a zone) instead of now')
    .option('--dry-run', 'print what would be sent and why (or why not), send and store nothing')
    .addHelpText(
      'after',
      examples([
        'goals evaluate --tenant demo --as-of 2026-10-14T09:00:00+08:00 --dry-run',
        'goals evaluate --tenant demo --as-of 2026-10-14T09:00:00+08:00',
      ]),
    )
    .action(
      action((opts: GoalsOptions & EvaluateOptions, w, term) =>
        guarded(term, w, 'goals evaluate', () => runEvaluate(opts, w, term)),
      ),
    );
  common(cmd.command('explain'))
    .description(
      'which records counted for one goal and owner (value, date), which were left out and why, and whether a reminder or recognition was sent and why',
    )
    .requiredOption('--goal <id>', 'a goal of tenants/goals/<id>.json')
    .requiredOption('--person <id>', 'the owner: a person id, a team id (team goals) or the tenant id')
    .option('--as-of <instant>', 'explain as of this ISO-8601 instant (with a zone) instead of now')
    .option('--record <id...>', 'also say why these record ids did or did not count')
    .addHelpText(
      'after',
      examples([
        'goals explain --tenant demo --goal won-amount --person u1 --as-of 2026-10-14T09:00:00+08:00',
        'goals explain --tenant demo --goal won-amount --person u1 --record D-1001 D-1002 --json',
      ]),
    )
    .action(
      action((opts: ExplainOptions, w, term) =>
        guarded(term, w, 'goals explain', () => runExplain(opts, w, term)),
      ),
    );
  common(cmd.command('reindex'))
    .description(
      'index records stored before goals existed by owner (one table scan; run once after upgrading)',
    )
    .addHelpText('after', examples(['goals reindex --tenant demo']))
    .action(action(runReindex));
};

/**
 * `quotaflow digest preview`: one manager's digest as it would be mailed (HTML or text) or as data (JSON, the
 * DigestModel of shared/digest/model.ts), without sending anything. `quotaflow digest send`: mails it to the
 * manager, once per manager and period (the effect ledger). `quotaflow digest backfill`: indexes what was stored
 * before the digest's indexes (infra/cli/digest-backfill.ts). Exit codes: 0 done, 1 failed, 2 bad arguments.
 */
import { writeFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { DigestPeriodError, digestPeriodOn, parseDigestPeriod } from '../../shared/digest/period';
import { digestEmail } from '../../shared/digest/render';
import { digestAsOf } from '../../shared/digest/run';
import { scheduleFor } from '../../shared/digest/schedule';
import { sendDigestOnce } from '../../shared/digest/send';
import { teamOf, UnknownManagerError } from '../../shared/digest/sources';
import { localDate } from '../../shared/incentives/periods';
import { senderOf } from '../../shared/mail/sender';
import type { Locale } from '../../shared/org/config';
import { parseInstant, type Terminal, UsageError, wiredAction } from './common';
import { runBackfill } from './digest-backfill';
import { type DigestWiring, digestWiring, makeDigest } from './digest-wiring';
import type { GoalsOptions } from './goals-wiring';
import { explain } from './import';
import { withTenantOptions } from './tenant-target';

export type DigestFormat = 'html' | 'text' | 'json';

export interface PreviewOptions extends GoalsOptions {
  manager: string;
  period?: string;
  asOf?: string;
  locale?: Locale;
  format?: DigestFormat;
  out?: string;
}

export const runPreview = async (opts: PreviewOptions, w: DigestWiring, term: Terminal): Promise<number> => {
  try {
    const given = opts.asOf === undefined ? undefined : parseInstant(opts.asOf);
    if (opts.asOf !== undefined && !given)
      throw new UsageError(
        `--as-of must be an ISO-8601 instant with a zone, such as 2026-10-09T18:00:00+08:00; got ${JSON.stringify(opts.asOf)}`,
      );
    const manager = w.org.person(opts.manager);
    if (!manager)
      throw new UsageError(
        `--manager ${opts.manager}: not a person of the org (CRM users, goals org.people)`,
      );
    const now = given ?? w.now();
    const period = opts.period
      ? parseDigestPeriod(opts.period)
      : digestPeriodOn(
          scheduleFor(w.goals.doc.digest, manager.id).kind,
          localDate(now.toISOString(), manager.timeZone),
        );
    // Without --as-of, a period is shown as `digest send` and the schedule make it: as of its end, or now if earlier.
    const asOf = given ?? digestAsOf(period, manager.timeZone, now);
    const { model, rendered } = await makeDigest(w, opts.manager, period, asOf, opts.locale);
    const format = opts.format ?? 'text';
    const body =
      format === 'json'
        ? `${JSON.stringify({ subject: rendered.subject, digest: model }, null, 2)}\n`
        : format === 'html'
          ? rendered.html
          : `${rendered.subject}\n\n${rendered.text}`;
    if (opts.out) {
      writeFileSync(opts.out, body);
      term.err(`wrote ${opts.out}: ${rendered.subject}\n`);
    } else term.out(body);
    return 0;
  } catch (err) {
    if (err instanceof UsageError || err instanceof DigestPeriodError || err instanceof UnknownManagerError) {
      term.err(`${err.message}\n`);
      return 2;
    }
    term.err(`digest preview failed: ${explain(err, w)}\n`);
    return 1;
  }
};

export interface SendOptions extends GoalsOptions {
  manager: string;
  period: string;
}

/** Sends one manager's digest of a period, as of the period's end (or now, if that is earlier). */
export const runSend = async (opts: SendOptions, w: DigestWiring, term: Terminal): Promise<number> => {
  try {
    const manager = w.org.person(opts.manager);
    if (!manager)
      throw new UsageError(
        `--manager ${opts.manager}: not a person of the org (CRM users, goals org.people)`,
      );
    const period = parseDigestPeriod(opts.period);
    if (teamOf(w.org, manager.id, period).length === 0)
      throw new UsageError(
        `${manager.name} (${manager.id}) leads no team and has no direct reports in ${period.key}`,
      );
    if (!manager.email) {
      term.err(
        `${manager.name} (${manager.id}) has no email address in the CRM or goals org.people; nothing sent\n`,
      );
      return 1;
    }
    const asOf = digestAsOf(period, manager.timeZone, w.now());
    const { rendered } = await makeDigest(w, manager.id, period, asOf);
    const email = digestEmail(rendered, senderOf(w.tenant.mail), manager.email);
    const out = await sendDigestOnce(w.ledger, manager.id, period.key, email);
    if (opts.json) term.out(`${JSON.stringify({ manager: manager.id, period: period.key, ...out })}\n`);
    else if (out.outcome === 'performed') term.out(`sent "${rendered.subject}" to ${manager.email}\n`);
    else term.out(`the ${period.key} digest of ${manager.name} was sent before; nothing sent\n`);
    return 0;
  } catch (err) {
    if (err instanceof UsageError || err instanceof DigestPeriodError || err instanceof UnknownManagerError) {
      term.err(`${err.message}\n`);
      return 2;
    }
    term.err(`digest send failed: ${explain(err, w)}\n`);
    return 1;
  }
};

const withWiring = <O extends GoalsOptions>(
  run: (opts: O, w: DigestWiring, term: Terminal) => Promise<number>,
) => wiredAction((opts: O) => digestWiring(opts), run);

const tenantOptions = (c: Command) => withTenantOptions(c, 'goals in tenants/goals/<id>.json');

export const registerDigest = (program: Command): void => {
  const cmd = program
    .command('digest')
    .description(
      "manager digests: each manager's team goals, pipeline, changes, risks, follow-up and wins (schedule: the goals document's `digest`)",
    );
  tenantOptions(cmd.command('preview'))
    .description("make one manager's digest and print it, without sending it")
    .requiredOption('--manager <id>', "the manager's person id (their CRM user id)")
    .option(
      '--period <key>',
      "a week 2026-W40, a day 2026-10-05 or a month 2026-10 (default: the as-of instant's period on the manager's digest schedule)",
    )
    .option(
      '--as-of <instant>',
      "make it as of this ISO-8601 instant (with a zone) instead of now (on npm start: the runtime's clock), or a past --period's end",
    )
    .addOption(
      new Option('--locale <locale>', "language and formats (default: the manager's)").choices([
        'zh-CN',
        'en',
      ]),
    )
    .addOption(
      new Option('--format <format>', 'html (the email), text (its plain part) or json (the data)')
        .choices(['html', 'text', 'json'])
        .default('text'),
    )
    .option('--out <file>', 'write to this file instead of stdout')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  $ npm run quotaflow -- digest preview --tenant demo --manager m1 --as-of 2026-10-09T18:00:00+08:00\n' +
        '  $ npm run quotaflow -- digest preview --tenant demo --manager m1 --period 2026-W41 --locale en --format html --out digest.html\n' +
        '  $ npm run quotaflow -- digest preview --tenant demo --manager m1 --format json\n',
    )
    .action(withWiring(runPreview));
  tenantOptions(cmd.command('send'))
    .description("mail one manager's digest of a period, once: a repeat sends nothing")
    .requiredOption('--manager <id>', "the manager's person id (their CRM user id)")
    .requiredOption('--period <key>', 'a week 2026-W40, a day 2026-10-05 or a month 2026-10')
    .option('--json', 'print the outcome as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n  $ npm run quotaflow -- digest send --tenant demo --manager m1 --period 2026-W41\n',
    )
    .action(withWiring(runSend));
  tenantOptions(cmd.command('backfill'))
    .description(
      'once after upgrading: give sequence enrolments stored before the owner index their owner, and index stage events archived before the stage index (one table scan, page by page; resumable)',
    )
    .option(
      '--from <cursor>',
      'resume where an interrupted run stopped (the cursor its last progress line printed)',
    )
    .option('--json', 'print the totals as JSON')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        '  $ npm run quotaflow -- digest backfill --tenant demo\n' +
        '  $ npm run quotaflow -- digest backfill --tenant demo --from eyJwayI6IkVOUk9MI2xlYWQjTC0xIn0\n',
    )
    .action(withWiring(runBackfill));
};

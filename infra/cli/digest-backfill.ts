/**
 * `quotaflow digest backfill`: gives sequence enrolments stored before the owner index their record's owner, and
 * indexes deal stage events archived before the stage index (shared/digest/backfill.ts), page by page with
 * progress on stderr. Interrupted, it resumes with `--from <cursor>` (the last cursor it printed); run again from the
 * start, it changes nothing already done.
 */
import { BackfillCursorError, type BackfillPage, backfillPage } from '../../shared/digest/backfill';
import { EnrolmentRepository } from '../../shared/store/enrolments';
import { EventArchive } from '../../shared/store/event-archive';
import type { Terminal } from './common';
import type { DigestWiring } from './digest-wiring';
import type { GoalsOptions } from './goals-wiring';
import { explain } from './import';

export interface BackfillOptions extends GoalsOptions {
  from?: string;
}

export const runBackfill = async (
  opts: BackfillOptions,
  w: DigestWiring,
  term: Terminal,
): Promise<number> => {
  const doc = w.doc;
  if (!doc) throw new Error('the digest wiring has no table client');
  const stores = {
    records: w.records,
    enrolments: new EnrolmentRepository(doc, w.tableName, w.now),
    archive: new EventArchive(doc, w.tableName, { timeZone: w.tenant.timeZone, now: w.now }),
  };
  const total: Omit<BackfillPage, 'cursor'> = { scanned: 0, enrolments: 0, unowned: 0, stageEvents: 0 };
  let cursor = opts.from;
  try {
    do {
      const page = await backfillPage({ doc, tableName: w.tableName }, stores, cursor);
      for (const k of ['scanned', 'enrolments', 'unowned', 'stageEvents'] as const) total[k] += page[k];
      cursor = page.cursor;
      term.err(
        `scanned ${total.scanned} item(s): ${total.enrolments} enrolment(s) given their owner, ${total.stageEvents} stage event(s) indexed${cursor ? ` (to resume: --from ${cursor})` : ''}\n`,
      );
    } while (cursor);
  } catch (err) {
    if (err instanceof BackfillCursorError) {
      term.err(`${err.message}\n`);
      return 2;
    }
    term.err(
      `digest backfill stopped: ${explain(err, w)}${cursor ? `; resume with --from ${cursor}` : ''}\n`,
    );
    return 1;
  }
  if (opts.json) term.out(`${JSON.stringify(total)}\n`);
  else
    term.out(
      `done: ${total.enrolments} enrolment(s) given their record's owner (${total.unowned} without an owner to give), ${total.stageEvents} stage event(s) indexed\n`,
    );
  return 0;
};

/**
 * The terminal form of the explain and dry-run reports (the JSON form is the report itself). Times are shown in the
 * tenant's zone with UTC beside them, and in the recipient's zone when a send window was applied there.
 */
import type { DryRunEffect, DryRunReport } from '../../shared/workflows/dry-run';
import type { Due, EffectReport, ExplainReport, LedgerState } from '../../shared/workflows/explain-report';

const at = (d: Due) => `${d.local} ${d.timeZone} (${d.utc})`;

export const formatLedger = (l: LedgerState): string => {
  switch (l.state) {
    case 'not_yet':
      return 'not yet';
    case 'scheduled':
      return `scheduled${l.schedule ? ` (${l.schedule})` : ''}, not performed yet`;
    case 'pending':
      return `pending (attempt ${l.attempts}${l.createdAt ? `, recorded ${l.createdAt}` : ''})`;
    case 'done':
      return `done${l.result ? `: ${l.result}` : ''}${l.doneAt ? ` at ${l.doneAt}` : ''}`;
    case 'skipped':
    case 'failed':
      return `${l.state}: ${l.reason}`;
  }
};

const effectLines = (e: EffectReport, indent: string): string[] => {
  const lines = [`${indent}${e.step}  ${e.summary}`];
  const pad = `${indent}    `;
  lines.push(`${pad}due ${at(e.due)}${e.recheck ? ', checked again when due' : ''}`);
  if (e.recipientDue) lines.push(`${pad}recipient's time ${e.recipientDue.local} ${e.recipientDue.timeZone}`);
  if (e.ledger) lines.push(`${pad}ledger: ${formatLedger(e.ledger)}`);
  if (e.enrolment) {
    const en = e.enrolment;
    lines.push(
      `${pad}enrolment ${en.sequence.id}@${en.sequence.version} "${en.sequence.name}"${en.ledger ? `: ${formatLedger(en.ledger)}` : ''}`,
    );
    for (const s of en.effects) lines.push(...effectLines(s, `${pad}  `));
    for (const s of en.skipped) lines.push(`${pad}  ${s.step}  skipped: ${s.reason}`);
  }
  return lines;
};

export const formatExplain = (r: ExplainReport): string => {
  const e = r.event;
  const name = e.record.name ? ` "${e.record.name}"` : '';
  const lines = [
    `${e.type} ${e.object}:${e.recordId}${name} (event ${e.eventId})`,
    `  occurred ${at(e.occurredAt)}, record version ${e.record.modifiedAt}`,
    '',
  ];
  if (r.matched.length === 0) lines.push('matched: none');
  for (const w of r.matched) {
    lines.push(`✓ ${w.id}@${w.version} "${w.name}"`);
    if (w.debounce)
      lines.push(
        `    debounced: acts at ${at(w.debounce.until)} only if the record is still at version ${w.debounce.recordModifiedAt}`,
      );
    for (const x of w.effects) lines.push(...effectLines(x, '    '));
    for (const s of w.skipped) lines.push(`    ${s.step}  skipped: ${s.reason}`);
    if (w.effects.length === 0 && w.skipped.length === 0) lines.push('    (no effects)');
  }
  for (const w of r.notMatched) {
    lines.push(`✗ ${w.id}@${w.version} "${w.name}"`);
    for (const x of w.reasons) lines.push(`    ${x.path}: ${x.reason}`);
  }
  if (r.stops.length > 0) {
    lines.push('', 'stops enrolments of this record in:');
    for (const s of r.stops) lines.push(`    ${s.sequence}: ${s.reason}`);
  }
  return `${lines.join('\n')}\n`;
};

const MARK = { would_perform: '→', would_schedule: '…', would_skip: '✗' } as const;

const dryEffectLines = (e: DryRunEffect, indent: string): string[] => {
  const when = `${e.due.local}${e.recipientDue ? ` (${e.recipientDue.local} ${e.recipientDue.timeZone})` : ''}`;
  const tail =
    e.outcome === 'would_skip'
      ? `  — skipped: ${e.reason}`
      : e.outcome === 'would_schedule'
        ? '  (due after now)'
        : '';
  return [
    `${indent}${MARK[e.outcome]} ${when}  ${e.summary}${tail}`,
    ...(e.steps ?? []).flatMap((s) => dryEffectLines(s, `${indent}    `)),
  ];
};

export const formatDryRun = (r: DryRunReport, source: string): string => {
  const lines = [
    `dry run of ${source} from ${r.period.since.local} to ${r.period.until.local} ${r.tenant.timeZone}`,
    `${r.totals.events} events replayed, ${r.events.length} matched a workflow`,
    '',
  ];
  for (const ev of r.events) {
    lines.push(`${ev.occurredAt.local}  ${ev.type} ${ev.object}:${ev.recordId} (event ${ev.eventId})`);
    for (const w of ev.workflows) {
      const gate = w.debounce
        ? w.debounce.superseded
          ? ` (debounced; superseded by event ${w.debounce.superseded})`
          : ` (debounced until ${w.debounce.until.local})`
        : '';
      lines.push(`  ${w.id}@${w.version}${gate}`);
      for (const e of w.effects) lines.push(...dryEffectLines(e, '    '));
      for (const s of w.skipped) lines.push(`    ✗ ${s.step}  skipped: ${s.reason}`);
    }
  }
  const t = r.totals;
  lines.push(
    '',
    `totals: ${t.emails} emails, ${t.crmActivities.task} CRM tasks, ${t.crmActivities.note} notes, ${t.crmActivities.call} call logs, ` +
      `${t.chatNotifications} chat notifications, ${t.enrolments} sequence enrolments, ${t.sequenceStops} sequence stops`,
    `        ${t.scheduledLater} of them due after now; ${t.skipped} steps skipped; ${t.eventsWithEffects} events with effects`,
  );
  if (t.refused.suppressed || t.refused.crmWriteBack)
    lines.push(
      `        of the skipped: ${t.refused.suppressed} to suppressed addresses, ${t.refused.crmWriteBack} CRM write-backs the tenant's CRM does not take`,
    );
  return `${lines.join('\n')}\n`;
};

/**
 * The single-table design, declared once: the CDK data construct and the local runtime both create the tenant's
 * table from this, and repositories build keys with the helpers below.
 *
 * Access patterns:
 *   receipt by provider delivery id     pk=RECEIPT#<provider>#<deliveryId>  sk=RECEIPT
 *   receipts not marked applied (sparse) gsi1pk=RECEIPT#unapplied#<0..3>    gsi1sk=<receivedAt or last redrive ISO>#<provider>#<deliveryId>
 *   the receipt sweep's cursor          pk=RECEIPTSWEEP                     sk=CURSOR
 *   current record by object and id      pk=REC#<object>#<id>                sk=CURRENT
 *   an owner's records of one object     gsi1pk=OWNED#<object>#<ownerId>     gsi1sk=<goal date>#<id>   (records.ts)
 *   an owner's deals and leads by creation gsi2pk=CREATED#<object>#<ownerId>  gsi2sk=<createdAt UTC ISO>#<id>   (records.ts)
 *   a rep's sequence enrolments          gsi2pk=ENROLOWNER#<ownerId>        gsi2sk=<startedAt UTC ISO>#<sequence>#<object>#<recordId>#<occurrence>   (enrolments.ts)
 *   effect by deterministic key          pk=EFFECT#<key>                     sk=EFFECT
 *   effects pending past their lease     gsi1pk=EFFECT#pending               gsi1sk=<leaseUntil ISO>
 *   CRM access token by cache key        pk=TOKEN#<key>                      sk=TOKEN   (TTL: expiry + 1 day)
 *   recent token calls by cache key      pk=TOKENSLOTS#<key>                 sk=SLOTS   (TTL: end of window)
 *   sync watermark and import cursor     pk=WATERMARK#<module>               sk=WATERMARK
 *   Zoho channel state (notify URL, ids) pk=ZOHOCHANNELS                    sk=STATE
 *   CRM user (rep, manager) by id        pk=CRMUSER                          sk=<userId>   (shared/store/users.ts)
 *   suppressed address (never mailed)    pk=SUPPRESSION                     sk=<normalised address>
 *   archived domain event by event id    pk=EVENT#<eventId>                  sk=EVENT   (TTL: retention days)
 *   archived events of a local day       gsi1pk=EVENTDAY#<yyyy-mm-dd>        gsi1sk=<occurredAt UTC ISO>#<eventId>
 *   archived stage changes of a month    gsi2pk=STAGEEVENTS#<yyyy-mm>        gsi2sk=<occurredAt UTC ISO>#<eventId>   (deal.created and deal.stage_changed only; TTL 180 days)
 *   incentive period closes (markers)    pk=INCCLOSE                         sk=<periodKey>
 *   closed incentive statements          pk=INCSTMT#<periodKey>              sk=<closeId>#<repId>
 *   daily incentive accrual snapshots    pk=INCACCRUAL#<periodKey>           sk=<localDate>#<repId>
 *   goal target and its history          pk=GOALTARGET#<goalId>              sk=<periodKey>#<ownerId>   (goal-targets.ts)
 *   what an owner was told about a goal  pk=GOALREMIND#<ownerId>             sk=<periodKey>#<goalId>    (goal-reminders.ts, TTL 400 days)
 *   a record's goal contributions        pk=GOALCONTRIB#<object>#<recordId>  sk=CONTRIB               (goal-progress.ts)
 *   a goal total of an owner and period  pk=GOALACTUAL#<goalId>#<periodKey>  sk=<ownerId>             (goal-progress.ts)
 *   the nightly goal recompute's cursor  pk=GOALRECOMPUTE                    sk=<run day>             (TTL 30 days)
 */
export const TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  timeToLiveAttribute: 'expiresAt',
  gsi1: { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
  /**
   * Deals and leads by creation time per owner (new pipeline, first-response time) and sequence enrolments by the
   * enrolled record's owner and start time (follow-up figures); sparse like gsi1.
   */
  gsi2: { name: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
} as const;

export const keys = {
  receipt: (provider: string, deliveryId: string) => ({
    pk: `RECEIPT#${provider}#${deliveryId}`,
    sk: 'RECEIPT',
  }),
  /** Sparse: only receipts not marked applied carry it (shared/store/receipts.ts); sharded so bursts spread out. */
  unappliedReceipts: (shard: number) => `RECEIPT#unapplied#${shard}`,
  receiptSweep: { pk: 'RECEIPTSWEEP', sk: 'CURSOR' },
  record: (object: string, id: string) => ({ pk: `REC#${object}#${id}`, sk: 'CURRENT' }),
  /** gsi1 partition of one owner's records of one object (sparse: deleted and ownerless records are left out). */
  ownedRecords: (object: string, ownerId: string) => `OWNED#${object}#${ownerId}`,
  /** gsi2 partition of one owner's deals or leads, sorted by creation time. */
  createdRecords: (object: string, ownerId: string) => `CREATED#${object}#${ownerId}`,
  /** gsi2 partition of the sequence enrolments of one record owner, sorted by start time (enrolments.ts). */
  ownerEnrolments: (ownerId: string) => `ENROLOWNER#${ownerId}`,
  effect: (key: string) => ({ pk: `EFFECT#${key}`, sk: 'EFFECT' }),
  pendingEffects: 'EFFECT#pending',
  archivedEvent: (eventId: string) => ({ pk: `EVENT#${eventId}`, sk: 'EVENT' }),
  /** The day is the tenant's local date of occurredAt, so "yesterday" means the tenant's yesterday. */
  archivedEventDay: (localDate: string) => `EVENTDAY#${localDate}`,
  /** gsi2 partition of the archived deal stage events of a local month (yyyy-mm): the typical time in stage. */
  stageEventsMonth: (month: string) => `STAGEEVENTS#${month}`,
};

/** DynamoDB TTL wants epoch seconds. TTL deletes lazily (and not at all locally): readers must check it too. */
export const ttlFrom = (now: Date, days: number): number => Math.floor(now.getTime() / 1000) + days * 86_400;

export const isExpired = (item: { expiresAt?: unknown }, now: Date): boolean =>
  typeof item.expiresAt === 'number' && item.expiresAt * 1000 <= now.getTime();

/**
 * Incentives (shared/store/incentives.ts). A period is closed when its marker exists; the marker names the close
 * (closeId, a digest of every statement hash) whose statements are the period's, so statements written by an
 * attempt that never got its marker are never read.
 */
export const incentiveKeys = {
  closes: 'INCCLOSE',
  close: (periodKey: string) => ({ pk: 'INCCLOSE', sk: periodKey }),
  statements: (periodKey: string) => `INCSTMT#${periodKey}`,
  statement: (periodKey: string, closeId: string, repId: string) => ({
    pk: `INCSTMT#${periodKey}`,
    sk: `${closeId}#${repId}`,
  }),
  accruals: (periodKey: string) => `INCACCRUAL#${periodKey}`,
  accrual: (periodKey: string, date: string, repId: string) => ({
    pk: `INCACCRUAL#${periodKey}`,
    sk: `${date}#${repId}`,
  }),
};

/**
 * Goal targets (shared/store/goal-targets.ts): one item per (goal, period, owner) with the current target and every
 * change (who, when, old → new, reason); a goal's targets of a period are one Query on a prefix of sk.
 */
export const goalTargetKeys = {
  targets: (goalId: string) => `GOALTARGET#${goalId}`,
  target: (goalId: string, periodKey: string, ownerId: string) => ({
    pk: `GOALTARGET#${goalId}`,
    sk: `${periodKey}#${ownerId}`,
  }),
};

/**
 * Goal reminder state (shared/store/goal-reminders.ts): per owner (a rep or a team), goal and period, what the
 * owner was last told (the day evaluated, the behind step reminded of and when, recognitions given). An owner's
 * states are one Query; the daily evaluation reads them once per owner.
 */
export const goalReminderKeys = {
  owner: (ownerId: string) => `GOALREMIND#${ownerId}`,
  state: (ownerId: string, periodKey: string, goalId: string) => ({
    pk: `GOALREMIND#${ownerId}`,
    sk: `${periodKey}#${goalId}`,
  }),
};

/**
 * Incremental goal progress (shared/store/goal-progress.ts): each record's current contributions, the totals they
 * add up to per goal, period and owner, and the nightly recompute's resumable cursor.
 */
export const goalProgressKeys = {
  contribution: (object: string, recordId: string) => ({
    pk: `GOALCONTRIB#${object}#${recordId}`,
    sk: 'CONTRIB',
  }),
  total: (goalId: string, periodKey: string, ownerId: string) => ({
    pk: `GOALACTUAL#${goalId}#${periodKey}`,
    sk: ownerId,
  }),
  recompute: (run: string) => ({ pk: 'GOALRECOMPUTE', sk: run }),
};

/**
 * In-memory implementations of the workflow engine's ports (shared/workflows/ports.ts) and of the effect ledger's
 * store (shared/effects/protocol.ts), for unit tests. Each operation checks and changes its map synchronously, so it
 * is atomic like the DynamoDB conditional write it stands for; test/integration/workflows/ports-contract.int.test.ts
 * runs the same contract suite against these and the DynamoDB implementations.
 */
import type { CanonicalRecord, CrmObject } from '../../events';
import type { Effect, EffectRecord, EffectStore, PendingEffect } from '../../shared/effects/protocol';
import type { StoredRecord } from '../../shared/store/records';
import type { SendLimits } from '../../shared/store/send-counters';
import { localTime } from '../../shared/workflows/calendar';
import type {
  Enrolment,
  EnrolmentRef,
  EnrolmentsPort,
  NewEnrolment,
  RecordsPort,
  Reservation,
  SendCountersPort,
} from '../../shared/workflows/ports';

export class MemoryEffectStore implements EffectStore {
  readonly items = new Map<string, EffectRecord>();

  async claim(effect: Effect, leaseUntil: string): Promise<boolean> {
    if (this.items.has(effect.key)) return false;
    this.items.set(effect.key, {
      status: 'pending',
      leaseUntil,
      attempts: 1,
      payload: structuredClone(effect.payload),
      correlationId: effect.correlationId,
    });
    return true;
  }

  async settle(key: string, result: string, correlationId: string): Promise<boolean> {
    return this.putDone(key, { status: 'done', result, attempts: 0, correlationId });
  }

  async recordPerformed(key: string, result: string, correlationId: string): Promise<boolean> {
    return this.putDone(key, { status: 'done', result, attempts: 1, correlationId });
  }

  private putDone(key: string, record: EffectRecord): boolean {
    if (this.items.has(key)) return false;
    this.items.set(key, record);
    return true;
  }

  async read(key: string): Promise<EffectRecord | undefined> {
    const item = this.items.get(key);
    return item && structuredClone(item);
  }

  async takeOver(key: string, seenLeaseUntil: string, leaseUntil: string): Promise<boolean> {
    const item = this.items.get(key);
    if (item?.status !== 'pending' || item.leaseUntil !== seenLeaseUntil) return false;
    item.leaseUntil = leaseUntil;
    item.attempts++;
    return true;
  }

  async release(key: string, mine: string, to: string): Promise<boolean> {
    const item = this.items.get(key);
    if (!item || item.leaseUntil !== mine) return false;
    item.leaseUntil = to;
    return true;
  }

  async markDone(key: string, result: string): Promise<void> {
    const item = this.items.get(key) ?? { status: 'done', attempts: 0, correlationId: '' };
    this.items.set(key, { ...item, status: 'done', result });
  }

  async expiredPending(now: Date, limit: number): Promise<PendingEffect[]> {
    const at = now.toISOString();
    return [...this.items.entries()]
      .flatMap(([key, i]) =>
        i.status === 'pending' && i.leaseUntil !== undefined && i.leaseUntil < at && i.payload
          ? [{ key, leaseUntil: i.leaseUntil, payload: structuredClone(i.payload) }]
          : [],
      )
      .sort((a, b) => a.leaseUntil.localeCompare(b.leaseUntil))
      .slice(0, limit);
  }
}

const refKey = (e: EnrolmentRef) => `${e.object}#${e.recordId}#${e.sequence}#${e.occurrence}`;

export class MemoryEnrolments implements EnrolmentsPort {
  private readonly items = new Map<string, Enrolment>();

  constructor(private readonly now: () => Date) {}

  async start(e: NewEnrolment): Promise<{ started: boolean }> {
    const key = refKey(e);
    if (this.items.has(key)) return { started: false };
    const address = e.address?.trim().toLowerCase();
    const { address: _given, ...rest } = e;
    this.items.set(key, {
      ...rest,
      ...(address ? { address } : {}),
      status: 'active',
      startedAt: this.now().toISOString(),
    });
    return { started: true };
  }

  async get(ref: EnrolmentRef): Promise<Enrolment | undefined> {
    const e = this.items.get(refKey(ref));
    return e && { ...e };
  }

  async ofRecord(object: string, recordId: string): Promise<Enrolment[]> {
    return this.where(
      (e) => e.object === object && e.recordId === recordId,
      (e) => `${e.sequence}#${e.occurrence}`,
    );
  }

  async ofAddress(address: string): Promise<Enrolment[]> {
    const a = address.trim().toLowerCase();
    return this.where(
      (e) => e.address === a,
      (e) => `${e.workflow}#${e.sequence}#${e.object}#${e.recordId}`,
    );
  }

  async ofAccount(accountId: string): Promise<Enrolment[]> {
    return this.where((e) => e.accountId === accountId, refKey);
  }

  async stop(ref: EnrolmentRef, reason: string): Promise<boolean> {
    const e = this.items.get(refKey(ref));
    if (e?.status !== 'active') return false;
    Object.assign(e, { status: 'stopped', stoppedReason: reason, stoppedAt: this.now().toISOString() });
    return true;
  }

  /** Matching enrolments in the order the table's key or index keeps them. */
  private where(match: (e: Enrolment) => boolean, order: (e: Enrolment) => string): Enrolment[] {
    return [...this.items.values()]
      .filter(match)
      .sort((a, b) => order(a).localeCompare(order(b)))
      .map((e) => ({ ...e }));
  }
}

/** Counts per local day, as the DynamoDB counters keep them in one item per day. */
export class MemorySendCounters implements SendCountersPort {
  private readonly days = new Map<string, Map<string, number>>();

  constructor(
    private readonly limits: SendLimits,
    private readonly timeZone: string,
  ) {}

  get perMinute(): number {
    return this.limits.perMinute;
  }

  async reserve(at: Date, rep: string | undefined): Promise<Reservation> {
    const { day, minute } = this.slot(at);
    const sent = day.get(minute) ?? 0;
    const repSent = rep ? (day.get(`r#${rep}`) ?? 0) : 0;
    if (rep && repSent >= this.limits.perRepPerDay) return { ok: false, limit: 'rep' };
    if (sent >= this.limits.perMinute) return { ok: false, limit: 'rate' };
    day.set(minute, sent + 1);
    if (rep) day.set(`r#${rep}`, repSent + 1);
    return { ok: true };
  }

  async release(at: Date, rep: string | undefined): Promise<void> {
    const { day, minute } = this.slot(at);
    day.set(minute, (day.get(minute) ?? 0) - 1);
    if (rep) day.set(`r#${rep}`, (day.get(`r#${rep}`) ?? 0) - 1);
  }

  async ticket(at: Date, bucket: string): Promise<number> {
    const { day } = this.slot(at);
    const next = (day.get(`t#${bucket}`) ?? 0) + 1;
    day.set(`t#${bucket}`, next);
    return next;
  }

  private slot(at: Date) {
    const t = localTime(at, this.timeZone);
    let day = this.days.get(t.date);
    if (!day) {
      day = new Map();
      this.days.set(t.date, day);
    }
    return { day, minute: `m#${t.minutes}` };
  }
}

export class MemoryRecords implements RecordsPort {
  readonly map = new Map<string, StoredRecord>();
  put(object: CrmObject, record: CanonicalRecord, deleted = false) {
    this.map.set(`${object}#${record.id}`, {
      object,
      record,
      version: Date.parse(record.modifiedAt),
      deleted,
    });
  }
  async get(object: CrmObject, id: string) {
    return this.map.get(`${object}#${id}`);
  }
}

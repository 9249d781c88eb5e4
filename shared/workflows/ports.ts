/**
 * What the workflow engine needs of storage, as ports: the effect ledger, sequence enrolments, the send counters and
 * the stored records. The runner (runner.ts, perform.ts, stops.ts) depends on these alone; the tenant's DynamoDB
 * table implements them (shared/effects/ledger.ts, shared/store/enrolments.ts, send-counters.ts, records.ts), and
 * unit tests run the same engine on in-memory ones (test/support/memory-ports.ts) that pass the same contract tests.
 */
import type { CanonicalRecord, CrmObject } from '../../events';
import type { Effect, EffectOutcome } from '../effects/protocol';

/** The effect ledger as the engine uses it: perform once under a key (claim -> perform -> done), or settle a key. */
export interface EffectsPort {
  run(effect: Effect): Promise<EffectOutcome>;
  /**
   * Performs once an effect whose provider is idempotent by the effect's key (a schedule named after it, an
   * enrolment under it): no claim first, one read and one write (shared/effects/protocol.ts says why that is safe).
   */
  runIdempotent(effect: Effect): Promise<EffectOutcome>;
  /** Records the key as done without performing anything (a skipped or failed step, with its reason). */
  settle(key: string, result: string, correlationId: string): Promise<{ settled: boolean }>;
}

export interface Enrolment {
  object: string;
  recordId: string;
  sequence: string;
  version: number;
  occurrence: string;
  /** The workflow that started it ("" when started another way). */
  workflow: string;
  address?: string;
  accountId?: string;
  /** The CRM owner id of the enrolled record when it was enrolled (absent when the record had none). */
  ownerId?: string;
  startedAt: string;
  status: 'active' | 'stopped';
  stoppedReason?: string;
  stoppedAt?: string;
}

export type EnrolmentRef = Pick<Enrolment, 'object' | 'recordId' | 'sequence' | 'occurrence'>;

/** An enrolment as the ledger's `enrol` effect starts it (status and start come from the store). */
export type NewEnrolment = Omit<Enrolment, 'status' | 'startedAt'>;

/** Sequence enrolments: addresses are matched without regard to case or surrounding space. */
export interface EnrolmentsPort {
  /** Records the enrolment, active; a second call for the same one changes nothing (it may have been stopped since). */
  start(e: NewEnrolment): Promise<{ started: boolean }>;
  get(ref: EnrolmentRef): Promise<Enrolment | undefined>;
  /** Every enrolment of a record (active or not). */
  ofRecord(object: string, recordId: string): Promise<Enrolment[]>;
  /** Enrolments mailing this address (any record). */
  ofAddress(address: string): Promise<Enrolment[]>;
  /** Enrolments of any record at an account. */
  ofAccount(accountId: string): Promise<Enrolment[]>;
  /** Stops an active enrolment; false if it was already stopped (the first reason is kept). */
  stop(ref: EnrolmentRef, reason: string): Promise<boolean>;
}

export type Reservation = { ok: true } | { ok: false; limit: 'rate' | 'rep' };

/** The tenant's send limits, taken atomically at send time (shared/store/send-counters.ts says how). */
export interface SendCountersPort {
  /** Takes one send from the minute's and the rep's budget, or says which limit is reached (taking nothing). */
  reserve(at: Date, rep: string | undefined): Promise<Reservation>;
  /** Gives a reservation back (the send turned out to be a duplicate and did not happen). */
  release(at: Date, rep: string | undefined): Promise<void>;
  /** 1, 2, 3 … per bucket and local day: a deferred email's place in the queue. */
  ticket(at: Date, bucket: string): Promise<number>;
  readonly perMinute: number;
}

/** The record as stored now (a deleted one is a tombstone), read when a delayed step falls due. */
export interface RecordsPort {
  get(object: CrmObject, id: string): Promise<{ record: CanonicalRecord; deleted: boolean } | undefined>;
}

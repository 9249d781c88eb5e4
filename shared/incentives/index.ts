/** Incentive compensation engine: pure domain code (no storage, no AWS). Storage, schedules, CLI and mail build on this. */
export { type AccrualSummary, RepAccrual } from './accrual';
export { PlanBook, type Segment, type Team } from './book';
export { calculateRep, calculateTeamBonuses, type SegmentSummary, type TierPosition } from './calculate';
export { type CloseInput, type CloseResult, closePeriod } from './close';
export { type Credit, type CreditRecord, creditDeals, type Deal, dealSchema, parseDeals } from './credit';
export { planBookFromDocument, planBookFromFile } from './document';
export { settleDraw } from './draws';
export { IncentiveConflictError, IncentiveInputError, type Problem } from './errors';
export type { Line, LineKind, Trace } from './lines';
export { MAIL_LINE_LIMIT, type RenderedMail, statementMail, teamSummaryMail } from './mail';
export { allocate, Dec, formatMoney, formatPercent, minorUnit, moneyString, roundMoney } from './money';
export {
  localDate,
  nextPeriod,
  type Period,
  parsePeriodKey,
  periodBounds,
  periodKeyOf,
  previousPeriod,
} from './periods';
export {
  type Component,
  type IncentiveConfig,
  type IncentiveConfigInput,
  incentiveConfigSchema,
  type Plan,
} from './plan';
export { describeLine, describeTrace, type ManagerSummary, managerSummary, statementCsv } from './render';
export {
  accrualRun,
  type CloseMarker,
  type CloseRunResult,
  closeRun,
  type EffectRunner,
  type FreezeOutcome,
  type IncentiveStorePort,
  type IncentiveTenant,
  lastEndedPeriods,
  lookbackStart,
  type MailResult,
  mailStatements,
  type ScheduledClose,
  scheduledClose,
} from './runs';
export { dealFromRecord, dealsFromRecords, type SourceDeal } from './source';
export {
  canonicalJson,
  HASH_SCHEME,
  type Statement,
  type StatementLine,
  statementHash,
  statementJson,
  verifyStatement,
} from './statement';
export { type Estimate, estimateDeal, replayDraft, type WhatIfRow } from './whatif';

/**
 * The local runtime's shape (runtime.ts builds it): the options `npm start` passes, the services the gateway and
 * the admin routes use, and the running runtime with its URL, data folder, idle and stop.
 */
import type { TenantConfig } from '../../shared/config/tenant';
import type { LocalCloudWatch } from './aws/cloudwatch';
import type { FiredSummary, LocalScheduler } from './aws/scheduler';
import type { LocalSqs } from './aws/sqs';
import type { LocalChat } from './chat';
import type { LocalClock } from './clock';
import type { LogFormat } from './console-log';
import type { CrmSimulation } from './crm-simulators';
import type { DeadLetters } from './dead-letters';
import type { LocalFunctions } from './functions';
import type { LocalMail } from './mail';
import type { LocalStack } from './stack';

export interface LocalRuntimeOptions {
  tenantFile: string;
  port?: number;
  /** Folder for persisted data; ignored with inMemory. Default: .local/<tenantId> in the repository. */
  dataDir?: string;
  inMemory?: boolean;
  logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
  /** Print Powertools metrics (EMF lines, as Lambda would) to stdout; default true. */
  metrics?: boolean;
  /** Local retry policy for bus and schedule targets (AWS retries for hours; locally seconds are enough). */
  retry?: { maxAttempts: number; backoffMs: number };
  /** Use the tenant's real CRM endpoints instead of the built-in simulator. */
  realCrm?: boolean;
  /** How many event-bus deliveries run at once; the rest queue, as async invocations do on Lambda. Default 4 per
   * function worker (4 without workers). */
  asyncConcurrency?: number;
  /**
   * Worker threads that run the bus's and the scheduler's deliveries (workers/pool.ts), off the gateway's event
   * loop; 0 (the default) runs them on the main thread, as one process would.
   */
  workers?: number;
  /** text: a readable line per request (and readable function logs, see console-log.ts); json: JSON only. */
  logFormat?: LogFormat;
  /** Where the clock starts (tests and demos on fixed dates); default: where the data folder's clock stopped, or now. */
  clock?: Date;
}

export interface LocalRuntimeServices {
  tenant: TenantConfig;
  crm: CrmSimulation | undefined;
  clock: LocalClock;
  mail: LocalMail;
  chat: LocalChat;
  scheduler: LocalScheduler;
  functions: LocalFunctions;
  dlq: DeadLetters;
  sqs: LocalSqs;
  cloudWatch: LocalCloudWatch;
  stack: LocalStack;
  /** False until every function is loaded: the gateway answers 503 until then. */
  ready: boolean;
  advanceClock(to: Date): Promise<FiredSummary[]>;
  status(): Record<string, unknown>;
  log(msg: string, extra?: Record<string, unknown>): void;
  /** A request the gateway answered (printed for a person with the text log format). */
  logRequest(method: string, path: string, status: number, ms: number): void;
}

export interface LocalRuntime extends LocalRuntimeServices {
  url: string;
  dataDir: string | undefined;
  idle(): Promise<void>;
  stop(): Promise<void>;
}

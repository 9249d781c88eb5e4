/**
 * The one function construct: every manifest function gets the same defaults (arm64, Node 22, ESM bundle with the
 * AWS SDK inside, source maps, X-Ray, its own log group with retention, a DLQ when invoked asynchronously), and
 * each `access` right from the manifest becomes a grant placed right next to the env var that tells the code about
 * it, so a function can never hold a permission it cannot find, or find a resource it may not use.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Charset, LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { Access, FunctionSpec } from '../../functions/manifest';
import {
  bundledDocumentName,
  documentDigestEnvVar,
  documentEnvVar,
  tenantDocumentPath,
} from '../../functions/wiring/documents';
import { ACCESS_ENV, ENV } from '../../functions/wiring/env-names';
import { sealedTenantEnv } from '../../functions/wiring/tenant-seal';
import type { TenantConfig } from '../../shared/config/tenant';
import { bundleAliases } from '../build/bundle-aliases';
import { crmProviderAliases, OPERATOR_EXTERNAL } from '../build/crm-providers';
import { shippedDocument } from '../documents';
import { deadLetterQueue } from './dead-letter-queue';
import {
  acknowledge,
  acknowledgeDeadLetterQueue,
  acknowledgeManagedPolicy,
  acknowledgeWildcardResource,
} from './nag';

const REPO_ROOT = resolve(import.meta.dirname, '..', '..');

/** The one-time target's function name (≤ 64 characters: tenant ids are at most 30). */
export const oneTimeTargetName = (tenantId: string, functionId: string): string =>
  `quotaflow-${tenantId}-${functionId}`;

/** The documents a function declares that this tenant has (a tenant without workflows simply has none). */
const shippedDocuments = (spec: FunctionSpec, tenant: TenantConfig) =>
  (spec.documents ?? [])
    .map((kind) => ({ kind, file: tenantDocumentPath(kind, tenant.id, REPO_ROOT) }))
    .filter(({ file }) => existsSync(file))
    // Calendars resolved from the year of the synth, validated, with the digest the function checks.
    .map(({ kind, file }) => ({
      kind,
      ...shippedDocument(kind, file, new Date().getUTCFullYear(), tenant.id),
    }));

/** Which reserved-concurrency class (tenant config reservedConcurrency) a function is in: how it is invoked. */
export const concurrencyClass = (spec: FunctionSpec): 'http' | 'events' | 'schedules' =>
  spec.triggers.some((t) => t.kind === 'http')
    ? 'http'
    : spec.triggers.some((t) => t.kind === 'event' || t.kind === 'alarmTopic')
      ? 'events'
      : 'schedules';

const reservedConcurrencyOf = (spec: FunctionSpec, tenant: TenantConfig) => {
  const n = tenant.reservedConcurrency?.[concurrencyClass(spec)];
  return n === undefined ? {} : { reservedConcurrentExecutions: n };
};

/** What a function with `mail` access needs; provided by the mail construct. */
export interface MailSending {
  configurationSetName: string;
  configurationSetArn: string;
  /** The SES identity of the tenant's sender domain. */
  identityArn: string;
  /** The one address mail may be sent from (tenant config mail.sender). */
  sender: string;
}

/** What a function with `scheduler` access needs to create one-time schedules; provided by the schedules construct. */
export interface OneTimeScheduling {
  groupName: string;
  /** ARN pattern of the schedules in that group. */
  scheduleArns: string;
  targetArn: string;
  roleArn: string;
  deadLetterQueueArn: string;
}

export interface TenantResources {
  table: dynamodb.ITable;
  bus: events.IEventBus;
  secret: secretsmanager.ISecret;
  mail: MailSending;
  scheduler: OneTimeScheduling;
  /** The tenant API's public base URL (unsubscribe links in mail); given to functions that send mail. */
  publicBaseUrl: string;
}

export interface QuotaflowFunctionProps {
  spec: FunctionSpec;
  tenant: TenantConfig;
}

export class QuotaflowFunction extends Construct {
  readonly spec: FunctionSpec;
  readonly fn: NodejsFunction;
  /**
   * Set when the function is invoked asynchronously (event, schedule, one-time): where Lambda parks an event after
   * its async retries, and where Scheduler parks a delivery it gave up on. Bodies are the function's input event.
   */
  readonly deadLetterQueue: sqs.Queue | undefined;

  constructor(scope: Construct, id: string, { spec, tenant }: QuotaflowFunctionProps) {
    super(scope, id);
    this.spec = spec;
    const invokedAsync = spec.triggers.some((t) => t.kind !== 'http');
    this.deadLetterQueue = invokedAsync ? deadLetterQueue(this, 'DeadLetterQueue') : undefined;
    if (this.deadLetterQueue) acknowledgeDeadLetterQueue(this.deadLetterQueue);

    const isOneTimeTarget = spec.triggers.some((t) => t.kind === 'oneTime');
    this.fn = new NodejsFunction(this, 'Function', {
      // The one-time target gets a fixed name so its ARN is known without a reference to itself: it reschedules
      // its own steps (a send limit reached, a moved date), and a function cannot name its own ARN token.
      ...(isOneTimeTarget ? { functionName: oneTimeTargetName(tenant.id, spec.id) } : {}),
      entry: resolve(REPO_ROOT, spec.entry),
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      description: spec.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: spec.memoryMb ?? 256,
      timeout: Duration.seconds(spec.timeoutSeconds ?? 10),
      tracing: lambda.Tracing.ACTIVE,
      // A log group owned by the stack (instead of the deprecated logRetention custom resource).
      logGroup: new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.THREE_MONTHS }),
      // Lambda's default async handling (2 retries, 6 h) ends here instead of dropping the event.
      deadLetterQueue: this.deadLetterQueue,
      ...reservedConcurrencyOf(spec, tenant),
      environment: {
        POWERTOOLS_SERVICE_NAME: 'quotaflow',
        NODE_OPTIONS: '--enable-source-maps',
        // The validated config and its digest: the function skips validating it again (tenant-seal.ts).
        ...sealedTenantEnv(tenant),
        ...Object.fromEntries(
          shippedDocuments(spec, tenant).flatMap(({ kind, digest }) => [
            [documentEnvVar(kind), `/var/task/${bundledDocumentName(kind)}`],
            [documentDigestEnvVar(kind), digest],
          ]),
        ),
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        minify: true,
        // Chinese text (mail words, holiday names) as UTF-8, 3 bytes a character, not 6-byte \u escapes: about
        // 2 KB of the digest's bundle. Node reads an ES module's source as UTF-8.
        charset: Charset.UTF8,
        sourceMap: true,
        mainFields: ['module', 'main'],
        // CommonJS dependencies inside an ESM bundle still call require().
        banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
        // Bundle the AWS SDK v3 too: a tree-shaken ESM bundle initialises faster than the runtime's copy.
        externalModules: [],
        forceDockerBundling: false,
        logLevel: LogLevel.WARNING,
        // Stubs for code a Lambda never runs (axios's multipart support, the SDK's credential chain past the
        // environment variables, event streams, debug logging): infra/build/bundle-aliases.ts says why each is safe.
        // Only the tenant's own CRM is compiled in, and no CRM's operator tools: infra/build/crm-providers.ts.
        esbuildArgs: {
          ...Object.fromEntries(
            Object.entries({
              ...bundleAliases(REPO_ROOT),
              ...crmProviderAliases(REPO_ROOT, tenant.crm.provider),
            }).map(([from, to]) => [`--alias:${from}`, to]),
          ),
          [`--external:${OPERATOR_EXTERNAL}`]: true,
        },
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          // The tenant's documents travel inside the bundle, next to index.mjs: too large for env vars.
          afterBundling: (_inputDir: string, outputDir: string) =>
            shippedDocuments(spec, tenant).map(
              ({ kind, file }) => `cp "${file}" "${join(outputDir, bundledDocumentName(kind))}"`,
            ),
        },
      },
    });

    acknowledgeManagedPolicy(
      this,
      'service-role/AWSLambdaBasicExecutionRole',
      'The AWS-managed basic execution policy only allows writing CloudWatch Logs; an inline copy would add nothing.',
    );
    acknowledge(
      this,
      'AwsSolutions-IAM5[Resource::*]',
      'Only the X-Ray statement added by active tracing uses Resource *: PutTraceSegments/PutTelemetryRecords ' +
        'support no resource-level permissions.',
    );
    for (const rule of ['AwsSolutions-L1', 'Serverless-LambdaLatestVersion'])
      acknowledge(
        this,
        rule,
        'nodejs22.x is pinned on purpose: it matches the bundle target (node22) and stays one major from the ' +
          'Node 20 dev/CI toolchain; moving to nodejs24.x is a deliberate upgrade, not drift.',
      );
    if (!invokedAsync)
      acknowledge(
        this,
        'Serverless-LambdaDLQ',
        'Invoked synchronously by API Gateway only: a failure is an HTTP 5xx the sender retries, nothing is queued.',
      );
  }

  /** Grant one manifest access right, with its env vars (functions/wiring/env-names.ts names them). */
  grant(access: Access, r: TenantResources): void {
    this.grantRight(access, r);
    const values: Record<(typeof ACCESS_ENV)[Access][number], string> = {
      [ENV.tableName]: r.table.tableName,
      [ENV.eventBusName]: r.bus.eventBusName,
      [ENV.secretId]: r.secret.secretArn,
      [ENV.sesConfigurationSet]: r.mail.configurationSetName,
      [ENV.publicBaseUrl]: r.publicBaseUrl,
      [ENV.scheduleGroupName]: r.scheduler.groupName,
      [ENV.scheduleTargetArn]: r.scheduler.targetArn,
      [ENV.scheduleRoleArn]: r.scheduler.roleArn,
      [ENV.scheduleDlqArn]: r.scheduler.deadLetterQueueArn,
    };
    for (const name of ACCESS_ENV[access]) this.fn.addEnvironment(name, values[name]);
  }

  private grantRight(access: Access, r: TenantResources): void {
    switch (access) {
      case 'table':
        r.table.grantReadWriteData(this.fn);
        acknowledgeWildcardResource(
          this,
          `${r.table.tableArn}/index/*`,
          "The tenant's own table's indexes (gsi1 and gsi2), as emitted by grantReadWriteData.",
        );
        return;
      case 'table:put':
      case 'table:get':
      case 'table:query':
        // Single actions on the table itself (no index): the smallest grant that does the job.
        this.fn.addToRolePolicy(
          new iam.PolicyStatement({
            actions: [
              {
                'table:put': 'dynamodb:PutItem',
                'table:get': 'dynamodb:GetItem',
                'table:query': 'dynamodb:Query',
              }[access],
            ],
            resources: [r.table.tableArn],
          }),
        );
        return;
      case 'bus':
        r.bus.grantPutEventsTo(this.fn);
        return;
      case 'secrets':
        r.secret.grantRead(this.fn);
        return;
      case 'mail':
        // The adapter sends Simple content through SES v2 SendEmail, which needs ses:SendEmail only; and only from
        // the tenant's own sender address, through its configuration set.
        this.fn.addToRolePolicy(
          new iam.PolicyStatement({
            actions: ['ses:SendEmail'],
            resources: [r.mail.identityArn, r.mail.configurationSetArn],
            conditions: { StringEquals: { 'ses:FromAddress': r.mail.sender } },
          }),
        );
        return;
      case 'scheduler':
        this.grantScheduler(r.scheduler);
        return;
      default: {
        const unknown: never = access;
        throw new Error(`function ${this.spec.id}: unknown access ${String(unknown)}`);
      }
    }
  }

  private grantScheduler(s: OneTimeScheduling): void {
    this.fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['scheduler:CreateSchedule', 'scheduler:DeleteSchedule', 'scheduler:GetSchedule'],
        resources: [s.scheduleArns],
      }),
    );
    this.fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [s.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      }),
    );
    acknowledgeWildcardResource(
      this,
      s.scheduleArns,
      "One-time schedules get names at runtime (one per delayed step); access is limited to this tenant's group.",
    );
  }
}

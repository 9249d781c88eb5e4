/**
 * The local CloudWatch: metrics and the tenant's alarms, over the protocol @aws-sdk/client-cloudwatch 3.1164 speaks
 * (AWS JSON 1.0, X-Amz-Target `GraniteServiceVersion20100801.<Operation>`, query-compatible errors), so
 * `quotaflow status` reads alarms with DescribeAlarms here as on a deployed stack. It serves PutMetricData and
 * DescribeAlarms; anything else is an UnsupportedOperation error naming it.
 *
 * Metrics arrive as on Lambda: the functions' Powertools EMF lines, which the runtime hands over as CloudWatch Logs
 * would (ingestEmf), stamped with the runtime clock, or through PutMetricData. AWS/SQS metrics are read from the
 * SQS stand-in when an alarm is judged, as SQS publishes them every minute on AWS. The alarms are the stack's
 * (infra/local/alarms.ts builds them from the same declarations), each judged over its one period ending at the
 * runtime's now whenever it is described: a state, its reason and when it last changed.
 *
 * Written by hand: no maintained npm package emulates CloudWatch in-process (the emulators found need Docker or
 * Java), and the product needs only these two operations.
 */
import { Journal } from '../persistence/journal';
import { AwsError } from './protocol';

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

export interface LocalAlarm {
  name: string;
  description: string;
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
  statistic: 'Maximum' | 'Sum';
  periodSeconds: number;
  threshold: number;
  comparison: 'GreaterThanOrEqualToThreshold' | 'GreaterThanThreshold' | 'LessThanThreshold';
  treatMissingData: 'breaching' | 'notBreaching';
}

interface Datum {
  namespace: string;
  name: string;
  dimensions: Record<string, string>;
  /** Epoch milliseconds on the runtime clock. */
  at: number;
  value: number;
}

const isDatum = (v: unknown): v is Datum =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as Datum).namespace === 'string' &&
  typeof (v as Datum).name === 'string' &&
  typeof (v as Datum).at === 'number' &&
  typeof (v as Datum).value === 'number';

/** CloudWatch keeps high-resolution data for hours and minute data for 15 days; no alarm here looks back further. */
const KEEP_MS = 15 * 24 * 3_600_000;
/**
 * In memory, a data point no alarm watches, or older than the period of every alarm that does, is judged by no
 * alarm again (the runtime clock only moves on): every this many puts such data is let go, so memory stays flat
 * however many webhooks arrive (their own metrics are watched by none). The journal keeps everything.
 */
const PRUNE_EVERY = 1000;

const sameDimensions = (a: Record<string, string>, b: Record<string, string>) =>
  Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([k, v]) => b[k] === v);

const breaches = (a: LocalAlarm, value: number) =>
  a.comparison === 'LessThanThreshold'
    ? value < a.threshold
    : a.comparison === 'GreaterThanThreshold'
      ? value > a.threshold
      : value >= a.threshold;

const COMPARISON_WORDS: Record<LocalAlarm['comparison'], string> = {
  GreaterThanOrEqualToThreshold: 'greater than or equal to',
  GreaterThanThreshold: 'greater than',
  LessThanThreshold: 'less than',
};

export class LocalCloudWatch {
  private data: Datum[] = [];
  private putsSincePrune = 0;
  private readonly alarms = new Map<string, LocalAlarm>();
  private readonly states = new Map<string, { state: AlarmState; reason: string; since: number }>();
  private readonly sources = new Map<
    string,
    (metric: string, dimensions: Record<string, string>) => number | undefined
  >();
  private readonly journal: Journal<Datum> | undefined;
  /** When the alarms began watching (runtime clock): missing data counts only after a whole period of it. */
  private readonly watchingSince: number;

  constructor(private readonly deps: { now: () => Date; file?: string }) {
    const now = deps.now().getTime();
    let earliest = now;
    if (deps.file) {
      const { journal, records } = Journal.open(
        deps.file,
        'the metrics the local alarms are judged on',
        isDatum,
      );
      const newest = records.reduce((m, d) => Math.max(m, d.at), now);
      for (const d of records)
        if (d.at > newest - KEEP_MS) {
          this.data.push(d);
          earliest = Math.min(earliest, d.at);
        }
      journal.rewrite(this.data);
      this.journal = journal;
    }
    this.watchingSince = earliest;
  }

  addAlarm(alarm: LocalAlarm): void {
    this.alarms.set(alarm.name, alarm);
  }

  /** Metrics another stand-in publishes by itself (AWS/SQS), sampled when an alarm is judged. */
  addMetricSource(
    namespace: string,
    read: (metric: string, dimensions: Record<string, string>) => number | undefined,
  ): void {
    this.sources.set(namespace, read);
  }

  put(
    namespace: string,
    name: string,
    dimensions: Record<string, string>,
    value: number,
    at = this.deps.now(),
  ): void {
    const d = { namespace, name, dimensions, at: at.getTime(), value };
    this.data.push(d);
    this.journal?.note(d);
    if (++this.putsSincePrune >= PRUNE_EVERY) this.prune();
  }

  /** Keeps only the data some alarm will still judge (alarms are added as the runtime starts, before any put). */
  private prune(): void {
    this.putsSincePrune = 0;
    const now = this.deps.now().getTime();
    const alarms = [...this.alarms.values()];
    this.data = this.data.filter((d) =>
      alarms.some(
        (a) =>
          d.at > now - a.periodSeconds * 1000 &&
          d.namespace === a.namespace &&
          d.name === a.metricName &&
          sameDimensions(d.dimensions, a.dimensions),
      ),
    );
  }

  /**
   * One line a function wrote, read as CloudWatch Logs reads the embedded metric format: each metric of each
   * directive with each of its dimension sets. Lines that are not EMF are ignored; false then.
   */
  ingestEmf(line: string): boolean {
    let entry: Record<string, unknown>;
    try {
      entry = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return false;
    }
    const aws = entry?._aws as
      | {
          CloudWatchMetrics?: {
            Namespace?: string;
            Dimensions?: string[][];
            Metrics?: { Name?: string }[];
          }[];
        }
      | undefined;
    if (!aws || !Array.isArray(aws.CloudWatchMetrics)) return false;
    for (const directive of aws.CloudWatchMetrics) {
      const sets = directive.Dimensions?.length ? directive.Dimensions : [[]];
      for (const metric of directive.Metrics ?? []) {
        const raw = metric.Name ? entry[metric.Name] : undefined;
        const values = (Array.isArray(raw) ? raw : [raw]).filter((v): v is number => typeof v === 'number');
        for (const set of sets) {
          const dims = Object.fromEntries(set.map((k) => [k, String(entry[k])]));
          for (const v of values)
            this.put(directive.Namespace ?? 'aws-embedded-metrics', metric.Name ?? '', dims, v);
        }
      }
    }
    return true;
  }

  /** How many data points are held in memory (what the alarms' periods cover, and up to PRUNE_EVERY more). */
  held(): number {
    return this.data.length;
  }

  /** Every alarm's state at the runtime's now. */
  evaluate(): { alarm: LocalAlarm; state: AlarmState; reason: string; since: number }[] {
    const now = this.deps.now().getTime();
    return [...this.alarms.values()].map((alarm) => {
      const { state, reason } = this.judge(alarm, now);
      const before = this.states.get(alarm.name);
      const current =
        before && before.state === state ? { ...before, reason } : { state, reason, since: now };
      this.states.set(alarm.name, current);
      return { alarm, ...current };
    });
  }

  close(): void {
    this.journal?.close();
  }

  handle(action: string, body: Record<string, unknown>): unknown {
    if (action === 'PutMetricData') return this.putMetricData(body);
    if (action === 'DescribeAlarms') return this.describeAlarms(body);
    throw new AwsError(
      'UnsupportedOperation',
      400,
      `${action} is not served by the local CloudWatch (it serves PutMetricData and DescribeAlarms)`,
    );
  }

  private judge(alarm: LocalAlarm, now: number): { state: AlarmState; reason: string } {
    const from = now - alarm.periodSeconds * 1000;
    const values = this.data
      .filter(
        (d) =>
          d.at > from &&
          d.at <= now &&
          d.namespace === alarm.namespace &&
          d.name === alarm.metricName &&
          sameDimensions(d.dimensions, alarm.dimensions),
      )
      .map((d) => d.value);
    const sampled = this.sources.get(alarm.namespace)?.(alarm.metricName, alarm.dimensions);
    if (sampled !== undefined) values.push(sampled);
    const words = `${COMPARISON_WORDS[alarm.comparison]} the threshold (${alarm.threshold})`;
    if (values.length === 0) {
      if (now - this.watchingSince < alarm.periodSeconds * 1000)
        return { state: 'INSUFFICIENT_DATA', reason: 'Insufficient Data: no datapoint yet.' };
      const breaching = alarm.treatMissingData === 'breaching';
      return {
        state: breaching ? 'ALARM' : 'OK',
        reason: `no datapoint in ${alarm.periodSeconds / 60} minutes was ${breaching ? 'treated as breaching' : 'treated as not breaching'}`,
      };
    }
    const value = alarm.statistic === 'Sum' ? values.reduce((a, b) => a + b, 0) : Math.max(...values);
    return breaches(alarm, value)
      ? { state: 'ALARM', reason: `Threshold Crossed: 1 datapoint [${value}] was ${words}.` }
      : { state: 'OK', reason: `Threshold Crossed: 1 datapoint [${value}] was not ${words}.` };
  }

  private putMetricData(body: Record<string, unknown>): unknown {
    const namespace = body.Namespace;
    const data = body.MetricData;
    if (typeof namespace !== 'string' || !namespace)
      throw new AwsError('MissingParameter', 400, 'The parameter Namespace is required.');
    if (!Array.isArray(data) || data.length === 0 || data.length > 1000)
      throw new AwsError('InvalidParameterValue', 400, 'MetricData must hold 1 to 1000 entries.');
    for (const [i, raw] of (data as Record<string, unknown>[]).entries()) {
      const name = raw.MetricName;
      if (typeof name !== 'string' || !name)
        throw new AwsError(
          'MissingParameter',
          400,
          `The parameter MetricData.member.${i + 1}.MetricName is required.`,
        );
      const values = raw.Values ?? (raw.Value === undefined ? undefined : [raw.Value]);
      if (!Array.isArray(values) || values.length === 0 || !values.every((v) => typeof v === 'number'))
        throw new AwsError(
          'InvalidParameterValue',
          400,
          `MetricData.member.${i + 1}: Value or Values (numbers) is required locally (StatisticValues is not served)`,
        );
      const dims = Object.fromEntries(
        ((raw.Dimensions ?? []) as { Name?: unknown; Value?: unknown }[]).map((d) => [
          String(d.Name),
          String(d.Value),
        ]),
      );
      // Timestamps are epoch seconds in AWS JSON; without one the datum is the runtime's now.
      const at = typeof raw.Timestamp === 'number' ? new Date(raw.Timestamp * 1000) : this.deps.now();
      for (const v of values as number[]) this.put(namespace, name, dims, v, at);
    }
    return {};
  }

  private describeAlarms(body: Record<string, unknown>): unknown {
    const names = Array.isArray(body.AlarmNames) ? body.AlarmNames.map(String) : undefined;
    const prefix = typeof body.AlarmNamePrefix === 'string' ? body.AlarmNamePrefix : undefined;
    if (names && prefix)
      throw new AwsError(
        'InvalidParameterCombination',
        400,
        'AlarmNames and AlarmNamePrefix exclude each other.',
      );
    const stateValue = body.StateValue;
    if (stateValue !== undefined && !['OK', 'ALARM', 'INSUFFICIENT_DATA'].includes(String(stateValue)))
      throw new AwsError('InvalidParameterValue', 400, `StateValue must be OK, ALARM or INSUFFICIENT_DATA`);
    const MetricAlarms = this.evaluate()
      .filter(
        (a) =>
          (!names || names.includes(a.alarm.name)) &&
          (!prefix || a.alarm.name.startsWith(prefix)) &&
          (stateValue === undefined || a.state === stateValue),
      )
      .map(({ alarm, state, reason, since }) => ({
        AlarmName: alarm.name,
        AlarmArn: `arn:aws:cloudwatch:us-east-1:000000000000:alarm:${alarm.name}`,
        AlarmDescription: alarm.description,
        ActionsEnabled: true,
        StateValue: state,
        StateReason: reason,
        StateUpdatedTimestamp: since / 1000,
        MetricName: alarm.metricName,
        Namespace: alarm.namespace,
        Statistic: alarm.statistic,
        Dimensions: Object.entries(alarm.dimensions).map(([Name, Value]) => ({ Name, Value })),
        Period: alarm.periodSeconds,
        EvaluationPeriods: 1,
        Threshold: alarm.threshold,
        ComparisonOperator: alarm.comparison,
        TreatMissingData: alarm.treatMissingData,
      }));
    return { MetricAlarms, CompositeAlarms: [] };
  }
}

/**
 * The local CloudWatch under a steady stream of metrics: the data no alarm watches, or that no alarm's period
 * reaches back to, is let go, so memory stays flat, and every alarm is judged exactly as on all the data.
 */
import { describe, expect, it } from 'vitest';
import { type LocalAlarm, LocalCloudWatch } from '../../../infra/local/aws/cloudwatch';

const alarm = (name: string, periodSeconds: number, threshold: number): LocalAlarm => ({
  name,
  description: name,
  namespace: 'quotaflow',
  metricName: 'Errors',
  dimensions: { service: 'quotaflow' },
  statistic: 'Sum',
  periodSeconds,
  threshold,
  comparison: 'GreaterThanOrEqualToThreshold',
  treatMissingData: 'notBreaching',
});

describe('local CloudWatch memory', () => {
  it('keeps only what the alarms watch over their periods, and judges as on every data point', () => {
    let now = Date.parse('2026-11-27T02:00:00Z');
    const cw = new LocalCloudWatch({ now: () => new Date(now) });
    // One error a second: 300 in the 5-minute window, 60 in the 1-minute one.
    cw.addAlarm(alarm('five-minutes', 300, 300));
    cw.addAlarm(alarm('one-minute', 60, 61));
    for (let i = 0; i < 5000; i++) {
      now += 1000;
      cw.put('quotaflow', 'Errors', { service: 'quotaflow' }, 1);
      // Per-webhook metrics no alarm watches, and the watched metric on other dimensions.
      cw.put('quotaflow', 'WebhookReceived', { service: 'quotaflow' }, 1);
      cw.put('quotaflow', 'Errors', { service: 'quotaflow', function: 'sync-apply' }, 1);
    }
    expect(cw.held()).toBeLessThanOrEqual(300 + 1000);
    const states = Object.fromEntries(cw.evaluate().map((a) => [a.alarm.name, a.state]));
    expect(states).toEqual({ 'five-minutes': 'ALARM', 'one-minute': 'OK' });
    // Ten minutes on without data: nothing in either window.
    now += 600_000;
    expect(cw.evaluate().map((a) => a.state)).toEqual(['OK', 'OK']);
  });
});

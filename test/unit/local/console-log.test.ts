import { describe, expect, it } from 'vitest';
import { readableLine, requestLine } from '../../../infra/local/console-log';

describe('readable console lines', () => {
  it('turns a function log line into one short line with its own fields, no Lambda noise', () => {
    const line = JSON.stringify({
      level: 'INFO',
      message: 'workflows ran',
      timestamp: '2026-11-27T02:05:03.123Z',
      service: 'quotaflow',
      cold_start: false,
      function_arn: 'arn:aws:lambda:us-east-1:000000000000:function:quotaflow-demo-workflow-runner',
      function_name: 'workflow-runner',
      function_request_id: 'b8af4bcb',
      sampling_rate: 0,
      tenantId: 'demo',
      correlation_id: 'f64acc00',
      eventId: 'ee44a8cc',
      recordId: 'D-1001',
      matched: ['won-deal-recognition@1'],
      steps: [{ step: 'won-deal/congratulate', outcome: 'performed' }],
    });
    expect(readableLine(line)).toBe(
      '02:05:03  INFO  workflows ran  fn=workflow-runner recordId=D-1001 matched=won-deal-recognition@1 ' +
        'steps=won-deal/congratulate:performed',
    );
  });

  it('leaves metric (EMF) lines out and passes anything that is not a log entry through', () => {
    expect(readableLine(JSON.stringify({ _aws: { CloudWatchMetrics: [] }, EmailSent: 1 }))).toBeUndefined();
    expect(readableLine('{not json')).toBe('{not json');
    expect(readableLine(JSON.stringify({ other: 1 }))).toBe('{"other":1}');
  });

  it('quotes values with spaces and names the request with its status and time', () => {
    expect(
      readableLine(
        JSON.stringify({
          level: 'WARN',
          message: 'retrying',
          timestamp: '2026-11-27T02:05:03Z',
          error: 'a b',
        }),
      ),
    ).toBe('02:05:03  WARN  retrying  error="a b"');
    expect(requestLine('POST', '/webhooks/generic', 202, 14.4)).toMatch(
      /^\d\d:\d\d:\d\d {2}POST \/webhooks\/generic → 202 {2}14 ms$/,
    );
  });
});

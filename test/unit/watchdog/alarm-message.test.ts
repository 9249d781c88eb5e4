/** An alarm notice from the topic as a chat message, in the tenant's language and zone (fixed instants). */
import { describe, expect, it } from 'vitest';
import { alarmChatText } from '../../../shared/watchdog/alarm-message';
import { chatPayload } from '../../../shared/workflows/chat';

const notice = (state: string) =>
  JSON.stringify({
    AlarmName: 'Quotaflow-acme-ObservabilityCrmDeliveriesSilentZoho-1A2B3C',
    AlarmDescription: 'acme: no zoho webhook delivery for 4 business hours',
    NewStateValue: state,
    NewStateReason: 'Threshold Crossed: 1 datapoint [1.0] was >= the threshold (1.0).',
    StateChangeTime: '2026-10-05T06:30:00.000+0000',
  });

describe('alarm chat text', () => {
  it('zh-CN in Shanghai: the state, what it means, when, why, and the alarm', () => {
    const text = alarmChatText(notice('ALARM'), {
      displayName: '演示贸易公司',
      locale: 'zh-CN',
      timeZone: 'Asia/Shanghai',
    });
    expect(text.split('\n')).toEqual([
      '[告警] acme: no zoho webhook delivery for 4 business hours',
      expect.stringMatching(/^租户: 演示贸易公司 · 时间: 2026年10月5日 GMT\+8 14:30$/),
      'Threshold Crossed: 1 datapoint [1.0] was >= the threshold (1.0).',
      'Quotaflow-acme-ObservabilityCrmDeliveriesSilentZoho-1A2B3C',
    ]);
  });

  it('en in New York, resolved: no reason line; Slack escapes markup', () => {
    const text = alarmChatText(notice('OK'), {
      displayName: 'Acme <Sales>',
      locale: 'en',
      timeZone: 'America/New_York',
    });
    expect(text.split('\n').slice(0, 2)).toEqual([
      '[resolved] acme: no zoho webhook delivery for 4 business hours',
      expect.stringMatching(/^tenant: Acme <Sales> · since: Oct 5, 2026, 2:30\sAM EDT$/),
    ]);
    expect(text).not.toContain('Threshold Crossed');
    expect(chatPayload('slack', text).text).toContain('Acme &lt;Sales&gt;');
  });

  it('refuses a notice that is not a CloudWatch alarm’s, naming what is missing', () => {
    expect(() => alarmChatText('{"foo":1}', { displayName: 'x', locale: 'en', timeZone: 'UTC' })).toThrow(
      /not a CloudWatch alarm notice: AlarmName/,
    );
  });
});

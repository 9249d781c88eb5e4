/**
 * SES bounce and complaint events (the EventBridge shape SES publishes through a configuration set) and what they
 * mean for the suppression list: permanent bounces and complaints suppress; soft bounces and not-spam do not.
 */
import { describe, expect, it } from 'vitest';
import {
  SES_BOUNCED,
  SES_COMPLAINT,
  sesMailFeedback,
  tenantMailFeedbackPattern,
} from '../../../events/ses-feedback';
import { matches } from '../../../infra/local/eventbridge/pattern';
import { decideFeedback } from '../../../shared/mail/feedback';

const mail = (configurationSet = 'quotaflow-demo') => ({
  timestamp: '2026-11-27T02:00:00.000Z',
  source: 'quotaflow@demo.quotaflow.dev',
  sendingAccountId: '123456789012',
  messageId: '0100018d-ses-message-id-000000',
  destination: ['invalid@example.com'],
  headersTruncated: false,
  tags: { 'ses:configuration-set': [configurationSet], 'ses:from-domain': ['demo.quotaflow.dev'] },
});

const bounceEvent = (bounceType = 'Permanent', configurationSet?: string) => ({
  version: '0',
  id: 'c3d4e5f6-a7b8-9012-cdef-123456789012',
  'detail-type': SES_BOUNCED,
  source: 'aws.ses',
  account: '123456789012',
  time: '2026-11-27T02:00:02Z',
  region: 'ap-east-1',
  resources: [],
  detail: {
    eventType: 'Bounce',
    bounce: {
      bounceType,
      bounceSubType: bounceType === 'Permanent' ? 'General' : 'MailboxFull',
      bouncedRecipients: [
        {
          emailAddress: 'Invalid@Example.com',
          action: 'failed',
          status: '5.1.1',
          diagnosticCode: 'smtp; 550 5.1.1 user unknown',
        },
      ],
      timestamp: '2026-11-27T02:00:02.000Z',
      feedbackId: '0100018d-feedback-000000',
      reportingMTA: 'dsn; mta.example.com',
    },
    mail: mail(configurationSet),
  },
});

const complaintEvent = (complaintFeedbackType?: string) => ({
  ...bounceEvent(),
  'detail-type': SES_COMPLAINT,
  detail: {
    eventType: 'Complaint',
    complaint: {
      complainedRecipients: [{ emailAddress: 'Li Ming <li.ming@example.com>' }],
      timestamp: '2026-11-27T03:00:00.000Z',
      feedbackId: '0100018d-complaint-000000',
      userAgent: 'Mozilla/5.0',
      ...(complaintFeedbackType ? { complaintFeedbackType } : {}),
      arrivalDate: '2026-11-27T03:00:00.000Z',
    },
    mail: mail(),
  },
});

const expected = { configurationSet: 'quotaflow-demo' };

describe('decideFeedback', () => {
  it('suppresses the recipients of a permanent bounce, at the bounce time', () => {
    const d = decideFeedback(sesMailFeedback.parse(bounceEvent().detail), expected);
    expect(d).toEqual({
      action: 'suppress',
      suppressions: [
        {
          address: 'Invalid@Example.com',
          reason: 'bounced',
          at: '2026-11-27T02:00:02.000Z',
          source: 'ses:Permanent/General',
        },
      ],
    });
  });

  it('ignores transient and undetermined bounces', () => {
    for (const type of ['Transient', 'Undetermined']) {
      const d = decideFeedback(sesMailFeedback.parse(bounceEvent(type).detail), expected);
      expect(d.action, type).toBe('ignore');
    }
  });

  it('suppresses complaints (the bare address of a named recipient), except a not-spam report', () => {
    const d = decideFeedback(sesMailFeedback.parse(complaintEvent('abuse').detail), expected);
    expect(d).toEqual({
      action: 'suppress',
      suppressions: [
        {
          address: 'li.ming@example.com',
          reason: 'complained',
          at: '2026-11-27T03:00:00.000Z',
          source: 'ses:complaint/abuse',
        },
      ],
    });
    expect(decideFeedback(sesMailFeedback.parse(complaintEvent().detail), expected).action).toBe('suppress');
    expect(decideFeedback(sesMailFeedback.parse(complaintEvent('not-spam').detail), expected).action).toBe(
      'ignore',
    );
  });

  it("ignores another tenant's mail", () => {
    const d = decideFeedback(
      sesMailFeedback.parse(bounceEvent('Permanent', 'quotaflow-acme').detail),
      expected,
    );
    expect(d).toMatchObject({ action: 'ignore', reason: expect.stringContaining('quotaflow-acme') });
  });

  it('refuses a detail that is not an SES bounce or complaint, naming the field', () => {
    expect(() => sesMailFeedback.parse({ eventType: 'Delivery', mail: mail() })).toThrow(/eventType/);
    expect(() => sesMailFeedback.parse({ eventType: 'Bounce' })).toThrow(/mail/);
  });
});

describe('patterns', () => {
  it("the manifest's rule takes both detail-types; the default-bus pattern only this tenant's", () => {
    expect(matches(sesMailFeedback.pattern(), bounceEvent())).toBe(true);
    expect(matches(sesMailFeedback.pattern(), complaintEvent())).toBe(true);
    expect(matches(sesMailFeedback.pattern(), { ...bounceEvent(), 'detail-type': 'Email Delivered' })).toBe(
      false,
    );
    const scoped = tenantMailFeedbackPattern('quotaflow-demo');
    expect(matches(scoped, bounceEvent())).toBe(true);
    expect(matches(scoped, bounceEvent('Permanent', 'quotaflow-acme'))).toBe(false);
  });
});

/** Absence alarms: business hours on the tenant's calendar, channel expiry, stale watermarks, SES rates (fixed instants). */
import { describe, expect, it } from 'vitest';
import { businessMinutesBetween, type WatchdogInput, watchdog } from '../../../shared/watchdog/absence';
import { compileCalendar } from '../../../shared/workflows/calendar';

// Shanghai, Mon-Fri 09:00-18:00; Friday 2026-10-02 is a holiday, Saturday 2026-10-10 a make-up working day.
const cal = compileCalendar({
  businessDays: [1, 2, 3, 4, 5],
  hours: { start: '09:00', end: '18:00' },
  holidays: ['2026-10-02'],
  makeUpWorkdays: ['2026-10-10'],
  daysOff: [],
  extraWorkdays: [],
});
const TZ = 'Asia/Shanghai';
const at = (local: string) => new Date(`${local}+08:00`);
const base = (over: Partial<WatchdogInput>): WatchdogInput => ({
  now: at('2026-10-05T10:00:00'),
  timeZone: TZ,
  calendar: cal,
  silentBusinessHours: 4,
  deliveries: [],
  ...over,
});

describe('business minutes', () => {
  it('count only working hours of business days, skipping the weekend and the holiday', () => {
    // Thu 17:00 → Mon 10:00: Thu 1 h, Fri holiday, weekend, Mon 1 h.
    expect(businessMinutesBetween(cal, TZ, at('2026-10-01T17:00:00'), at('2026-10-05T10:00:00'))).toBe(120);
    // Within one day, and nothing before opening.
    expect(businessMinutesBetween(cal, TZ, at('2026-10-05T07:00:00'), at('2026-10-05T09:30:00'))).toBe(30);
    // The make-up Saturday counts.
    expect(businessMinutesBetween(cal, TZ, at('2026-10-09T18:00:00'), at('2026-10-10T12:00:00'))).toBe(180);
    expect(businessMinutesBetween(cal, TZ, at('2026-10-05T12:00:00'), at('2026-10-05T11:00:00'))).toBe(0);
  });
});

describe('CRM deliveries', () => {
  it('a quiet weekend is not silence; four business hours without a delivery is, per provider', () => {
    const r = watchdog(
      base({
        now: at('2026-10-05T13:30:00'),
        deliveries: [
          { provider: 'zoho', lastAt: '2026-10-01T09:30:00.000Z' }, // Thu 17:30: 0.5 h + Mon 4.5 h
          { provider: 'generic', lastAt: '2026-10-05T02:00:00.000Z' }, // Mon 10:00: 3.5 h
          { provider: 'fxiaoke' }, // never: not connected yet
        ],
      }),
    );
    expect(r.metrics).toEqual([
      { name: 'CrmDeliveriesSilent', value: 1, unit: 'Count', provider: 'zoho' },
      { name: 'CrmDeliveriesSilent', value: 0, unit: 'Count', provider: 'generic' },
      { name: 'CrmDeliveriesSilent', value: 0, unit: 'Count', provider: 'fxiaoke' },
    ]);
    expect(r.findings).toEqual([
      'no zoho delivery for 5 business hours (last 2026-10-01T09:30:00.000Z; alarm at 4)',
    ]);
  });
});

describe('Zoho channels and reconcile', () => {
  it('a channel within 12 hours of expiry, or expired, alarms; a watermark older than an hour alarms', () => {
    const now = at('2026-10-05T10:00:00'); // 02:00Z
    const r = watchdog(
      base({
        now,
        zohoChannels: [
          { module: 'Deals', expiresAt: '2026-10-06T02:00:00.000Z' },
          { module: 'Leads', expiresAt: '2026-10-05T13:59:00.000Z' },
          { module: 'Contacts', expiresAt: '2026-10-05T01:00:00.000Z' },
        ],
        watermarks: [
          { module: 'Deals', at: '2026-10-05T01:30:00.000Z' },
          { module: 'Leads', at: '2026-10-05T00:59:00.000Z' },
        ],
      }),
    );
    expect(r.metrics).toEqual([
      { name: 'ZohoChannelsExpiring', value: 2, unit: 'Count' },
      { name: 'ReconcileWatermarkStale', value: 1, unit: 'Count' },
    ]);
    expect(r.findings).toEqual([
      'Zoho channel Leads expires at 2026-10-05T13:59:00.000Z (renewal is not keeping it alive)',
      'Zoho channel Contacts expired at 2026-10-05T01:00:00.000Z (renewal is not keeping it alive)',
      'reconcile of Leads has not moved since 2026-10-05T00:59:00.000Z',
    ]);
  });
});

describe('mail rates', () => {
  it('alarms over 4 % bounces and 0.08 % complaints, and says nothing below 50 sent', () => {
    const over = watchdog(base({ mail: { sent: 2000, bounces: 81, complaints: 2 } }));
    expect(over.metrics).toEqual([
      { name: 'MailBounceRate', value: 4.05, unit: 'Percent' },
      { name: 'MailComplaintRate', value: 0.1, unit: 'Percent' },
    ]);
    expect(over.findings).toEqual([
      'mail bounce rate 4.05 % (81 of 2000) is over 4 %',
      'mail complaint rate 0.1 % (2 of 2000) is over 0.08 %',
    ]);
    expect(watchdog(base({ mail: { sent: 2000, bounces: 80, complaints: 1 } })).findings).toEqual([]);
    expect(
      watchdog(base({ mail: { sent: 10, bounces: 5, complaints: 1 } })).metrics.map((m) => m.value),
    ).toEqual([0, 0]);
  });
});

/**
 * Waits before mail to a contact are counted where the contact is: business days on the calendar of the contact's
 * zone, calendar days at the same local wall-clock time across DST. Waits before internal mail (owner, manager, a
 * fixed address) or other steps stay in the tenant's zone on the tenant's calendar.
 */
import { describe, expect, it } from 'vitest';
import { type Action, planEnrolment, type Sequence } from '../../../shared/workflows';
import { deal, demoConfig, event, TENANT } from './fixtures';

const cfg = demoConfig();
const NY = 'America/New_York';

const sequence = (steps: Action[]): Sequence => ({
  id: 'waits',
  version: 1,
  name: 'Waits',
  steps,
  stopOn: [],
  reenrol: { mode: 'always' },
});
const toContact = (template: string): Action => ({
  type: 'send_email',
  template,
  recipient: { to: 'contact' },
  withinBusinessHours: false,
});
const welcomeThenFollowUp = (wait: Action) =>
  sequence([toContact('lead-welcome'), wait, toContact('lead-follow-up')]);

/** The due instants of a sequence for a contact in `timeZone`, started at `startAt`. */
const dues = (seq: Sequence, timeZone: string, startAt: string, tenant = TENANT) =>
  planEnrolment({
    config: cfg,
    tenant,
    sequence: seq,
    event: event('lead.created', deal({ id: 'L-7', email: 'amy@example.com', fields: { timeZone } }), {
      occurredAt: startAt,
    }),
    occurrence: 'x',
    startAt: new Date(startAt),
  }).effects.map((e) => [e.step, e.dueAt]);

describe('business-day waits before contact mail, New York across DST', () => {
  it('welcomed Thu 29 Oct 11:02 EDT, +2 business days is Mon 2 Nov 11:02 EST (not 10:02)', () => {
    expect(dues(welcomeThenFollowUp({ type: 'wait', businessDays: 2 }), NY, '2026-10-29T15:02:00Z')).toEqual([
      ['steps[0]', '2026-10-29T15:02:00.000Z'],
      ['steps[2]', '2026-11-02T16:02:00.000Z'],
    ]);
  });

  it('welcomed Thu 11 Mar 2027 11:02 EST, +2 business days is Mon 15 Mar 11:02 EDT', () => {
    expect(dues(welcomeThenFollowUp({ type: 'wait', businessDays: 2 }), NY, '2027-03-11T16:02:00Z')).toEqual([
      ['steps[0]', '2027-03-11T16:02:00.000Z'],
      ['steps[2]', '2027-03-15T15:02:00.000Z'],
    ]);
  });

  it("a New York contact's wait is not stretched by China's National Day", () => {
    // Tue 29 Sep 10:00 EDT: +2 US business days is Thu 1 Oct, a holiday only in China.
    expect(dues(welcomeThenFollowUp({ type: 'wait', businessDays: 2 }), NY, '2026-09-29T14:00:00Z')).toEqual([
      ['steps[0]', '2026-09-29T14:00:00.000Z'],
      ['steps[2]', '2026-10-01T14:00:00.000Z'],
    ]);
  });

  it('US holidays count: from Wed 25 Nov 2026, 1 business day is Fri 27 Nov (Thanksgiving skipped)', () => {
    expect(dues(welcomeThenFollowUp({ type: 'wait', businessDays: 1 }), NY, '2026-11-25T15:00:00Z')).toEqual([
      ['steps[0]', '2026-11-25T15:00:00.000Z'],
      ['steps[2]', '2026-11-27T15:00:00.000Z'],
    ]);
  });
});

describe('duration waits before contact mail keep the local wall clock', () => {
  it('Fri 30 Oct 10:00 EDT + 3 days is Mon 2 Nov 10:00 EST; hours stay elapsed time', () => {
    const wait: Action = { type: 'wait', for: { days: 3, hours: 1 } };
    expect(dues(welcomeThenFollowUp(wait), NY, '2026-10-30T14:00:00Z')).toEqual([
      ['steps[0]', '2026-10-30T14:00:00.000Z'],
      ['steps[2]', '2026-11-02T16:00:00.000Z'], // 10:00 EST + 1 hour
    ]);
  });

  it('Fri 12 Mar 2027 10:00 EST + 3 days is Mon 15 Mar 10:00 EDT', () => {
    const wait: Action = { type: 'wait', for: { days: 3 } };
    expect(dues(welcomeThenFollowUp(wait), NY, '2027-03-12T15:00:00Z')).toEqual([
      ['steps[0]', '2027-03-12T15:00:00.000Z'],
      ['steps[2]', '2027-03-15T14:00:00.000Z'],
    ]);
  });
});

describe("a Shanghai contact of a New York tenant: China's calendar, 调休 make-up days included", () => {
  const nyTenant = { ...TENANT, timeZone: NY };
  const SH = 'Asia/Shanghai';

  it('Tue 29 Sep 10:00 CST + 2 business days skips National Day to Thu 8 Oct 10:00', () => {
    expect(
      dues(welcomeThenFollowUp({ type: 'wait', businessDays: 2 }), SH, '2026-09-29T02:00:00Z', nyTenant),
    ).toEqual([
      ['steps[0]', '2026-09-29T02:00:00.000Z'],
      ['steps[2]', '2026-10-08T02:00:00.000Z'],
    ]);
  });

  it('+4 business days lands on the make-up Saturday 10 Oct', () => {
    expect(
      dues(welcomeThenFollowUp({ type: 'wait', businessDays: 4 }), SH, '2026-09-29T02:00:00Z', nyTenant),
    ).toEqual([
      ['steps[0]', '2026-09-29T02:00:00.000Z'],
      ['steps[2]', '2026-10-10T02:00:00.000Z'],
    ]);
  });

  it('Fri 18 Sep + 1 business day is the make-up Sunday 20 Sep', () => {
    expect(
      dues(welcomeThenFollowUp({ type: 'wait', businessDays: 1 }), SH, '2026-09-18T02:00:00Z', nyTenant),
    ).toEqual([
      ['steps[0]', '2026-09-18T02:00:00.000Z'],
      ['steps[2]', '2026-09-20T02:00:00.000Z'],
    ]);
  });
});

describe('waits before anything but contact mail stay in the tenant zone', () => {
  it("a wait before the owner's mail is counted on the tenant's calendar in Shanghai", () => {
    const seq = sequence([
      toContact('lead-welcome'),
      { type: 'wait', businessDays: 1 },
      {
        type: 'send_email',
        template: 'lead-welcome',
        recipient: { to: 'owner' },
        withinBusinessHours: false,
      },
    ]);
    // Wed 30 Sep 10:00 EDT is 22:00 in Shanghai: the next Shanghai business day is Thu 8 Oct, 22:00 there.
    expect(dues(seq, NY, '2026-09-30T14:00:00Z')).toEqual([
      ['steps[0]', '2026-09-30T14:00:00.000Z'],
      ['steps[2]', '2026-10-08T14:00:00.000Z'],
    ]);
  });

  it('the wait belongs to the step after it: a wait before a CRM task is the tenant’s, even with contact mail later', () => {
    const seq = sequence([
      toContact('lead-welcome'),
      { type: 'wait', businessDays: 1 },
      { type: 'create_crm_activity', activity: 'call', subject: 'Call' },
      { type: 'wait', businessDays: 1 },
      toContact('lead-follow-up'),
    ]);
    expect(dues(seq, NY, '2026-09-30T14:00:00Z')).toEqual([
      ['steps[0]', '2026-09-30T14:00:00.000Z'],
      ['steps[2]', '2026-10-08T14:00:00.000Z'], // Shanghai calendar
      ['steps[4]', '2026-10-09T14:00:00.000Z'], // then one New York business day, same local time
    ]);
  });
});

/**
 * SentDigests: an hourly managerDigest run ends after the org once every digest due now was seen sent by an earlier
 * run; a new period (next Monday 08:00 in the manager's own zone: Asia/Shanghai and America/New_York), a manager
 * never seen, or one who would be skipped goes through the full run, where the effect ledger keeps each send to one.
 */
import { describe, expect, it } from 'vitest';
import { SentDigests } from '../../../shared/digest/sent';
import { parseGoals } from '../../../shared/goals/validate';
import { buildOrg } from '../../../shared/org/model';

const goals = parseGoals(
  {
    schemaVersion: 1,
    tenantId: 'acme',
    org: {
      directReportTeams: false,
      people: { m2: { timeZone: 'America/New_York' } },
      teams: {
        east: { name: 'East', managerId: 'm1', members: ['a'] },
        west: { name: 'West', managerId: 'm2', members: ['b'] },
      },
    },
    goals: [],
  },
  'goals.json',
);
const orgWith = (m2Email?: string) =>
  buildOrg({
    users: [
      { id: 'm1', name: 'Mei', email: 'mei@acme.example', active: true },
      { id: 'm2', name: 'Max', ...(m2Email ? { email: m2Email } : {}), active: true },
      { id: 'a', name: 'Ann', active: true },
      { id: 'b', name: 'Bo', active: true },
    ],
    tenant: { timeZone: 'Asia/Shanghai', locale: 'en' },
    config: goals.doc.org,
  });
const org = orgWith('max@acme.example');
const ZONE = 'Asia/Shanghai';

describe('SentDigests', () => {
  it('knows nothing until a run recorded its outcomes, then every due digest is seen sent', () => {
    const sent = new SentDigests();
    const at = new Date('2026-10-13T10:00:00+08:00'); // Tuesday: last week's digests are the due ones
    expect(sent.allSent(goals, org, ZONE, at)).toBeUndefined();
    sent.record([
      { manager: 'm1', period: '2026-W41', outcome: 'performed' },
      { manager: 'm2', period: '2026-W41', outcome: 'duplicate' },
    ]);
    expect(sent.allSent(goals, org, ZONE, at)).toEqual(['digest#m1#2026-W41', 'digest#m2#2026-W41']);
  });

  it("a new period is due at Monday 08:00 in each manager's zone, not before", () => {
    const sent = new SentDigests();
    sent.record([
      { manager: 'm1', period: '2026-W41', outcome: 'performed' },
      { manager: 'm2', period: '2026-W41', outcome: 'performed' },
    ]);
    expect(sent.allSent(goals, org, ZONE, new Date('2026-10-19T07:59:00+08:00'))).toBeDefined();
    expect(sent.allSent(goals, org, ZONE, new Date('2026-10-19T08:00:00+08:00'))).toBeUndefined();
    sent.record([{ manager: 'm1', period: '2026-W42', outcome: 'performed' }]);
    // Still Sunday evening in New York: Max's W42 digest is not due yet.
    expect(sent.allSent(goals, org, ZONE, new Date('2026-10-19T09:00:00+08:00'))).toEqual([
      'digest#m1#2026-W42',
      'digest#m2#2026-W41',
    ]);
    // Monday 08:00 EDT in New York: due.
    expect(sent.allSent(goals, org, ZONE, new Date('2026-10-19T08:00:00-04:00'))).toBeUndefined();
  });

  it('a skipped digest (no email address) is never taken as sent: the full run reports it each time', () => {
    const sent = new SentDigests();
    sent.record([
      { manager: 'm1', period: '2026-W41', outcome: 'performed' },
      { manager: 'm2', period: '2026-W41', outcome: 'skipped', reason: 'no email address' },
    ]);
    expect(sent.allSent(goals, orgWith(), ZONE, new Date('2026-10-13T10:00:00+08:00'))).toBeUndefined();
  });
});

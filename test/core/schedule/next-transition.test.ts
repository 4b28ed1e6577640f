import { describe, expect, it } from 'vitest';
import { nextTransition } from '../../../lambdas/core/schedule/next-transition';
import { schedule } from './support';

const officeHours = (timezone: string, extra: Record<string, unknown> = {}) =>
  schedule({ timezone, periods: [{ begintime: '08:00', endtime: '18:00', weekdays: 'mon-fri' }], ...extra });

/** The next `count` transitions after `after`, as `ISO state` strings. */
function transitions(s: ReturnType<typeof schedule>, after: string, count: number): string[] {
  const result: string[] = [];
  let from = new Date(after);
  for (let i = 0; i < count; i++) {
    const next = nextTransition(s, from);
    if (!next) break;
    result.push(`${next.at.toISOString()} ${next.state}`);
    from = next.at;
  }
  return result;
}

describe('Module: schedule next transition', () => {
  describe('Function: nextTransition', () => {
    it('skips the weekend: Friday 18:00 → Monday 08:00 (UTC)', () => {
      // Act
      const next = nextTransition(officeHours('UTC'), new Date('2026-03-06T18:00:00Z'));

      // Assess
      expect(next).toEqual({ at: new Date('2026-03-09T08:00:00Z'), state: 'running' });
    });

    it('finds the end one second later and looks strictly after the given instant', () => {
      // Act
      const fromLastSecond = nextTransition(officeHours('UTC'), new Date('2026-03-06T17:59:59Z'));
      const fromBegin = nextTransition(officeHours('UTC'), new Date('2026-03-06T08:00:00Z'));

      // Assess
      expect(fromLastSecond).toEqual({ at: new Date('2026-03-06T18:00:00Z'), state: 'stopped' });
      expect(fromBegin).toEqual({ at: new Date('2026-03-06T18:00:00Z'), state: 'stopped' });
    });

    it('crosses the Berlin spring-forward weekend: Monday 08:00 CEST is 06:00Z', () => {
      // Act: Friday 27 March 18:00 CET is 17:00Z
      const list = transitions(officeHours('Europe/Berlin'), '2026-03-27T17:00:00Z', 3);

      // Assess
      expect(list).toEqual([
        '2026-03-30T06:00:00.000Z running',
        '2026-03-30T16:00:00.000Z stopped',
        '2026-03-31T06:00:00.000Z running',
      ]);
    });

    it('crosses the New York fall-back weekend: Friday 18:00 EDT → Monday 08:00 EST', () => {
      // Act: Friday 30 Oct 2026 17:00 EDT is 21:00Z
      const list = transitions(officeHours('America/New_York'), '2026-10-30T21:00:00Z', 2);

      // Assess
      expect(list).toEqual(['2026-10-30T22:00:00.000Z stopped', '2026-11-02T13:00:00.000Z running']);
    });

    it('crosses the Auckland DST end: 09:00 NZDT on Saturday, 09:00 NZST on Sunday', () => {
      // Prepare
      const s = schedule({ timezone: 'Pacific/Auckland', periods: [{ begintime: '09:00', endtime: '17:00' }] });

      // Act: Saturday 4 April 06:00Z is 19:00 NZDT, stopped
      const list = transitions(s, '2026-04-04T06:00:00Z', 2);

      // Assess
      expect(list).toEqual(['2026-04-04T21:00:00.000Z running', '2026-04-05T05:00:00.000Z stopped']);
    });

    it('begins after the gap when the begintime is skipped (Santiago, midnight skipped on 6 September)', () => {
      // Prepare
      const s = schedule({ timezone: 'America/Santiago', periods: [{ begintime: '00:30', endtime: '06:00' }] });

      // Act: 5 September 12:00Z is 08:00 −04, stopped
      const list = transitions(s, '2026-09-05T12:00:00Z', 2);

      // Assess
      expect(list).toEqual(['2026-09-06T04:00:00.000Z running', '2026-09-06T09:00:00.000Z stopped']);
    });

    it('lists overnight periods: Friday 22:00 to Saturday 06:00 in Berlin', () => {
      // Prepare
      const s = schedule({
        timezone: 'Europe/Berlin',
        periods: [{ begintime: '22:00', endtime: '06:00', weekdays: 'fri' }],
      });

      // Act
      const list = transitions(s, '2026-03-25T00:00:00Z', 3);

      // Assess: 27 March is CET (+1), 3 April CEST (+2)
      expect(list).toEqual([
        '2026-03-27T21:00:00.000Z running',
        '2026-03-28T05:00:00.000Z stopped',
        '2026-04-03T20:00:00.000Z running',
      ]);
    });

    it('goes from any to running at a begintime and to stopped at midnight before a non-period day', () => {
      // Prepare
      const s = schedule({ periods: [{ begintime: '08:00', weekdays: 'mon' }] });

      // Act: Monday 2 March 2026 00:00Z is any
      const list = transitions(s, '2026-03-02T00:00:00Z', 3);

      // Assess
      expect(list).toEqual([
        '2026-03-02T08:00:00.000Z running',
        '2026-03-03T00:00:00.000Z stopped',
        '2026-03-09T00:00:00.000Z any',
      ]);
    });

    it('skips exception dates', () => {
      // Prepare: 25 December 2026 is a Friday
      const s = officeHours('UTC', { exceptions: ['2026-12-25'] });

      // Act
      const next = nextTransition(s, new Date('2026-12-24T18:00:00Z'));

      // Assess
      expect(next).toEqual({ at: new Date('2026-12-28T08:00:00Z'), state: 'running' });
    });

    it('returns null for schedules that never change (always-on, overrideStatus)', () => {
      // Prepare
      const always = schedule({ periods: [{}] });
      const overridden = schedule({ overrideStatus: 'running' });

      // Act
      const results = [always, overridden].map((s) => nextTransition(s, new Date('2026-03-02T00:00:00Z')));

      // Assess
      expect(results).toEqual([null, null]);
    });

    it('searches at most 366 days: a leap-day schedule is found from 2027 but not from 2026', () => {
      // Prepare
      const s = schedule({ periods: [{ monthdays: '29', months: 'feb' }] });

      // Act
      const from2026 = nextTransition(s, new Date('2026-03-01T00:00:00Z'));
      const from2027 = nextTransition(s, new Date('2027-03-01T00:00:00Z'));

      // Assess: 1 March 2027 → 29 February 2028 is 365 days
      expect(from2026).toBeNull();
      expect(from2027).toEqual({ at: new Date('2028-02-29T00:00:00Z'), state: 'running' });
    });

    it('finds the last day of the month across months of different lengths', () => {
      // Prepare
      const s = schedule({ periods: [{ monthdays: 'L' }] });

      // Act
      const list = transitions(s, '2026-02-02T00:00:00Z', 4);

      // Assess
      expect(list).toEqual([
        '2026-02-28T00:00:00.000Z running',
        '2026-03-01T00:00:00.000Z stopped',
        '2026-03-31T00:00:00.000Z running',
        '2026-04-01T00:00:00.000Z stopped',
      ]);
    });

    it('throws a RangeError for an invalid Date', () => {
      // Act
      const act = () => nextTransition(officeHours('UTC'), new Date(Number.NaN));

      // Assess
      expect(act).toThrow(RangeError);
    });
  });
});

import { describe, expect, it } from 'vitest';
import { desiredState } from '../../../lambdas/core/schedule/evaluate';
import { schedule, stateAt } from './support';

// DST changes of 2026 used below (tz database):
// Europe/Berlin       29 Mar 02:00 CET → 03:00 CEST (01:00Z);   25 Oct 03:00 CEST → 02:00 CET (01:00Z)
// America/New_York     8 Mar 02:00 EST → 03:00 EDT (07:00Z);     1 Nov 02:00 EDT → 01:00 EST (06:00Z)
// Australia/Sydney     5 Apr 03:00 AEDT → 02:00 AEST (4 Apr 16:00Z); 4 Oct 02:00 AEST → 03:00 AEDT (3 Oct 16:00Z)
// America/Santiago     5 Apr 00:00 −03 → 4 Apr 23:00 −04 (03:00Z);  6 Sep 00:00 −04 → 01:00 −03 (04:00Z)
// Pacific/Auckland     5 Apr 03:00 NZDT → 02:00 NZST (4 Apr 14:00Z); 27 Sep 02:00 NZST → 03:00 NZDT (26 Sep 14:00Z)
// Australia/Lord_Howe  5 Apr 02:00 +11 → 01:30 +10:30 (4 Apr 15:00Z)

const officeHours = (timezone: string) =>
  schedule({ timezone, periods: [{ begintime: '08:00', endtime: '18:00', weekdays: 'mon-fri' }] });
const daily = (timezone: string, begintime: string, endtime: string) =>
  schedule({ timezone, periods: [{ begintime, endtime }] });

describe('Module: schedule evaluation', () => {
  describe('Function: desiredState', () => {
    describe('times of day', () => {
      it.each([
        ['2026-03-02T07:59:59Z', 'stopped'],
        ['2026-03-02T08:00:00Z', 'running'],
        ['2026-03-02T12:00:00Z', 'running'],
        ['2026-03-02T17:59:59Z', 'running'],
        ['2026-03-02T17:59:59.999Z', 'running'],
        ['2026-03-02T18:00:00Z', 'stopped'],
        ['2026-03-07T10:00:00Z', 'stopped'],
        ['2026-03-08T10:00:00Z', 'stopped'],
      ])('mon-fri 08:00–18:00 UTC at %s is %s (begin inclusive, end exclusive to the second)', (at, expected) => {
        // Act
        const state = stateAt(officeHours('UTC'), at);

        // Assess
        expect(state).toBe(expected);
      });

      it.each([
        ['2026-03-06T21:59:59Z', 'stopped', 'Friday before 22:00'],
        ['2026-03-06T22:00:00Z', 'running', 'Friday 22:00'],
        ['2026-03-07T03:00:00Z', 'running', 'Saturday night: the Friday period continues'],
        ['2026-03-07T05:59:59Z', 'running', 'Saturday just before 06:00'],
        ['2026-03-07T06:00:00Z', 'stopped', 'Saturday 06:00'],
        ['2026-03-07T22:00:00Z', 'stopped', 'Saturday 22:00: Saturday is not a period day'],
        ['2026-03-06T03:00:00Z', 'stopped', 'Friday 03:00: Thursday is not a period day'],
      ])('overnight fri 22:00–06:00 at %s is %s (%s)', (at, expected) => {
        // Prepare
        const s = schedule({ periods: [{ begintime: '22:00', endtime: '06:00', weekdays: 'fri' }] });

        // Act
        const state = stateAt(s, at);

        // Assess
        expect(state).toBe(expected);
      });

      it.each([
        ['2026-01-31T23:00:00Z', 'running'],
        ['2026-02-01T01:59:59Z', 'running'],
        ['2026-02-01T02:00:00Z', 'stopped'],
        ['2026-12-31T23:30:00Z', 'running'],
        ['2027-01-01T01:00:00Z', 'running'],
        ['2026-01-30T23:00:00Z', 'stopped'],
      ])('overnight 22:00–02:00 on the last day of the month crosses months and years: %s is %s', (at, expected) => {
        // Prepare
        const s = schedule({ periods: [{ begintime: '22:00', endtime: '02:00', monthdays: 'L' }] });

        // Act
        const state = stateAt(s, at);

        // Assess
        expect(state).toBe(expected);
      });

      it.each([
        ['2026-03-02T07:59:59Z', 'any'],
        ['2026-03-02T08:00:00Z', 'running'],
        ['2026-03-02T23:59:59Z', 'running'],
        ['2026-03-07T10:00:00Z', 'stopped'],
      ])('begintime only (08:00 mon-fri) at %s is %s', (at, expected) => {
        // Prepare
        const s = schedule({ periods: [{ begintime: '08:00', weekdays: 'mon-fri' }] });

        // Act
        const state = stateAt(s, at);

        // Assess
        expect(state).toBe(expected);
      });

      it.each([
        ['2026-03-02T00:00:00Z', 'any'],
        ['2026-03-02T17:59:59Z', 'any'],
        ['2026-03-02T18:00:00Z', 'stopped'],
        ['2026-03-07T10:00:00Z', 'stopped'],
      ])('endtime only (18:00 mon-fri) at %s is %s', (at, expected) => {
        // Prepare
        const s = schedule({ periods: [{ endtime: '18:00', weekdays: 'mon-fri' }] });

        // Act
        const state = stateAt(s, at);

        // Assess
        expect(state).toBe(expected);
      });

      it.each([
        ['2026-03-02T19:59:59Z', 'stopped'],
        ['2026-03-02T20:00:00Z', 'running'],
        ['2026-03-02T23:59:59Z', 'running'],
        ['2026-03-03T00:00:00Z', 'stopped'],
      ])('endtime 24:00 runs to the end of the day: 20:00–24:00 at %s is %s', (at, expected) => {
        // Act
        const state = stateAt(daily('UTC', '20:00', '24:00'), at);

        // Assess
        expect(state).toBe(expected);
      });

      it('reads seconds in times: 08:00:30 begins at 08:00:30', () => {
        // Prepare
        const s = daily('UTC', '08:00:30', '09:00');

        // Act
        const before = stateAt(s, '2026-03-02T08:00:29Z');
        const at = stateAt(s, '2026-03-02T08:00:30Z');

        // Assess
        expect([before, at]).toEqual(['stopped', 'running']);
      });

      it('runs all day on matching days when a period has no times', () => {
        // Prepare
        const s = schedule({ periods: [{ weekdays: 'sat,sun' }] });

        // Act
        const states = [
          '2026-03-06T23:59:59Z',
          '2026-03-07T00:00:00Z',
          '2026-03-08T23:59:59Z',
          '2026-03-09T00:00:00Z',
        ].map((at) => stateAt(s, at));

        // Assess
        expect(states).toEqual(['stopped', 'running', 'running', 'stopped']);
      });
    });

    describe('several periods', () => {
      it('runs in either of two periods and reports which one', () => {
        // Prepare
        const s = schedule({
          periods: [
            { name: 'morning', begintime: '08:00', endtime: '12:00' },
            { begintime: '13:00', endtime: '17:00', instanceType: 't3.large' },
          ],
        });

        // Act
        const morning = desiredState(s, new Date('2026-03-02T09:00:00Z'));
        const lunch = desiredState(s, new Date('2026-03-02T12:30:00Z'));
        const afternoon = desiredState(s, new Date('2026-03-02T13:00:00Z'));

        // Assess
        expect(morning).toMatchObject({ state: 'running', period: 'morning' });
        expect(morning.instanceType).toBeUndefined();
        expect(lunch.state).toBe('stopped');
        expect(lunch.period).toBeUndefined();
        expect(afternoon).toMatchObject({ state: 'running', period: 'period 2', instanceType: 't3.large' });
      });

      it.each([
        ['2026-03-02T07:00:00Z', 'any', 'begin-only any beats stopped'],
        ['2026-03-02T08:30:00Z', 'running', 'running beats any'],
        ['2026-03-02T09:30:00Z', 'any', 'any again after the short period'],
        ['2026-03-02T10:30:00Z', 'running', 'the begin-only period has begun'],
      ])('combines running > any > stopped: at %s %s (%s)', (at, expected) => {
        // Prepare
        const s = schedule({ periods: [{ begintime: '10:00' }, { begintime: '08:00', endtime: '09:00' }] });

        // Act
        const state = stateAt(s, at);

        // Assess
        expect(state).toBe(expected);
      });

      it('prefers any over stopped: an end-only period before its end beats a stopped period', () => {
        // Prepare
        const s = schedule({ periods: [{ endtime: '18:00' }, { begintime: '20:00', endtime: '22:00' }] });

        // Act
        const states = ['2026-03-02T12:00:00Z', '2026-03-02T19:00:00Z', '2026-03-02T21:00:00Z'].map((at) =>
          stateAt(s, at),
        );

        // Assess
        expect(states).toEqual(['any', 'stopped', 'running']);
      });
    });

    describe('overrideStatus and exceptions', () => {
      it('always returns the overrideStatus, whatever the periods say', () => {
        // Prepare
        const s = schedule({ overrideStatus: 'stopped', periods: [{ begintime: '00:00', endtime: '23:00' }] });

        // Act
        const evaluation = desiredState(s, new Date('2026-03-02T12:00:00Z'));

        // Assess
        expect(evaluation.state).toBe('stopped');
        expect(evaluation.reason).toContain('overrideStatus');
      });

      it.each([
        ['2026-12-24T10:00:00Z', 'running', 'Thursday before the holiday'],
        ['2026-12-25T10:00:00Z', 'stopped', 'Friday 25 December, an exception date'],
        ['2026-12-31T10:00:00Z', 'stopped', 'Thursday 31 December, first day of the range'],
        ['2027-01-01T10:00:00Z', 'stopped', 'Friday 1 January, last day of the range'],
        ['2027-01-04T10:00:00Z', 'running', 'Monday after'],
      ])('is stopped on exception dates: %s is %s (%s)', (at, expected) => {
        // Prepare
        const s = schedule({
          periods: [{ begintime: '08:00', endtime: '18:00', weekdays: 'mon-fri' }],
          exceptions: ['2026-12-25', '2026-12-31/2027-01-01'],
        });

        // Act
        const state = stateAt(s, at);

        // Assess
        expect(state).toBe(expected);
      });

      it.each([
        ['2026-12-24T23:00:00Z', 'running', 'the 24th is an ordinary day'],
        ['2026-12-25T01:00:00Z', 'stopped', 'the exception date is stopped from its midnight'],
        ['2026-12-25T23:00:00Z', 'stopped', 'no period starts on the exception date'],
        ['2026-12-26T01:00:00Z', 'stopped', 'so the night after it does not run either'],
        ['2026-12-26T23:00:00Z', 'running', 'the 26th starts normally'],
      ])('exceptions cut overnight periods: %s is %s (%s)', (at, expected) => {
        // Prepare
        const s = schedule({ periods: [{ begintime: '22:00', endtime: '06:00' }], exceptions: ['2026-12-25'] });

        // Act
        const state = stateAt(s, at);

        // Assess
        expect(state).toBe(expected);
      });

      it('reads exception dates as local dates of the schedule time zone', () => {
        // Prepare: 25 Dec 00:30 in Berlin is 24 Dec 23:30Z
        const s = schedule({ timezone: 'Europe/Berlin', periods: [{}], exceptions: ['2026-12-25'] });

        // Act
        const beforeLocalMidnight = stateAt(s, '2026-12-24T22:59:59Z');
        const afterLocalMidnight = stateAt(s, '2026-12-24T23:30:00Z');

        // Assess
        expect([beforeLocalMidnight, afterLocalMidnight]).toEqual(['running', 'stopped']);
      });
    });

    describe('time zones and DST', () => {
      it.each([
        ['2026-03-28T07:59:59Z', 'stopped', 'Sat 08:59:59 CET'],
        ['2026-03-28T08:00:00Z', 'running', 'Sat 09:00 CET'],
        ['2026-03-29T06:59:59Z', 'stopped', 'Sun 08:59:59 CEST'],
        ['2026-03-29T07:00:00Z', 'running', 'Sun 09:00 CEST, the day clocks went forward'],
        ['2026-03-29T14:59:59Z', 'running', 'Sun 16:59:59 CEST'],
        ['2026-03-29T15:00:00Z', 'stopped', 'Sun 17:00 CEST'],
        ['2026-10-25T07:00:00Z', 'stopped', 'Sun 08:00 CET, the day clocks went back'],
        ['2026-10-25T08:00:00Z', 'running', 'Sun 09:00 CET'],
        ['2026-10-24T07:00:00Z', 'running', 'Sat 09:00 CEST'],
      ])('Europe/Berlin 09:00–17:00 daily at %s is %s (%s)', (at, expected) => {
        // Act
        const state = stateAt(daily('Europe/Berlin', '09:00', '17:00'), at);

        // Assess
        expect(state).toBe(expected);
      });

      it.each([
        ['2026-03-07T13:59:59Z', 'stopped', 'Sat 08:59:59 EST'],
        ['2026-03-07T14:00:00Z', 'running', 'Sat 09:00 EST'],
        ['2026-03-08T12:59:59Z', 'stopped', 'Sun 08:59:59 EDT'],
        ['2026-03-08T13:00:00Z', 'running', 'Sun 09:00 EDT'],
        ['2026-10-31T13:00:00Z', 'running', 'Sat 09:00 EDT'],
        ['2026-11-01T13:59:59Z', 'stopped', 'Sun 08:59:59 EST'],
        ['2026-11-01T14:00:00Z', 'running', 'Sun 09:00 EST'],
      ])('America/New_York 09:00–17:00 daily at %s is %s (%s)', (at, expected) => {
        // Act
        const state = stateAt(daily('America/New_York', '09:00', '17:00'), at);

        // Assess
        expect(state).toBe(expected);
      });

      it.each([
        ['2026-04-02T20:59:59Z', 'stopped', 'Fri 3 Apr 07:59:59 AEDT'],
        ['2026-04-02T21:00:00Z', 'running', 'Fri 3 Apr 08:00 AEDT'],
        ['2026-04-05T21:59:59Z', 'stopped', 'Mon 6 Apr 07:59:59 AEST, after DST ended'],
        ['2026-04-05T22:00:00Z', 'running', 'Mon 6 Apr 08:00 AEST'],
        ['2026-10-01T22:00:00Z', 'running', 'Fri 2 Oct 08:00 AEST'],
        ['2026-10-04T20:59:59Z', 'stopped', 'Mon 5 Oct 07:59:59 AEDT, after DST began'],
        ['2026-10-04T21:00:00Z', 'running', 'Mon 5 Oct 08:00 AEDT'],
      ])('Australia/Sydney office hours at %s is %s (%s)', (at, expected) => {
        // Act
        const state = stateAt(officeHours('Australia/Sydney'), at);

        // Assess
        expect(state).toBe(expected);
      });

      it.each([
        ['2026-04-03T20:00:00Z', 'running', 'Sat 4 Apr 09:00 NZDT'],
        ['2026-04-04T20:59:59Z', 'stopped', 'Sun 5 Apr 08:59:59 NZST'],
        ['2026-04-04T21:00:00Z', 'running', 'Sun 5 Apr 09:00 NZST'],
        ['2026-09-26T19:59:59Z', 'stopped', 'Sun 27 Sep 08:59:59 NZDT, after DST began'],
        ['2026-09-26T20:00:00Z', 'running', 'Sun 27 Sep 09:00 NZDT'],
      ])('Pacific/Auckland 09:00–17:00 daily at %s is %s (%s)', (at, expected) => {
        // Prepare
        const s = daily('Pacific/Auckland', '09:00', '17:00');

        // Act
        const state = stateAt(s, at);

        // Assess
        expect(state).toBe(expected);
      });

      it.each([
        ['2026-09-05T13:00:00Z', 'running', 'Sat 5 Sep 09:00 −04'],
        ['2026-09-06T11:59:59Z', 'stopped', 'Sun 6 Sep 08:59:59 −03'],
        ['2026-09-06T12:00:00Z', 'running', 'Sun 6 Sep 09:00 −03'],
      ])('America/Santiago 09:00–17:00 daily at %s is %s (%s)', (at, expected) => {
        // Act
        const state = stateAt(daily('America/Santiago', '09:00', '17:00'), at);

        // Assess
        expect(state).toBe(expected);
      });

      it.each([
        ['2026-03-29T00:30:00Z', 'stopped', '01:30 CET, before the gap'],
        ['2026-03-29T00:59:59Z', 'stopped', '01:59:59 CET, the last second before the gap'],
        ['2026-03-29T01:00:00Z', 'running', '03:00 CEST: 02:30 never happened, so it begins after the gap'],
        ['2026-03-29T01:59:59Z', 'running', '03:59:59 CEST'],
        ['2026-03-29T02:00:00Z', 'stopped', '04:00 CEST'],
        ['2026-03-28T01:30:00Z', 'running', 'the day before, 02:30 CET exists'],
      ])('a begintime in the spring-forward gap (02:30–04:00 Berlin): %s is %s (%s)', (at, expected) => {
        // Act
        const state = stateAt(daily('Europe/Berlin', '02:30', '04:00'), at);

        // Assess
        expect(state).toBe(expected);
      });

      it.each([
        ['2026-10-25T00:29:59Z', 'running', '02:29:59 CEST'],
        ['2026-10-25T00:30:00Z', 'stopped', '02:30 CEST, the first 02:30'],
        ['2026-10-25T01:15:00Z', 'stopped', '02:15 CET, the repeated hour: stays stopped'],
        ['2026-10-25T01:45:00Z', 'stopped', '02:45 CET'],
      ])(
        'an endtime in the repeated hour ends at its first occurrence (00:00–02:30 Berlin): %s is %s (%s)',
        (at, expected) => {
          // Act
          const state = stateAt(daily('Europe/Berlin', '00:00', '02:30'), at);

          // Assess
          expect(state).toBe(expected);
        },
      );

      it.each([
        ['2026-10-25T00:29:59Z', 'stopped', '02:29:59 CEST'],
        ['2026-10-25T00:30:00Z', 'running', '02:30 CEST, the first 02:30'],
        ['2026-10-25T01:10:00Z', 'running', '02:10 CET, the repeated hour: stays running'],
        ['2026-10-25T03:59:59Z', 'running', '04:59:59 CET'],
        ['2026-10-25T04:00:00Z', 'stopped', '05:00 CET'],
      ])(
        'a begintime in the repeated hour begins at its first occurrence (02:30–05:00 Berlin): %s is %s (%s)',
        (at, expected) => {
          // Act
          const state = stateAt(daily('Europe/Berlin', '02:30', '05:00'), at);

          // Assess
          expect(state).toBe(expected);
        },
      );

      it.each([
        ['2026-11-01T05:29:59Z', 'running', '01:29:59 EDT'],
        ['2026-11-01T05:30:00Z', 'stopped', '01:30 EDT, the first 01:30'],
        ['2026-11-01T06:15:00Z', 'stopped', '01:15 EST, the repeated hour'],
      ])('America/New_York 00:00–01:30 on the fall-back night: %s is %s (%s)', (at, expected) => {
        // Act
        const state = stateAt(daily('America/New_York', '00:00', '01:30'), at);

        // Assess
        expect(state).toBe(expected);
      });

      it.each([
        ['2026-04-04T14:44:59Z', 'running', '01:44:59 +11'],
        ['2026-04-04T14:45:00Z', 'stopped', '01:45 +11, the first 01:45'],
        ['2026-04-04T15:10:00Z', 'stopped', '01:40 +10:30, the repeated half hour'],
      ])('Australia/Lord_Howe (30-minute DST) 00:00–01:45: %s is %s (%s)', (at, expected) => {
        // Act
        const state = stateAt(daily('Australia/Lord_Howe', '00:00', '01:45'), at);

        // Assess
        expect(state).toBe(expected);
      });

      it.each([
        ['2026-04-05T02:29:59Z', 'running', 'Sat 4 Apr 23:29:59 −03'],
        ['2026-04-05T02:30:00Z', 'stopped', 'Sat 4 Apr 23:30 −03, the first 23:30'],
        ['2026-04-05T03:10:00Z', 'stopped', 'Sat 4 Apr 23:10 −04, the repeated hour before midnight'],
        ['2026-04-05T04:00:00Z', 'stopped', 'Sun 5 Apr 00:00 −04'],
      ])('America/Santiago 22:00–23:30 when clocks go back at midnight: %s is %s (%s)', (at, expected) => {
        // Act
        const state = stateAt(daily('America/Santiago', '22:00', '23:30'), at);

        // Assess
        expect(state).toBe(expected);
      });

      it.each([
        ['2026-09-06T03:59:59Z', 'stopped', 'Sat 5 Sep 23:59:59 −04'],
        ['2026-09-06T04:00:00Z', 'running', 'Sun 6 Sep 01:00 −03: 00:30 never happened'],
        ['2026-09-06T08:59:59Z', 'running', 'Sun 6 Sep 05:59:59 −03'],
        ['2026-09-06T09:00:00Z', 'stopped', 'Sun 6 Sep 06:00 −03'],
      ])('America/Santiago 00:30–06:00 when midnight is skipped: %s is %s (%s)', (at, expected) => {
        // Act
        const state = stateAt(daily('America/Santiago', '00:30', '06:00'), at);

        // Assess
        expect(state).toBe(expected);
      });

      it.each([
        ['2026-03-28T20:59:59Z', 'stopped', 'Sat 21:59:59 CET'],
        ['2026-03-28T21:00:00Z', 'running', 'Sat 22:00 CET'],
        ['2026-03-29T03:59:59Z', 'running', 'Sun 05:59:59 CEST'],
        ['2026-03-29T04:00:00Z', 'stopped', 'Sun 06:00 CEST: a 7-hour night'],
        ['2026-10-24T20:00:00Z', 'running', 'Sat 22:00 CEST'],
        ['2026-10-25T04:59:59Z', 'running', 'Sun 05:59:59 CET'],
        ['2026-10-25T05:00:00Z', 'stopped', 'Sun 06:00 CET: a 9-hour night'],
      ])('overnight 22:00–06:00 Berlin across DST changes: %s is %s (%s)', (at, expected) => {
        // Act
        const state = stateAt(daily('Europe/Berlin', '22:00', '06:00'), at);

        // Assess
        expect(state).toBe(expected);
      });

      it.each([
        ['2026-03-01T18:59:59Z', 'stopped', 'Mon 2 Mar 07:59:59 +13'],
        ['2026-03-01T19:00:00Z', 'running', 'Mon 2 Mar 08:00 +13 (still Sunday in UTC)'],
        ['2026-03-06T04:59:59Z', 'running', 'Fri 6 Mar 17:59:59 +13'],
        ['2026-03-06T05:00:00Z', 'stopped', 'Fri 6 Mar 18:00 +13'],
        ['2026-03-06T20:00:00Z', 'stopped', 'Sat 7 Mar 09:00 +13 (still Friday in UTC)'],
      ])('offset zone Etc/GMT-13 (UTC+13) office hours at %s is %s (%s)', (at, expected) => {
        // Act
        const state = stateAt(officeHours('Etc/GMT-13'), at);

        // Assess
        expect(state).toBe(expected);
      });

      it('applies the default time zone when the schedule names none', () => {
        // Prepare: 07:30Z is 08:30 in Berlin (CET) and 07:30 in UTC
        const berlin = schedule({ periods: [{ begintime: '08:00', endtime: '18:00' }] }, 'Europe/Berlin');
        const utc = schedule({ periods: [{ begintime: '08:00', endtime: '18:00' }] }, 'UTC');

        // Act
        const states = [stateAt(berlin, '2026-03-02T07:30:00Z'), stateAt(utc, '2026-03-02T07:30:00Z')];

        // Assess
        expect(berlin.timezone).toBe('Europe/Berlin');
        expect(states).toEqual(['running', 'stopped']);
      });
    });

    describe('leap years', () => {
      it.each([
        ['2028-02-29T12:00:00Z', 'running'],
        ['2028-02-28T12:00:00Z', 'stopped'],
        ['2028-03-01T12:00:00Z', 'stopped'],
        ['2026-02-28T12:00:00Z', 'stopped'],
      ])('monthdays 29 of February runs only on leap days: %s is %s', (at, expected) => {
        // Prepare
        const s = schedule({ periods: [{ monthdays: '29', months: 'feb' }] });

        // Act
        const state = stateAt(s, at);

        // Assess
        expect(state).toBe(expected);
      });

      it.each([
        ['2028-02-28T12:00:00Z', 'stopped'],
        ['2028-02-29T12:00:00Z', 'running'],
        ['2026-02-28T12:00:00Z', 'running'],
        ['2100-02-28T12:00:00Z', 'running'],
        ['2000-02-29T12:00:00Z', 'running'],
      ])('monthdays L in February is the 29th in leap years only: %s is %s', (at, expected) => {
        // Prepare
        const s = schedule({ periods: [{ monthdays: 'L', months: 'feb' }] });

        // Act
        const state = stateAt(s, at);

        // Assess
        expect(state).toBe(expected);
      });
    });

    describe('reasons and errors', () => {
      it('explains the decision with the period, the local time and the zone', () => {
        // Prepare
        const s = schedule({
          name: 'office-hours',
          timezone: 'Europe/Berlin',
          periods: [{ begintime: '08:00', endtime: '18:00', weekdays: 'mon-fri' }],
        });

        // Act
        const running = desiredState(s, new Date('2026-03-30T07:00:00Z'));
        const stopped = desiredState(s, new Date('2026-03-28T07:00:00Z'));

        // Assess
        expect(running.reason).toBe(
          'office-hours: running in period 1 (mon-fri 08:00–18:00) at Mon 2026-03-30 09:00 Europe/Berlin',
        );
        expect(stopped.reason).toBe(
          'office-hours: stopped, outside every period (period 1: mon-fri 08:00–18:00) at Sat 2026-03-28 08:00 Europe/Berlin',
        );
      });

      it('returns equal results for the same second (memoised) and a fresh object each time', () => {
        // Prepare
        const s = officeHours('UTC');

        // Act
        const first = desiredState(s, new Date('2026-03-02T09:00:00.100Z'));
        const second = desiredState(s, new Date('2026-03-02T09:00:00.900Z'));

        // Assess
        expect(second).toEqual(first);
        expect(second).not.toBe(first);
      });

      it('throws a RangeError for an invalid Date', () => {
        // Act
        const act = () => desiredState(officeHours('UTC'), new Date('nope'));

        // Assess
        expect(act).toThrow(RangeError);
      });
    });
  });
});

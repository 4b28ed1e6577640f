import { describe, expect, it } from 'vitest';
import { parseMonthdays, parseMonths, parseTimeOfDay, parseWeekdays } from '../../../lambdas/core/schedule/fields';
import { dayPeriod, runningDays } from './support';

// Calendars used (worked out from a printed calendar):
// March 2026: the 1st is a Sunday; Mondays 2, 9, 16, 23, 30; Fridays 6, 13, 20, 27; Sundays 1, 8, 15, 22, 29.
// February 2026: the 1st is a Sunday, 28 days (Saturday the 28th). February 2028: 29 days (Tuesday the 29th).
// May 2026: Fridays 1, 8, 15, 22, 29; the 31st is a Sunday. August 2026: the 1st is a Saturday, the 15th a Saturday,
// the 30th a Sunday, the 31st a Monday. January 2026: the 15th is a Thursday, the 31st a Saturday.

/** Days of the week Mon 2026-03-02 … Sun 2026-03-08 on which the period applies. */
const inFirstFullWeekOfMarch = (weekdays: string): number[] =>
  runningDays(dayPeriod({ weekdays }), 2026, 3).filter((day) => day >= 2 && day <= 8);

describe('Module: schedule grammar', () => {
  describe('Function: weekdays', () => {
    it.each([
      ['mon-fri', [2, 3, 4, 5, 6]],
      ['sat,sun', [7, 8]],
      ['fri-mon', [2, 6, 7, 8]],
      ['sun-sat', [2, 3, 4, 5, 6, 7, 8]],
      ['0-4', [2, 3, 4, 5, 6]],
      ['0', [2]],
      ['6', [8]],
      ['mon-fri/2', [2, 4, 6]],
      ['mon/2', [2, 4, 6, 8]],
      ['tue/3', [3, 6]],
      ['fri-tue/2', [3, 6, 8]],
      ['*', [2, 3, 4, 5, 6, 7, 8]],
      ['?', [2, 3, 4, 5, 6, 7, 8]],
      ['*/3', [2, 5, 8]],
      ['Monday,WEDNESDAY', [2, 4]],
      ['thurs', [5]],
      [' mon , fri ', [2, 6]],
      ['mon-mon', [2]],
      ['01-02', [3, 4]],
    ])('weekdays "%s" selects Mar %j 2026', (weekdays, expected) => {
      // Act
      const days = inFirstFullWeekOfMarch(weekdays);

      // Assess
      expect(days).toEqual(expected);
    });

    it.each([
      ['fri#3', 2026, 3, [20]],
      ['fri#5', 2026, 3, []],
      ['fri#5', 2026, 5, [29]],
      ['4#2', 2026, 3, [13]],
      ['mon#1', 2026, 3, [2]],
      ['friL', 2026, 3, [27]],
      ['friL', 2026, 5, [29]],
      ['sunL', 2026, 3, [29]],
      ['0L', 2026, 3, [30]],
      ['FRIl', 2026, 3, [27]],
      ['mon#1,friL', 2026, 3, [2, 27]],
      ['sat,sun#1', 2026, 2, [1, 7, 14, 21, 28]],
    ])('weekdays "%s" selects in %i-%i the days %j', (weekdays, year, month, expected) => {
      // Act
      const days = runningDays(dayPeriod({ weekdays }), year, month);

      // Assess
      expect(days).toEqual(expected);
    });

    it.each([
      ['mon-fry', '"fry" is not a weekday'],
      ['7', '7 is not a weekday number'],
      ['L', 'a bare "L" is ambiguous'],
      ['fri#6', 'the occurrence after "#" must be 1-5'],
      ['fri#0', 'the occurrence after "#" must be 1-5'],
      ['mon/0', 'the step must be ≥ 1'],
      ['mon/x', 'the step "x" after "/" must be a whole number'],
      ['mon,,fri', 'has an empty item'],
      ['', 'is empty'],
      ['mo', '"mo" is not a weekday'],
      ['monkey', '"monkey" is not a weekday'],
    ])('rejects weekdays "%s" saying %s', (text, message) => {
      // Act
      const result = parseWeekdays(text);

      // Assess
      expect(result.ok).toBe(false);
      expect(result.ok ? '' : result.error).toContain(message);
    });
  });

  describe('Function: monthdays', () => {
    it.each([
      ['1-7', 2026, 3, [1, 2, 3, 4, 5, 6, 7]],
      ['L', 2026, 2, [28]],
      ['L', 2028, 2, [29]],
      ['L', 2024, 2, [29]],
      ['L', 2100, 2, [28]],
      ['L', 2000, 2, [29]],
      ['L', 2026, 4, [30]],
      ['20-L', 2026, 2, [20, 21, 22, 23, 24, 25, 26, 27, 28]],
      ['27-L', 2026, 4, [27, 28, 29, 30]],
      ['1/7', 2026, 2, [1, 8, 15, 22]],
      ['1/7', 2026, 3, [1, 8, 15, 22, 29]],
      ['1/14', 2026, 3, [1, 15, 29]],
      ['1/14', 2026, 2, [1, 15]],
      ['1/14', 2028, 2, [1, 15, 29]],
      ['10/10', 2026, 3, [10, 20, 30]],
      ['10/10', 2026, 2, [10, 20]],
      ['1-15/2', 2026, 3, [1, 3, 5, 7, 9, 11, 13, 15]],
      ['20-L/5', 2026, 3, [20, 25, 30]],
      ['31', 2026, 4, []],
      ['31', 2026, 3, [31]],
      ['29', 2026, 2, []],
      ['29', 2028, 2, [29]],
      ['28-31', 2026, 2, [28]],
      ['28-31', 2026, 4, [28, 29, 30]],
      ['1,15', 2026, 3, [1, 15]],
      ['*/10', 2026, 3, [1, 11, 21, 31]],
      ['05', 2026, 3, [5]],
    ])('monthdays "%s" selects in %i-%i the days %j', (monthdays, year, month, expected) => {
      // Act
      const days = runningDays(dayPeriod({ monthdays }), year, month);

      // Assess
      expect(days).toEqual(expected);
    });

    it.each([
      // 15W: the 15th when it is a weekday, else the nearest weekday in the same month.
      ['15W', 2026, 1, [15], 'Thursday the 15th'],
      ['15W', 2026, 3, [16], 'Sunday the 15th → Monday the 16th'],
      ['15W', 2026, 8, [14], 'Saturday the 15th → Friday the 14th'],
      ['1W', 2026, 8, [3], 'Saturday the 1st → Monday the 3rd (never the previous month)'],
      ['1W', 2026, 2, [2], 'Sunday the 1st → Monday the 2nd'],
      ['31W', 2026, 5, [29], 'Sunday the 31st, last day → Friday the 29th (never the next month)'],
      ['31W', 2026, 1, [30], 'Saturday the 31st → Friday the 30th'],
      ['31W', 2026, 4, [], 'no 31st in April'],
      ['30W', 2026, 8, [31], 'Sunday the 30th, not the last day → Monday the 31st'],
      ['30W', 2026, 11, [30], 'Monday the 30th'],
      ['LW', 2026, 2, [27], 'last day Saturday the 28th → Friday the 27th'],
      ['LW', 2026, 5, [29], 'last day Sunday the 31st → Friday the 29th'],
      ['LW', 2026, 3, [31], 'last day Tuesday the 31st'],
      ['15w', 2026, 3, [16], 'lower-case w'],
    ])('monthdays "%s" in %i-%i selects %j (%s)', (monthdays, year, month, expected) => {
      // Act
      const days = runningDays(dayPeriod({ monthdays }), year, month);

      // Assess
      expect(days).toEqual(expected);
    });

    it.each([
      ['0', '0 is not a day of the month'],
      ['32', '32 is not a day of the month'],
      ['15-1', 'monthday ranges do not wrap'],
      ['L-5', 'a range cannot start at L'],
      ['L/2', '"L" cannot take a step'],
      ['1/0', 'the step must be ≥ 1'],
      ['mon', '"mon" is not a day of the month'],
      ['32W', '32 is not a day of the month'],
    ])('rejects monthdays "%s" saying %s', (text, message) => {
      // Act
      const result = parseMonthdays(text);

      // Assess
      expect(result.ok).toBe(false);
      expect(result.ok ? '' : result.error).toContain(message);
    });

    it.each([
      [1, 31],
      [2, 28],
      [3, 31],
      [4, 30],
      [5, 31],
      [6, 30],
      [7, 31],
      [8, 31],
      [9, 30],
      [10, 31],
      [11, 30],
      [12, 31],
    ])('monthdays "L" selects only the last day of month %i of 2026 (the %i)', (month, last) => {
      // Act
      const days = runningDays(dayPeriod({ monthdays: 'L' }), 2026, month);

      // Assess
      expect(days).toEqual([last]);
    });
  });

  describe('Function: months', () => {
    /** Months of 2026 whose 15th the period applies on. */
    const monthsOf = (months: string | string[] | number): number[] => {
      const s = dayPeriod({ months });
      return [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].filter((m) => runningDays(s, 2026, m).includes(15));
    };

    it.each([
      ['jan-mar', [1, 2, 3]],
      ['nov-feb', [1, 2, 11, 12]],
      ['dec-jan', [1, 12]],
      ['4', [4]],
      ['jan/3', [1, 4, 7, 10]],
      ['1-6/2', [1, 3, 5]],
      ['oct/4', [10]],
      ['nov-feb/2', [1, 11]],
      ['September', [9]],
      ['sept', [9]],
      ['*', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]],
      ['*/6', [1, 7]],
      ['JAN,jul', [1, 7]],
    ])('months "%s" selects %j', (months, expected) => {
      // Act
      const selected = monthsOf(months);

      // Assess
      expect(selected).toEqual(expected);
    });

    it('accepts a list of strings (Instance Scheduler string sets) and a bare number', () => {
      // Act
      const fromList = monthsOf(['jan', 'mar-apr']);
      const fromNumber = monthsOf(4);

      // Assess
      expect(fromList).toEqual([1, 3, 4]);
      expect(fromNumber).toEqual([4]);
    });

    it.each([
      ['13', '13 is not a month number'],
      ['0', '0 is not a month number'],
      ['jam', '"jam" is not a month'],
      ['jan/', 'the step "" after "/" must be a whole number'],
    ])('rejects months "%s" saying %s', (text, message) => {
      // Act
      const result = parseMonths(text);

      // Assess
      expect(result.ok).toBe(false);
      expect(result.ok ? '' : result.error).toContain(message);
    });
  });

  describe('Function: combined day fields', () => {
    it('combines weekdays, monthdays and months with AND', () => {
      // Prepare: weekdays of the first seven days of March only
      const s = dayPeriod({ weekdays: 'mon-fri', monthdays: '1-7', months: 'mar' });

      // Act
      const march = runningDays(s, 2026, 3);
      const april = runningDays(s, 2026, 4);

      // Assess: 1 March 2026 is a Sunday, 7 March a Saturday
      expect(march).toEqual([2, 3, 4, 5, 6]);
      expect(april).toEqual([]);
    });

    it('finds Friday the 13th', () => {
      // Prepare
      const s = dayPeriod({ weekdays: 'fri', monthdays: '13' });

      // Act
      const byMonth = [1, 2, 3, 11].map((month) => runningDays(s, 2026, month));

      // Assess: 13 Jan 2026 is a Tuesday; 13 Feb, 13 Mar and 13 Nov 2026 are Fridays
      expect(byMonth).toEqual([[], [13], [13], [13]]);
    });
  });

  describe('Function: parseTimeOfDay', () => {
    it.each([
      ['08:00', false, 8 * 3600],
      ['8:00', false, 8 * 3600],
      ['00:00', false, 0],
      ['23:59', false, 23 * 3600 + 59 * 60],
      ['17:30:15', false, 17 * 3600 + 30 * 60 + 15],
      ['24:00', true, 86_400],
    ])('reads "%s" (end of day allowed: %s) as %i seconds after midnight', (text, endOfDay, expected) => {
      // Act
      const result = parseTimeOfDay(text, endOfDay);

      // Assess
      expect(result).toEqual({ ok: true, value: expected });
    });

    it.each([
      ['24:00', false, 'only allowed as an endtime'],
      ['25:00', true, 'hours must be 00-23'],
      ['12:60', false, 'minutes must be 00-59'],
      ['12:00:60', false, 'seconds must be 00-59'],
      ['8am', false, 'is not a time'],
      ['0800', false, 'is not a time'],
    ])('rejects "%s" (end of day allowed: %s) saying %s', (text, endOfDay, message) => {
      // Act
      const result = parseTimeOfDay(text, endOfDay);

      // Assess
      expect(result.ok).toBe(false);
      expect(result.ok ? '' : result.error).toContain(message);
    });
  });
});

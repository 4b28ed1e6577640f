import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  InvalidReportPeriodError,
  inPeriod,
  MAX_REPORT_DAYS,
  reportPeriod,
  utcDayOf,
} from '../../../lambdas/core/report/period';

describe('Module: report period', () => {
  describe('Function: reportPeriod', () => {
    it('lists every day from --from to --to, both included, across a month end', () => {
      // Prepare
      const from = '2026-02-27';
      const to = '2026-03-02';

      // Act
      const period = reportPeriod(from, to);

      // Assess
      expect(period.days).toEqual(['2026-02-27', '2026-02-28', '2026-03-01', '2026-03-02']);
      expect(period.startIso).toBe('2026-02-27T00:00:00.000Z');
      expect(period.endIso).toBe('2026-03-03T00:00:00.000Z');
    });

    it.each([
      ['2026-02-29', '2026-03-01', /--from "2026-02-29" is not a calendar day/],
      ['2026-3-1', '2026-03-01', /--from "2026-3-1" is not a calendar day; expected YYYY-MM-DD/],
      ['2026-03-01', 'tomorrow', /--to "tomorrow" is not a calendar day/],
      ['2026-03-02', '2026-03-01', /--to 2026-03-01 is before --from 2026-03-02/],
      ['2025-01-01', '2026-01-02', /has 367 days; at most 366 days are allowed/],
    ])('rejects %s … %s', (from, to, message) => {
      // Prepare, Act
      const act = () => reportPeriod(from, to);

      // Assess
      expect(act).toThrow(InvalidReportPeriodError);
      expect(act).toThrow(message);
    });

    it('gives consecutive days whose count is the span plus one for any valid pair (property)', () => {
      // Prepare
      const day0 = Date.UTC(2020, 0, 1);
      const arbitrary = fc.tuple(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 0, max: MAX_REPORT_DAYS - 1 }));

      // Act, Assess
      fc.assert(
        fc.property(arbitrary, ([offset, span]) => {
          const from = new Date(day0 + offset * 86_400_000).toISOString().slice(0, 10);
          const to = new Date(day0 + (offset + span) * 86_400_000).toISOString().slice(0, 10);
          const period = reportPeriod(from, to);
          expect(period.days.length).toBe(span + 1);
          expect(period.days[0]).toBe(from);
          expect(period.days.at(-1)).toBe(to);
          for (let i = 1; i < period.days.length; i += 1) {
            expect(Date.parse(period.days[i]!) - Date.parse(period.days[i - 1]!)).toBe(86_400_000);
          }
        }),
      );
    });
  });

  describe('Function: inPeriod', () => {
    it('includes the first instant and excludes the exclusive end; compares instants, not strings', () => {
      // Prepare
      const period = reportPeriod('2026-11-23', '2026-11-25');

      // Act
      const results = [
        inPeriod(period, '2026-11-23T00:00:00.000Z'),
        inPeriod(period, '2026-11-25T23:59:59.999Z'),
        inPeriod(period, '2026-11-26T00:00:00.000Z'),
        inPeriod(period, '2026-11-26T00:30:00+01:00'),
        inPeriod(period, 'not a time'),
      ];

      // Assess
      expect(results).toEqual([true, true, false, true, false]);
    });
  });

  describe('Function: utcDayOf', () => {
    it('gives the UTC day of a time with an offset', () => {
      // Prepare, Act
      const day = utcDayOf('2026-11-24T00:30:00+02:00');

      // Assess
      expect(day).toBe('2026-11-23');
      expect(utcDayOf('garbage')).toBeUndefined();
    });
  });
});

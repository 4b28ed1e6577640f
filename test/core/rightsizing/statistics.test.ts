import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  daysWithData,
  expectedDays,
  mean,
  percentile,
  windowStatistic,
} from '../../../lambdas/core/rightsizing/statistics';

describe('Module: statistics', () => {
  describe('Function: percentile', () => {
    it.each([
      // nearest rank: sorted[ceil(p/100 × n) − 1]
      [[...Array(20).keys()].map((i) => i + 1), 95, 19],
      [[...Array(20).keys()].map((i) => i + 1), 90, 18],
      [[3, 1, 2], 50, 2],
      [[5, 40, 10, 7], 95, 40],
      [[7], 95, 7],
      [[1, 2, 3], 0, 1],
      [[1, 2, 3], 100, 3],
    ])('percentile(%j, %d) = %d', (values, p, expected) => {
      // Act / Assess
      expect(percentile(values, p)).toBe(expected);
    });

    it('is undefined for no values and rejects p outside 0..100', () => {
      // Act / Assess
      expect(percentile([], 95)).toBeUndefined();
      expect(() => percentile([1], 101)).toThrow(RangeError);
    });

    it('always returns one of the values, between min and max, and never decreases with p', () => {
      // Act / Assess
      fc.assert(
        fc.property(
          fc.array(fc.double({ min: 0, max: 100, noNaN: true }), { minLength: 1 }),
          fc.integer({ min: 0, max: 99 }),
          (values, p) => {
            const low = percentile(values, p)!;
            const high = percentile(values, p + 1)!;
            expect(values).toContain(low);
            expect(low).toBeLessThanOrEqual(high);
            expect(low).toBeGreaterThanOrEqual(Math.min(...values));
          },
        ),
      );
    });
  });

  describe('Function: windowStatistic', () => {
    it('is the highest daily value', () => {
      // Act / Assess
      expect(
        windowStatistic([
          { timestamp: '2026-11-02T00:00:00Z', value: 10 },
          { timestamp: '2026-11-03T00:00:00Z', value: 35 },
          { timestamp: '2026-11-04T00:00:00Z', value: 20 },
        ]),
      ).toBe(35);
      expect(windowStatistic([])).toBeUndefined();
    });
  });

  describe('Function: mean', () => {
    it('averages', () => {
      // Act / Assess
      expect(mean([2, 4, 9])).toBe(5);
      expect(mean([])).toBeUndefined();
    });
  });

  describe('Function: daysWithData', () => {
    it('counts distinct UTC dates inside the window only', () => {
      // Act
      const days = daysWithData(
        [
          { timestamp: '2026-11-02T00:00:00Z', value: 1 },
          { timestamp: '2026-11-02T13:00:00Z', value: 1 },
          { timestamp: '2026-11-03T00:00:00Z', value: 1 },
          { timestamp: '2026-11-16T00:00:00Z', value: 1 },
        ],
        new Date('2026-11-02T00:00:00Z'),
        new Date('2026-11-16T00:00:00Z'),
      );

      // Assess
      expect([...days].sort()).toEqual(['2026-11-02', '2026-11-03']);
    });
  });

  describe('Function: expectedDays', () => {
    it('counts 10 weekdays and 14 days in the two weeks from Monday 2026-11-02', () => {
      // Prepare
      const start = new Date('2026-11-02T00:00:00Z');
      const end = new Date('2026-11-16T00:00:00Z');

      // Act / Assess
      expect(expectedDays(start, end, [0, 1, 2, 3, 4])).toBe(10);
      expect(expectedDays(start, end, [0, 1, 2, 3, 4, 5, 6])).toBe(14);
      expect(expectedDays(start, end, [5, 6])).toBe(4);
    });
  });
});

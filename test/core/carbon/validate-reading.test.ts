import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CarbonReading } from '../../../lambdas/core/carbon/reading';
import { intensityProblem, readingProblem } from '../../../lambdas/core/carbon/validate-reading';

const NOW = new Date('2024-03-06T19:20:00Z');

function reading(overrides: Partial<CarbonReading> = {}): CarbonReading {
  return {
    region: 'eu-central-1',
    zone: 'DE',
    provider: 'electricitymaps',
    signal: 'average',
    gCO2ePerKWh: 300,
    observedAt: '2024-03-06T19:00:00.000Z',
    fetchedAt: NOW.toISOString(),
    isEstimated: false,
    isForecast: false,
    ...overrides,
  };
}

describe('Module: validate-reading', () => {
  describe('Function: intensityProblem', () => {
    it.each([
      [undefined, 'is missing'],
      [null, 'is missing'],
      ['216', 'is not a number'],
      [Number.NaN, 'is not a number'],
      [-5, 'is negative'],
      [3000.5, 'above 3000'],
      [12_000, 'above 3000'],
    ])('rejects %s (%s)', (value, phrase) => {
      // Act
      const problem = intensityProblem(value);

      // Assess
      expect(problem?.kind).toBe('invalid-value');
      expect(problem?.message).toContain(phrase);
    });

    it('accepts 0 (a marginal rate during curtailment) and 3000 exactly', () => {
      // Assess
      expect(intensityProblem(0)).toBeUndefined();
      expect(intensityProblem(3000)).toBeUndefined();
    });

    it('accepts every finite value from 0 to 3000 and rejects every one outside', () => {
      // Assess
      fc.assert(
        fc.property(fc.double({ min: 0, max: 3000, noNaN: true }), (value) => intensityProblem(value) === undefined),
      );
      fc.assert(
        fc.property(
          fc.oneof(fc.double({ max: -Number.MIN_VALUE, noNaN: true }), fc.double({ min: 3000.000001, noNaN: true })),
          (value) => intensityProblem(value) !== undefined,
        ),
      );
    });
  });

  describe('Function: readingProblem', () => {
    it('accepts a 20-minute-old reading', () => {
      // Assess
      expect(readingProblem(reading(), NOW)).toBeUndefined();
    });

    it('rejects a reading from the future beyond the 300 s tolerance, and accepts one within it', () => {
      // Prepare
      const future = reading({ observedAt: '2024-03-06T20:20:00.000Z' });
      const skewed = reading({ observedAt: '2024-03-06T19:24:00.000Z' });

      // Act
      const problem = readingProblem(future, NOW);

      // Assess
      expect(problem).toEqual({
        kind: 'future',
        message: 'observedAt 2024-03-06T20:20:00.000Z is 3600 s in the future (tolerance 300 s)',
      });
      expect(readingProblem(skewed, NOW)).toBeUndefined();
    });

    it('rejects a reading older than the maximum age (7,200 s by default)', () => {
      // Prepare: observed 3 h before now.
      const old = reading({ observedAt: '2024-03-06T16:20:00.000Z' });

      // Act
      const problem = readingProblem(old, NOW);

      // Assess
      expect(problem).toEqual({ kind: 'stale', message: 'reading is 10800 s old, older than the 7200 s limit' });
      expect(readingProblem(old, NOW, { maxAgeSeconds: 4 * 3600 })).toBeUndefined();
    });

    it('never calls a static reading stale', () => {
      // Prepare
      const old = reading({ provider: 'static', observedAt: '2020-01-01T00:00:00.000Z' });

      // Assess
      expect(readingProblem(old, NOW)).toBeUndefined();
    });

    it('rejects an observedAt that is not a time', () => {
      // Act
      const problem = readingProblem(reading({ observedAt: 'yesterday' }), NOW);

      // Assess
      expect(problem?.kind).toBe('malformed');
    });
  });
});

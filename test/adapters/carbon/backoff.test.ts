import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fullJitterDelayMs, parseRetryAfterMs } from '../../../lambdas/adapters/carbon/backoff';

const NOW = new Date('2015-10-21T07:28:00Z');

describe('Module: backoff', () => {
  describe('Function: parseRetryAfterMs', () => {
    it.each([
      ['120', 120_000],
      [' 0 ', 0],
      ['Wed, 21 Oct 2015 07:28:30 GMT', 30_000],
      ['Wed, 21 Oct 2015 07:00:00 GMT', 0],
    ])('reads %j as %d ms', (header, ms) => {
      // Assess
      expect(parseRetryAfterMs(header, NOW)).toBe(ms);
    });

    it.each([null, undefined, '', 'soon', '1.5', '-3'])('ignores %j', (header) => {
      // Assess
      expect(parseRetryAfterMs(header, NOW)).toBeUndefined();
    });

    it('never returns a negative or non-integer-second wait for any input', () => {
      // Assess
      fc.assert(
        fc.property(fc.string(), (header) => {
          const ms = parseRetryAfterMs(header, NOW);
          return ms === undefined || (ms >= 0 && Number.isFinite(ms));
        }),
      );
    });
  });

  describe('Function: fullJitterDelayMs', () => {
    it('draws uniformly below min(cap, base × 2^attempt)', () => {
      // Assess: base 250 ms → ceilings 250, 500, 1000, 2000, then the 4000 cap.
      expect(fullJitterDelayMs(0, () => 0.5, 250, 4000)).toBe(125);
      expect(fullJitterDelayMs(2, () => 0.999, 250, 4000)).toBe(999);
      expect(fullJitterDelayMs(10, () => 0.5, 250, 4000)).toBe(2000);
      expect(fullJitterDelayMs(3, () => 0, 250, 4000)).toBe(0);
      fc.assert(
        fc.property(fc.nat(30), fc.double({ min: 0, max: 0.9999999, noNaN: true }), (attempt, r) => {
          const delay = fullJitterDelayMs(attempt, () => r, 250, 4000);
          return delay >= 0 && delay < Math.min(4000, 250 * 2 ** attempt);
        }),
      );
    });
  });
});

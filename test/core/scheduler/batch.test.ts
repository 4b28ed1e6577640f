import { describe, expect, it } from 'vitest';
import { errorCode, runBatched } from '../../../lambdas/core/scheduler/batch';

class AwsError extends Error {
  constructor(code: string) {
    super(`${code} happened`);
    this.name = code;
  }
}

const ids = (n: number) => Array.from({ length: n }, (_, i) => `i-${String(i).padStart(4, '0')}`);

describe('Module: batch', () => {
  describe('Function: runBatched', () => {
    it('sends at most maxPerCall ids per call', async () => {
      // Prepare
      const seen: number[] = [];

      // Act
      const outcome = await runBatched(ids(2500), async (chunk) => {
        seen.push(chunk.length);
      });

      // Assess
      expect(seen).toEqual([1000, 1000, 500]);
      expect(outcome.succeeded).toHaveLength(2500);
      expect(outcome.failed.size).toBe(0);
      expect(outcome.calls).toBe(3);
    });

    it('a call the fleet sent in part (rate pacing): the sent ids succeed, the rest and later chunks are carried', async () => {
      // Prepare: 2,500 ids in chunks of 1,000; the fleet's bucket lets 700 of the first chunk through, then carries
      // 300 of it; the second and third chunks are never attempted. By hand: 700 succeeded, 1,800 skipped, 1 call.
      const calls: number[] = [];
      const partly = Object.assign(new Error('300 of 1000 instances carried to the next tick (rate); 700 sent'), {
        name: 'RequestLimitExceeded',
      });

      // Act
      const outcome = await runBatched(ids(2500), async (chunk) => {
        calls.push(chunk.length);
        throw Object.assign(partly, { done: chunk.slice(0, 700), carried: chunk.slice(700) });
      });

      // Assess
      expect(calls).toEqual([1000]);
      expect(outcome.succeeded).toEqual(ids(700));
      expect(outcome.skipped).toEqual(ids(2500).slice(700));
      expect(outcome.failed.size).toBe(0);
      expect(outcome.carriedReason).toBe('300 of 1000 instances carried to the next tick (rate); 700 sent');
    });

    it('bisects a failing call to isolate the one bad instance', async () => {
      // Prepare: 8 ids, i-0005 fails; calls: [8] ✗ → [4] ✓ [4] ✗ → [2] ✗ → [1] ✓ [1] ✗ ... by hand:
      // 8✗, 0-3✓, 4-7✗, 4-5✗, 4✓, 5✗, 6-7✓ = 7 calls
      const calls: string[][] = [];
      const bad = 'i-0005';

      // Act
      const outcome = await runBatched(ids(8), async (chunk) => {
        calls.push(chunk);
        if (chunk.includes(bad)) throw new AwsError('InsufficientInstanceCapacity');
      });

      // Assess
      expect(calls.map((c) => c.length)).toEqual([8, 4, 4, 2, 1, 1, 2]);
      expect([...outcome.failed.keys()]).toEqual([bad]);
      expect(outcome.failed.get(bad)).toEqual({
        code: 'InsufficientInstanceCapacity',
        message: 'InsufficientInstanceCapacity happened',
      });
      expect(outcome.succeeded.sort()).toEqual(ids(8).filter((id) => id !== bad));
      expect(outcome.calls).toBe(7);
    });

    it('does not bisect region-wide errors: every id fails with one call', async () => {
      // Act
      const outcome = await runBatched(ids(6), async () => {
        throw new AwsError('RequestLimitExceeded');
      });

      // Assess
      expect(outcome.calls).toBe(1);
      expect(outcome.failed.size).toBe(6);
      expect(outcome.succeeded).toEqual([]);
    });

    it('makes no call for no ids', async () => {
      // Act
      const outcome = await runBatched([], async () => {
        throw new Error('must not be called');
      });

      // Assess
      expect(outcome.calls).toBe(0);
    });
  });

  describe('Function: errorCode', () => {
    it('reads the AWS code from name, code or Code', () => {
      // Act & Assess
      expect(errorCode(new AwsError('IncorrectInstanceState'))).toBe('IncorrectInstanceState');
      expect(errorCode({ code: 'ECONNRESET' })).toBe('ECONNRESET');
      expect(errorCode({ Code: 'Unsupported', name: 'Error' })).toBe('Unsupported');
      expect(errorCode(new Error('plain'))).toBe('UnknownError');
      expect(errorCode('text')).toBe('UnknownError');
    });
  });
});

import { describe, expect, it } from 'vitest';
import { summariseResult } from '../../../lambdas/core/jobs/result-summary';

describe('Module: result-summary', () => {
  describe('Function: summariseResult', () => {
    it('keeps a small object, wraps other values', () => {
      // Act / Assess
      expect(summariseResult({ rows: 12 })).toEqual({ rows: 12 });
      expect(summariseResult(42)).toEqual({ value: 42 });
      expect(summariseResult([1, 2])).toEqual({ value: [1, 2] });
      expect(summariseResult(undefined)).toEqual({ value: null });
    });

    it('cuts a summary that is too large to a preview', () => {
      // Prepare: {"text":"xxxx…"} is 11 + 100 = 111 bytes.
      const big = { text: 'x'.repeat(100) };

      // Act
      const summary = summariseResult(big, 50);

      // Assess
      expect(summary).toMatchObject({ truncated: true, bytes: 111 });
      expect(summary.preview).toBe(JSON.stringify(big));
    });

    it('reports an unserialisable value instead of throwing', () => {
      // Prepare
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;

      // Act
      const summary = summariseResult(cyclic);

      // Assess
      expect(summary.unserialisable).toMatch(/circular/i);
    });
  });
});

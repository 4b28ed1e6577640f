import { describe, expect, it } from 'vitest';
import type { ScheduleEvaluation } from '../../../lambdas/core/schedule/evaluate';
import { applyOverride } from '../../../lambdas/core/schedule/override';
import { parseOverrideTag } from '../../../lambdas/core/schedule/tags';

const NOW = new Date('2026-11-22T12:00:00Z');
const running: ScheduleEvaluation = {
  state: 'running',
  period: 'period 1',
  instanceType: 'm7g.large',
  reason: 'in period',
};

describe('Module: schedule override', () => {
  describe('Function: applyOverride', () => {
    it('replaces the state while the override is active', () => {
      // Act
      const result = applyOverride(running, parseOverrideTag('stopped until 2026-11-22T18:00Z', NOW));

      // Assess
      expect(result).toEqual({
        state: 'stopped',
        reason: 'ScheduleOverride tag: stopped until 2026-11-22T18:00:00.000Z (the schedule says running)',
      });
    });

    it('keeps the schedule when the override has expired, and says so', () => {
      // Act
      const result = applyOverride(running, parseOverrideTag('stopped until 2026-11-22T11:00Z', NOW));

      // Assess
      expect(result.state).toBe('running');
      expect(result.instanceType).toBe('m7g.large');
      expect(result.reason).toBe('in period; ScheduleOverride stopped until 2026-11-22T11:00:00.000Z has expired');
    });

    it('ignores a malformed tag (never acts on it) and keeps its reason', () => {
      // Act
      const result = applyOverride(running, parseOverrideTag('pause', NOW));

      // Assess
      expect(result.state).toBe('running');
      expect(result.reason).toContain('ignored ScheduleOverride');
    });

    it('returns the evaluation unchanged without a tag', () => {
      // Act
      const absent = applyOverride(running, parseOverrideTag(undefined, NOW));
      const notGiven = applyOverride(running, undefined);

      // Assess
      expect(absent).toEqual(running);
      expect(notGiven).toEqual(running);
    });
  });
});

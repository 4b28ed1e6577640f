import { describe, expect, it } from 'vitest';
import { mergeWithPrevious } from '../../../lambdas/core/rightsizing/merge';
import type { RightsizingRecommendation } from '../../../lambdas/core/rightsizing/recommendation';

const base: RightsizingRecommendation = {
  recommendationId: 'i-0aaa1111:m5.2xlarge->m5.xlarge',
  region: 'us-east-1',
  instanceId: 'i-0aaa1111',
  mode: 'auto',
  currentInstanceType: 'm5.2xlarge',
  outcome: 'downsize',
  reason: 'r',
  monthlyHours: 217.26,
  monthlyHoursBasis: 'built-in',
  monthlySavingsUsd: 41.71,
  monthlySavingsGCO2e: 242,
  gCO2ePerKWh: 400,
  carbonSource: 'test',
  status: 'pending-apply',
  createdAt: '2026-11-16T03:30:00.000Z',
  updatedAt: '2026-11-16T03:30:00.000Z',
};
const next = { ...base, createdAt: '2026-11-17T03:30:00.000Z', updatedAt: '2026-11-17T03:30:00.000Z' };

describe('Module: merge', () => {
  describe('Function: mergeWithPrevious', () => {
    it('keeps createdAt of the same advice and takes the fresh status', () => {
      // Act
      const merged = mergeWithPrevious(next, base);

      // Assess
      expect(merged.createdAt).toBe('2026-11-16T03:30:00.000Z');
      expect(merged.updatedAt).toBe('2026-11-17T03:30:00.000Z');
      expect(merged.status).toBe('pending-apply');
    });

    it('keeps a dismissal of the same advice', () => {
      // Act
      const merged = mergeWithPrevious(next, {
        ...base,
        status: 'dismissed',
        dismissedAt: '2026-11-16T09:00:00.000Z',
        dismissReason: 'needs the memory at month end',
      });

      // Assess
      expect(merged.status).toBe('dismissed');
      expect(merged.dismissReason).toBe('needs the memory at month end');
    });

    it('never re-queues a reverted auto-apply', () => {
      // Act
      const merged = mergeWithPrevious(next, {
        ...base,
        status: 'reverted',
        revertedAt: '2026-11-16T08:00:00.000Z',
        revertReason: 'InsufficientInstanceCapacity',
      });

      // Assess
      expect(merged.status).toBe('reverted');
      expect(merged.statusReason).toBe(
        'auto-apply was reverted on 2026-11-16T08:00:00.000Z: InsufficientInstanceCapacity; not retried automatically',
      );
    });

    it('moves on after an applied resize and remembers it', () => {
      // Prepare
      const applied = {
        ...base,
        status: 'applied' as const,
        appliedAt: '2026-11-16T18:00:00.000Z',
        applyDetails: { fromInstanceType: 'm5.2xlarge', toInstanceType: 'm5.xlarge' },
      };
      const fresh = {
        ...next,
        recommendationId: 'i-0aaa1111:m5.xlarge->none',
        currentInstanceType: 'm5.xlarge',
        outcome: 'no-change' as const,
      };

      // Act
      const merged = mergeWithPrevious(fresh, applied);

      // Assess
      expect(merged.outcome).toBe('no-change');
      expect(merged.lastApplied).toEqual({
        at: '2026-11-16T18:00:00.000Z',
        fromInstanceType: 'm5.2xlarge',
        toInstanceType: 'm5.xlarge',
      });
      expect(merged.createdAt).toBe(next.createdAt);
    });

    it('returns the fresh record when there is none stored', () => {
      // Act / Assess
      expect(mergeWithPrevious(next, undefined)).toBe(next);
    });
  });
});

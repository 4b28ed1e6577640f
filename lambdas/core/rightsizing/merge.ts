import { isActionable, type RightsizingRecommendation } from './recommendation';

/**
 * Combine a fresh recommendation with the stored one for the same instance, so people's and the executor's
 * decisions survive the daily re-analysis:
 * - same advice (`recommendationId`) → keep `createdAt`;
 * - stored `dismissed` with the same advice → stays `dismissed`;
 * - stored `reverted` with the same advice → stays `reverted` (an auto-apply that failed is not retried);
 * - stored `applied` → the fresh analysis of the new type wins, and `lastApplied` records the resize;
 * - `lastApplied` is carried forward.
 */
export function mergeWithPrevious(
  next: RightsizingRecommendation,
  previous: RightsizingRecommendation | undefined,
): RightsizingRecommendation {
  if (!previous) return next;
  const lastApplied =
    previous.status === 'applied' && previous.appliedAt && previous.applyDetails
      ? {
          at: previous.appliedAt,
          fromInstanceType: previous.applyDetails.fromInstanceType,
          toInstanceType: previous.applyDetails.toInstanceType,
        }
      : previous.lastApplied;
  const carried = { ...next, ...(lastApplied ? { lastApplied } : {}) };
  if (previous.recommendationId !== next.recommendationId) return carried;
  const sameAdvice = { ...carried, createdAt: previous.createdAt };
  if (!isActionable(next)) return sameAdvice;
  if (previous.status === 'dismissed') {
    return {
      ...sameAdvice,
      status: 'dismissed',
      statusReason: previous.statusReason ?? 'dismissed',
      ...(previous.dismissedAt ? { dismissedAt: previous.dismissedAt } : {}),
      ...(previous.dismissReason ? { dismissReason: previous.dismissReason } : {}),
    };
  }
  if (previous.status === 'reverted') {
    return {
      ...sameAdvice,
      status: 'reverted',
      statusReason: `auto-apply was reverted${previous.revertedAt ? ` on ${previous.revertedAt}` : ''}: ${
        previous.revertReason ?? 'start failed'
      }; not retried automatically`,
      ...(previous.revertedAt ? { revertedAt: previous.revertedAt } : {}),
      ...(previous.revertReason ? { revertReason: previous.revertReason } : {}),
    };
  }
  return sameAdvice;
}

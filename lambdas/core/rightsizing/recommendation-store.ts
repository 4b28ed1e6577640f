import type { AppliedDetails, RightsizingRecommendation } from './recommendation';

/** A pending automatic resize, as the scheduler's executor needs it. */
export interface PendingResize {
  readonly targetInstanceType: string;
  readonly recommendationId: string;
  /** The type the recommendation was computed for; skip the resize if the instance no longer has it. */
  readonly fromInstanceType: string;
}

/** A recommendation that does not exist (markApplied/markReverted/dismiss on an unknown instance). */
export class RecommendationNotFoundError extends Error {
  constructor(
    readonly region: string,
    readonly instanceId: string,
  ) {
    super(`no rightsizing recommendation for ${instanceId} in ${region}; the rightsizer has not analysed it yet`);
    this.name = 'RecommendationNotFoundError';
  }
}

/**
 * Storage of rightsizing recommendations, one per (region, instance). Implementations:
 * `InMemoryRecommendationStore` and `DynamoDbRecommendationStore` (lambdas/adapters/dynamodb/recommendation-store.ts;
 * item family `RIGHTSIZING#<region>` / `<instanceId>`, plus `RIGHTSIZING#<region>` / `PENDING#<instanceId>` markers
 * so the executor reads only pending resizes).
 *
 * Contract for the scheduler's executor: call `pendingAutoResizes(region)` once per run; when it stops such an
 * instance for its schedule, modify the type, then `markApplied`; if the next start fails with the new type, put the
 * old type back and `markReverted`. Both remove the pending marker.
 */
export interface RecommendationStore {
  /** Insert or replace the recommendation of `rec.instanceId` (and add/remove its pending marker). */
  put(rec: RightsizingRecommendation): Promise<void>;
  /** `put` for many (batched). */
  putMany(recs: readonly RightsizingRecommendation[]): Promise<void>;
  get(region: string, instanceId: string): Promise<RightsizingRecommendation | undefined>;
  /** Every recommendation of a region. */
  list(region: string): Promise<RightsizingRecommendation[]>;
  /** Instances of `region` whose recommendation is `pending-apply`, by instance id. */
  pendingAutoResizes(region: string): Promise<Map<string, PendingResize>>;
  /**
   * Record that the executor changed the type: status `applied`, `appliedAt`, `applyDetails`.
   * @throws {RecommendationNotFoundError}
   */
  markApplied(region: string, instanceId: string, at: Date, details: AppliedDetails): Promise<void>;
  /**
   * Record that the executor put the old type back (e.g. the start with the new type failed): status `reverted`.
   * @throws {RecommendationNotFoundError}
   */
  markReverted(region: string, instanceId: string, at: Date, reason: string): Promise<void>;
  /**
   * A person dismisses the advice: status `dismissed` (kept while the advice stays the same).
   * @throws {RecommendationNotFoundError}
   */
  dismiss(region: string, instanceId: string, at: Date, reason?: string): Promise<void>;
}

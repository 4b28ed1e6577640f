import type { PendingResize, RecommendationStore } from '../rightsizing/recommendation-store';
import type { InstanceFacts } from './instance-facts';
import type { ActionIntent, HistoryEntry, InstanceStateRecord, RegionRunRecord, RegionState } from './instance-state';

/**
 * The interfaces the scheduler core depends on; lambdas/adapters implement them (EC2, DynamoDB) and tests use the
 * in-memory implementations.
 */

/** Instances of one region, as described, plus those that could not be read (left out, with why). */
export interface DescribedFleet {
  readonly instances: InstanceFacts[];
  readonly errors: string[];
  /** DescribeInstances calls made (pages). */
  readonly calls: number;
}

/** EC2 in one or more regions. Mutating calls throw on failure (the error's `name` is the AWS error code). */
export interface Fleet {
  /**
   * Every instance of `region` that carries the `Schedule` tag, in the states pending, running, stopping or stopped.
   * Never describes untagged instances.
   */
  describe(region: string): Promise<DescribedFleet>;
  /** StartInstances for these ids (≤ 1000). */
  start(region: string, instanceIds: readonly string[]): Promise<void>;
  /** StopInstances for these ids (≤ 1000); `hibernate` sets `Hibernate: true`. */
  stop(region: string, instanceIds: readonly string[], options: { readonly hibernate: boolean }): Promise<void>;
  /** ModifyInstanceAttribute InstanceType (the instance must be stopped). */
  modifyInstanceType(region: string, instanceId: string, instanceType: string): Promise<void>;
}

/** What one region's run writes. */
export interface RegionStateChanges {
  /** Instance records that changed (only those are written). */
  readonly instances: readonly InstanceStateRecord[];
  readonly history: readonly HistoryEntry[];
  readonly run: RegionRunRecord;
  /** Ids of intents this write settles (deleted after everything else is written). */
  readonly settledIntents?: readonly string[];
  /**
   * Fencing token of the run (the lease's token). Every state item is written with it, on condition
   * `attribute_not_exists(fence) OR fence <= :fence`; the run record also on `lastRunAt` not moving backwards.
   */
  readonly fence?: number;
}

/** A state write refused because a run with a newer fencing token (or a later `lastRunAt`) already wrote. */
export class FencedWriteError extends Error {
  constructor(
    readonly region: string,
    readonly fence: number | undefined,
  ) {
    super(
      `state of ${region} was written by a newer run (fence ${fence ?? 'none'} is stale or lastRunAt would move back); nothing written`,
    );
    this.name = 'FencedWriteError';
  }
}

/** Per-instance scheduler state (DynamoDB `INSTANCE#<region>` items). */
export interface InstanceStateStore {
  /** Every record of the region, with one Query (paginated). */
  loadRegion(region: string): Promise<RegionState>;
  /**
   * Write changed records, history entries and the region's run record.
   * @returns the number of instance records written
   */
  saveRegion(region: string, changes: RegionStateChanges, now: Date): Promise<{ instanceWrites: number }>;
  /** Write an intent before acting (one item per call). */
  recordIntent(region: string, intent: ActionIntent): Promise<void>;
}

/** Savings of one region added to a day's totals. */
export interface SavingsIncrement {
  readonly usd: number;
  readonly gCO2e: number;
  readonly kWh: number;
  readonly stoppedHours: number;
}

/** Money and carbon of one running total. */
export interface SavingsAmount {
  readonly usd: number;
  readonly gCO2e: number;
}

/** Running totals over all regions after a run: the UTC day and month of the run, and since installation. */
export interface RunningTotals {
  readonly Today: SavingsAmount;
  readonly Month: SavingsAmount;
  readonly Total: SavingsAmount;
}

/** Daily savings totals (DynamoDB `SAVINGS#<yyyy-mm-dd>` / `<region>`, atomic ADD). */
export interface SavingsStore {
  /** Add to the totals of `day` (UTC `YYYY-MM-DD`) and `region`. */
  add(day: string, region: string, increment: SavingsIncrement, now: Date): Promise<void>;
  /**
   * Add a run's savings (all regions) to the running totals of the UTC day and month of `now` and the all-time
   * total, and return the totals after the addition (adding zero reads them). Used for the dashboard's single values.
   */
  addRunningTotals(increment: SavingsAmount, now: Date): Promise<RunningTotals>;
}

/** Why a lease was not acquired. */
export interface LeaseHeld {
  readonly acquired: false;
  readonly holder: string;
  /** ISO-8601 expiry of the current holder's lease. */
  readonly expiresAt: string;
}

/** The lease was taken: this run may act, and conditions its state writes on `token` (docs/run-safety.md). */
export interface LeaseAcquired {
  readonly acquired: true;
  /**
   * The fencing token: a number stored on the lease item that grows by one at every acquisition, so a later holder
   * always has a larger token than an earlier one. State writes carry it and are refused when a larger one was
   * written, so a run that lost its lease (paused, timed out, retried) cannot overwrite a newer run's records.
   */
  readonly token: number;
  /** ISO-8601 expiry of this lease (renewals move it). */
  readonly expiresAt: string;
}

/**
 * The run lease: at most one scheduler run acts at a time. It is taken for less than one scheduling interval and
 * renewed while the run lasts, so a crashed run blocks at most the next tick (docs/run-safety.md).
 */
export interface Lease {
  /**
   * Take the lease for `ttlSeconds` from `now` (the clock, never an event's time) unless another holder's lease has
   * not expired. Every success returns a new, larger fencing token, also for the same holder.
   */
  acquire(holder: string, now: Date, ttlSeconds: number): Promise<LeaseAcquired | LeaseHeld>;
  /**
   * Extend the lease of `holder` with `token` to `now + ttlSeconds`.
   * @returns false when the lease is no longer this holder's (another run took it after it expired)
   */
  renew?(holder: string, token: number, now: Date, ttlSeconds: number): Promise<boolean>;
  /** Give the lease back, only if `holder` (and, when given, `token`) still holds it; the token is kept. */
  release(holder: string, token?: number): Promise<void>;
}

/** A pending `auto` rightsizing of a stopped instance (from the rightsizing recommendation store). */
export type { PendingResize };

/**
 * The part of the rightsizing recommendation store the scheduler uses: `auto` recommendations are applied only when
 * the schedule is about to start an instance it stopped (no extra downtime).
 */
export type AutoResizeSource = Pick<RecommendationStore, 'pendingAutoResizes' | 'markApplied' | 'markReverted'>;

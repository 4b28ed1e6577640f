import type { PriceBook } from '../accounting/price-book';
import type { ScheduleRegistry } from '../schedule';
import type { CarbonInput } from './carbon-input';
import type { IntensityPoint } from './carbon-policy';
import type { Decision, DecisionConfig } from './decide-instance';
import type { InstanceFacts } from './instance-facts';
import type { AutoResizeSource, Fleet, InstanceStateStore, SavingsIncrement, SavingsStore } from './ports';
import type { ScheduleEvaluator } from './schedule-evaluator';

/*
 * Types shared by the steps of one region's run (docs/scheduler.md, "The run as a pipeline"):
 * read → decide (pure) → apply → next state (pure) → persist.
 */

/** The step of a region's run in which it failed. */
export type RegionPhase = 'describe' | 'decide' | 'apply' | 'persist';

/** An error thrown by one step, tagged with the step. */
export class RegionPhaseError extends Error {
  constructor(
    readonly phase: RegionPhase,
    override readonly cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
    this.name = 'RegionPhaseError';
  }
}

/** Run `step`, tagging what it throws with `phase` (an error already tagged keeps its phase). */
export async function inPhase<T>(phase: RegionPhase, step: () => Promise<T> | T): Promise<T> {
  try {
    return await step();
  } catch (error) {
    throw error instanceof RegionPhaseError ? error : new RegionPhaseError(phase, error);
  }
}

/** A decision after execution: what happened. */
export interface ExecutedDecision extends Decision {
  /**
   * `ok` / `failed` after acting, `planned` in a dry run, `carried` when the run deadline came before the action was
   * sent (the next tick decides again), absent for `none`.
   */
  readonly result?: 'ok' | 'failed' | 'planned' | 'carried';
  /** `<code>: <message>` of a failure. */
  readonly error?: string;
  /** For `resize`: the new type did not start, so the old type was put back (counted as a resize error). */
  readonly resizeReverted?: boolean;
}

/** API calls and writes of one region's run. */
export interface RegionCalls {
  describe: number;
  start: number;
  stop: number;
  modify: number;
  instanceWrites: number;
}

/** The outcome of one region. */
export interface RegionResult {
  readonly region: string;
  readonly decisions: ExecutedDecision[];
  /** Problems that did not stop the region (unreadable instances, rightsizing store, savings write). */
  readonly warnings: string[];
  /** Set when the region failed as a whole (e.g. DescribeInstances denied); other regions still ran. */
  readonly error?: string;
  /** The step that failed, with `error`. */
  readonly phase?: RegionPhase;
  readonly calls: RegionCalls;
  /** Savings added to the day's totals by this run. */
  readonly savings: SavingsIncrement;
  /** Instances whose action the run deadline left for the next tick. */
  readonly carried?: number;
}

/** Ports used by a region's run. */
export interface RegionPorts {
  readonly fleet: Fleet;
  readonly states: InstanceStateStore;
  readonly savings?: SavingsStore;
  readonly prices: PriceBook;
  /** Fetch prices ahead of the synchronous `prices` lookups (e.g. the Price List API book's `prefetch`). */
  readonly prefetchPrices?: (pairs: readonly { region: string; instanceType: string }[]) => Promise<unknown>;
  readonly rightsizing?: AutoResizeSource;
  /** The wall clock, epoch ms, for the run deadline (default `Date.now`); decisions use the run's fixed `now`. */
  readonly clock?: () => number;
}

/** Input of one region's run. */
export interface RegionRunInput {
  readonly region: string;
  readonly tick: string;
  readonly dryRun: boolean;
  readonly registry: ScheduleRegistry;
  readonly config: DecisionConfig & { readonly pueFor: (region: string) => number };
  readonly evaluator: ScheduleEvaluator;
  readonly carbon: CarbonInput;
  /** The region's forecast, asked only when an instance of the region uses `defer-start`. */
  readonly forecast?: () => Promise<readonly IntensityPoint[] | undefined>;
  readonly ports: RegionPorts;
  /** Called once per instance with its final decision (structured logs). */
  readonly log?: (decision: ExecutedDecision) => void;
  /** Fencing token of the run (the lease's); written on every state item. */
  readonly fence?: number;
  /** Epoch ms by which the region stops sending actions; what is left is carried to the next tick. */
  readonly deadline?: number;
  /** Applied to the decisions before acting: the start order across an application (lambdas/core/resources). */
  readonly adjustDecisions?: (decisions: readonly Decision[], instances: readonly InstanceFacts[]) => Decision[];
}

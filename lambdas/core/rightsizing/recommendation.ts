import type { PriceQuote } from '../accounting/price-book';
import type { CpuArchitecture } from '../ec2/instance-specs';
import type { CpuStatistic } from './metric-queries';
import type { RightsizeMode } from './mode';

/**
 * Lifecycle of a recommendation:
 * - `open`: shown to people; nothing will be done automatically (mode `recommend`, or `auto` blocked by a rule
 *   given in `statusReason`);
 * - `pending-apply`: mode `auto`; the scheduler's executor applies it the next time it stops the instance anyway
 *   (stop → ModifyInstanceAttribute → the next scheduled start);
 * - `applied`: the executor changed the type (`appliedAt`, `applyDetails`);
 * - `reverted`: the executor put the old type back after a failed start (`revertedAt`, `revertReason`); not
 *   retried automatically;
 * - `dismissed`: a person dismissed it; the same recommendation stays dismissed on later runs.
 */
export type RecommendationStatus = 'open' | 'pending-apply' | 'applied' | 'reverted' | 'dismissed';

/**
 * What the analysis found: `downsize` (a smaller size of the same family), `graviton-only` (only the arm64 option
 * saves money), `no-change`, `insufficient-data` (too little CloudWatch data; see `reason`), `not-analysed`
 * (unknown type, bare metal, bad tag…).
 */
export type RecommendationOutcome = 'downsize' | 'graviton-only' | 'no-change' | 'insufficient-data' | 'not-analysed';

/** How much to trust a recommendation (see docs/rightsizing.md). */
export type Confidence = 'high' | 'medium' | 'low';

/** One proposed type with its projected load and savings against the current type. */
export interface TypeOption {
  readonly instanceType: string;
  readonly vcpu: number;
  readonly memoryGiB: number;
  readonly arch: CpuArchitecture;
  /** The CPU statistic projected onto this type: observed × current vCPU ÷ proposed vCPU, percent. */
  readonly projectedCpuPercent: number;
  readonly usdPerHour: number;
  readonly priceSource: PriceQuote['source'];
  /** (current − proposed USD/h) × monthly hours. */
  readonly monthlySavingsUsd: number;
  /** Energy saved per month, kWh (CCF model, PUE included). */
  readonly monthlySavingsKWh: number;
  /** monthlySavingsKWh × the region's average carbon intensity, grams CO2e. */
  readonly monthlySavingsGCO2e: number;
}

/** The arm64 (Graviton) option: a separate choice that needs an arm64 AMI, never applied automatically. */
export interface GravitonOption extends TypeOption {
  readonly requiresArchitectureChange: true;
  readonly note: string;
}

/** The data a recommendation rests on. */
export interface RightsizingEvidence {
  /** The configured CPU statistic (`p95`…). */
  readonly statistic: CpuStatistic;
  /** How the window value was formed from daily values. */
  readonly statisticMethod: string;
  /** The statistic over the window, percent (undefined without data). */
  readonly observedCpuPercent?: number;
  /** Mean of the daily average CPU, percent. */
  readonly averageCpuPercent?: number;
  /** Highest daily average CPU, percent (CPU-credit rule of burstable types). */
  readonly maxDailyAverageCpuPercent?: number;
  readonly targetCpuPercent: number;
  readonly window: { readonly start: string; readonly end: string; readonly lookbackDays: number };
  /** Days with CPU data in the window. */
  readonly datapoints: number;
  /** Days the instance was expected to run in the window (its schedule's weekdays). */
  readonly expectedDatapoints: number;
  /** datapoints ÷ expectedDatapoints, percent (at most 100). */
  readonly coveragePercent: number;
  /** Memory use (CloudWatch agent), when measured. */
  readonly memory?: {
    readonly peakUsedPercent: number;
    readonly peakUsedGiB: number;
    /** peakUsedGiB × (1 + headroom): no proposal has less memory. */
    readonly requiredGiB: number;
    readonly headroomPercent: number;
    readonly datapoints: number;
  };
  /** CPU-credit baselines of burstable types, percent. */
  readonly burstable?: { readonly currentBaselinePercent?: number; readonly proposedBaselinePercent?: number };
}

/** One rightsizing recommendation (or the record of why there is none), stored per instance. */
export interface RightsizingRecommendation {
  /** `<instanceId>:<current>-><proposed>` (or `-><none>`): equal across runs while the advice is the same. */
  readonly recommendationId: string;
  readonly region: string;
  readonly instanceId: string;
  /** Normalised `Schedule` tag, if any. */
  readonly schedule?: string;
  readonly mode: Exclude<RightsizeMode, 'off'>;
  readonly currentInstanceType: string;
  readonly current?: {
    readonly vcpu: number;
    readonly memoryGiB: number;
    readonly arch: CpuArchitecture;
    readonly usdPerHour?: number;
    readonly priceSource?: PriceQuote['source'];
    /** Where the instance facts came from. */
    readonly factsSource: 'describe-instance-types' | 'snapshot';
  };
  readonly outcome: RecommendationOutcome;
  /** One sentence a person can act on: what is proposed and why, or why nothing is. */
  readonly reason: string;
  /** Smaller size of the same family (same architecture), if any. */
  readonly proposed?: TypeOption;
  /** Graviton (arm64) option, if it saves money. */
  readonly graviton?: GravitonOption;
  readonly evidence?: RightsizingEvidence;
  /** Hours a month the instance runs (schedule-weighted; 730 when unknown), used for the monthly savings. */
  readonly monthlyHours: number;
  /** `schedule`: walked through the schedule registry; `built-in`: items written before that; `assumed-always`: 730 h. */
  readonly monthlyHoursBasis: 'schedule' | 'built-in' | 'assumed-always';
  /** Savings of `proposed`, else of `graviton`, else 0: USD per month. */
  readonly monthlySavingsUsd: number;
  /** Same choice as `monthlySavingsUsd`, grams CO2e per month. */
  readonly monthlySavingsGCO2e: number;
  /** Carbon intensity used for the CO2e savings and its source (static annual factor or cached reading). */
  readonly gCO2ePerKWh: number;
  readonly carbonSource: string;
  readonly confidence?: Confidence;
  /** Present for `downsize` and `graviton-only`. */
  readonly status?: RecommendationStatus;
  readonly statusReason?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly appliedAt?: string;
  readonly applyDetails?: AppliedDetails;
  readonly revertedAt?: string;
  readonly revertReason?: string;
  readonly dismissedAt?: string;
  readonly dismissReason?: string;
  /** The last resize applied to this instance, kept after the advice moves on. */
  readonly lastApplied?: { readonly at: string; readonly fromInstanceType: string; readonly toInstanceType: string };
}

/** What the executor reports when it applied a resize. */
export interface AppliedDetails {
  readonly fromInstanceType: string;
  readonly toInstanceType: string;
  readonly recommendationId?: string;
  readonly note?: string;
}

/** True for outcomes that carry advice (and a status). */
export function isActionable(rec: Pick<RightsizingRecommendation, 'outcome'>): boolean {
  return rec.outcome === 'downsize' || rec.outcome === 'graviton-only';
}

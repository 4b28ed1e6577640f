import type { CarbonReading } from '../carbon/reading';
import type { DispatchDecision } from '../dispatch/decision';
import type { JobCompletion } from '../dispatch/job-completion';
import type { RightsizingRecommendation } from '../rightsizing/recommendation';
import type { HistoryEntry, InstanceStateRecord } from '../scheduler/instance-state';
import type { SavingsIncrement } from '../scheduler/ports';
import type { ReportPeriod } from './period';

/**
 * The raw data a report is built from, as read from the product's table (or a JSON export of its items). The types
 * are the writers' own record types, narrowed to the fields the report reads, so a reader can hand over what the
 * stores return unchanged.
 */

/** One region's savings totals of one UTC day (`SAVINGS#<day>` / `<region>`). */
export interface ReportDailySavings extends SavingsIncrement {
  readonly day: string;
  readonly region: string;
  /** Scheduler runs that added to the item. */
  readonly runs: number;
}

/** A stored carbon reading (`CARBON#<region>` / `READING#<observedAt>`). */
export type ReportReading = Pick<
  CarbonReading,
  'region' | 'zone' | 'provider' | 'signal' | 'gCO2ePerKWh' | 'observedAt' | 'isEstimated'
>;

/** Per-instance scheduler state (`INSTANCE#<region>` / `<instanceId>`): cumulative savings since first seen. */
export type ReportInstance = Pick<
  InstanceStateRecord,
  'instanceId' | 'region' | 'schedule' | 'instanceType' | 'savedUsd' | 'savedGCO2e' | 'savedKWh' | 'stoppedHours'
> &
  Partial<Pick<InstanceStateRecord, 'lastAction' | 'lastActionAt' | 'lastReason' | 'stoppedAt'>>;

/** One action of the scheduler (`HISTORY#<region>#<instanceId>` / `<at>#<action>`). */
export type ReportHistoryEntry = Pick<
  HistoryEntry,
  'region' | 'instanceId' | 'at' | 'action' | 'outcome' | 'schedule' | 'instanceType'
>;

/** A rightsizing recommendation (`RIGHTSIZING#<region>` / `<instanceId>`). */
export type ReportRecommendation = Pick<
  RightsizingRecommendation,
  'region' | 'instanceId' | 'currentInstanceType' | 'outcome' | 'monthlySavingsUsd' | 'monthlySavingsGCO2e'
> &
  Partial<Pick<RightsizingRecommendation, 'status' | 'proposed' | 'graviton' | 'confidence' | 'reason'>>;

/** A dispatch decision (`JOB#<jobId>` / `DECISION`). */
export type ReportDecision = Pick<DispatchDecision, 'jobId' | 'kind' | 'decidedAt' | 'action' | 'dryRun'> &
  Partial<Pick<DispatchDecision, 'chosenRegion' | 'home' | 'emissions'>>;

/** A job outcome reported by a worker (`JOB#<jobId>` / `OUTCOME`). */
export type ReportOutcome = Pick<JobCompletion, 'jobId' | 'region' | 'outcome'> &
  Partial<Pick<JobCompletion, 'endedAt' | 'kind'>>;

/** Where the data came from, shown in the report's "data sources" section. */
export interface ReportSourceInfo {
  /** `dynamodb` (read from the table), `table-export` (a JSON export of its items) or `backtest` (a result file). */
  readonly kind: 'dynamodb' | 'table-export' | 'backtest';
  /** Table name and region, or the file name. */
  readonly description: string;
}

/** What a reader hands to {@link buildReport}. */
export interface ReportInput {
  readonly period: ReportPeriod;
  readonly source: ReportSourceInfo;
  /** Regions whose carbon readings were read (config `carbonRegions`, or `--regions`). */
  readonly carbonRegions: readonly string[];
  /** Regions whose instances, history and recommendations were read (config `managedRegions`, or `--regions`). */
  readonly managedRegions: readonly string[];
  readonly savings: readonly ReportDailySavings[];
  readonly readings: readonly ReportReading[];
  readonly instances: readonly ReportInstance[];
  readonly history: readonly ReportHistoryEntry[];
  readonly recommendations: readonly ReportRecommendation[];
  readonly decisions: readonly ReportDecision[];
  readonly outcomes: readonly ReportOutcome[];
  /** What the reader could not do or had to bound (e.g. export items it could not read). */
  readonly warnings: readonly string[];
  /** How the data was read (e.g. "Query SAVINGS#<day> × 3 days"), for the data-sources section. */
  readonly accessPaths: readonly string[];
}

/**
 * A report input with nothing read yet: `period` and `source` set, every list empty. Readers and adapters fill in
 * what they have: `{ ...emptyReportInput(period, source), savings, ... }`.
 */
export function emptyReportInput(period: ReportPeriod, source: ReportSourceInfo): ReportInput {
  return {
    period,
    source,
    carbonRegions: [],
    managedRegions: [],
    savings: [],
    readings: [],
    instances: [],
    history: [],
    recommendations: [],
    decisions: [],
    outcomes: [],
    warnings: [],
    accessPaths: [],
  };
}

import type { ReportSourceInfo } from './report-input';

/**
 * The cost and carbon report of a period: what `carbon-scheduler report --format json` prints, and what the CSV and
 * HTML forms are rendered from. Money in USD, emissions in grams CO2e, energy in kWh, intensity in gCO2e/kWh.
 * Numbers are not rounded; renderers round for display.
 */

/** Version of this JSON shape; bumped when a field changes meaning or is removed. */
export const REPORT_SCHEMA_VERSION = 1;

/** Minimum, maximum and mean of a region's readings in some span. */
export interface IntensityStats {
  /** Mean of the readings (each reading counts once), gCO2e/kWh. */
  readonly meanGCO2ePerKWh: number;
  readonly minGCO2ePerKWh: number;
  readonly maxGCO2ePerKWh: number;
  /** Readings counted. */
  readonly readings: number;
}

/** Actions of one kind: those that succeeded and those that failed. */
export interface ActionCount {
  readonly action: 'start' | 'stop' | 'resize' | 'hibernate' | 'revert';
  readonly ok: number;
  readonly failed: number;
}

/** Headline numbers of the period. */
export interface ReportTotals {
  /** On-demand dollars not spent because the scheduler kept instances stopped. */
  readonly usdSaved: number;
  /** Emissions avoided by those stopped instance-hours, grams CO2e. */
  readonly gCO2eAvoidedBySchedules: number;
  readonly kWhAvoided: number;
  readonly stoppedInstanceHours: number;
  /** Estimated emissions saved by sending jobs to a cleaner region than home, grams CO2e. */
  readonly gCO2eSavedByDispatch: number;
  /** Jobs handed to a worker (`dispatched` decisions; deferred, failed and dry-run ones are not counted). */
  readonly dispatchedJobs: number;
  /** Monthly USD the open rightsizing recommendations would save (status `open` or `pending-apply`, now). */
  readonly rightsizingOpenMonthlyUsd: number;
  readonly rightsizingOpenMonthlyGCO2e: number;
  readonly rightsizingOpenCount: number;
  /** Successful starts and stops, and every failed action. */
  readonly starts: number;
  readonly stops: number;
  readonly failedActions: number;
}

/** One day of the period (all regions). */
export interface ReportDay {
  readonly day: string;
  readonly usdSaved: number;
  readonly gCO2eAvoidedBySchedules: number;
  readonly gCO2eSavedByDispatch: number;
  /** Running totals from the first day of the period to this one, included. */
  readonly cumulativeUsdSaved: number;
  readonly cumulativeGCO2eAvoided: number;
  readonly starts: number;
  readonly stops: number;
  readonly dispatchedJobs: number;
}

/** One day in one region: a row of the CSV. */
export interface ReportDayRegion {
  readonly day: string;
  readonly region: string;
  readonly usdSaved: number;
  readonly gCO2eAvoidedBySchedules: number;
  readonly kWhAvoided: number;
  readonly stoppedInstanceHours: number;
  readonly starts: number;
  readonly stops: number;
  readonly resizes: number;
  readonly failedActions: number;
  /** Null when the table holds no reading of the region on that day. */
  readonly intensity: IntensityStats | null;
  /** Jobs dispatched to this region that day. */
  readonly dispatchedJobs: number;
  /** Emissions those jobs saved against running at home, grams CO2e. */
  readonly gCO2eSavedByDispatch: number;
}

/** One region over the whole period. */
export interface ReportRegion {
  readonly region: string;
  readonly intensity: IntensityStats | null;
  /** Providers of the readings (e.g. `electricitymaps`, `static`). */
  readonly providers: readonly string[];
  readonly usdSaved: number;
  readonly gCO2eAvoidedBySchedules: number;
  readonly kWhAvoided: number;
  readonly stoppedInstanceHours: number;
  readonly starts: number;
  readonly stops: number;
  readonly resizes: number;
  readonly failedActions: number;
  readonly dispatchedJobs: number;
  readonly gCO2eSavedByDispatch: number;
  /** Jobs whose worker reported `ok` / `error` in this region. */
  readonly jobOutcomesOk: number;
  readonly jobOutcomesFailed: number;
  readonly rightsizingOpenMonthlyUsd: number;
}

/** Intensity over time of one region, one point per bucket (mean of the readings in it). */
export interface IntensitySeries {
  readonly region: string;
  readonly points: readonly { readonly t: string; readonly gCO2ePerKWh: number }[];
}

/** An instance with its cumulative savings. */
export interface ReportTopInstance {
  readonly instanceId: string;
  readonly region: string;
  readonly schedule: string;
  readonly instanceType: string;
  /** Since the scheduler first saw the instance (closed stop stretches), not only in the period. */
  readonly savedUsd: number;
  readonly savedGCO2e: number;
  readonly stoppedHours: number;
  /** Actions on the instance in the period. */
  readonly actionsInPeriod: number;
  readonly lastAction?: string;
  readonly lastActionAt?: string;
}

/** Dispatched jobs that ran (or were sent) to one region. */
export interface ReportDispatchRegion {
  readonly region: string;
  readonly jobs: number;
  readonly gCO2eSaved: number;
}

/** An open rightsizing recommendation. */
export interface ReportRightsizingItem {
  readonly instanceId: string;
  readonly region: string;
  readonly currentInstanceType: string;
  readonly proposedInstanceType?: string;
  readonly status: string;
  readonly monthlySavingsUsd: number;
  readonly monthlySavingsGCO2e: number;
}

/** The methodology section: how each number is computed and where the data comes from. */
export interface ReportMethodology {
  /**
   * What the figures cover and what they leave out (the reporting boundary): CPU energy of EC2 instances only, so a
   * lower bound; location-based grid intensity.
   */
  readonly boundary: string;
  readonly formulas: readonly { readonly name: string; readonly text: string }[];
  readonly dataSources: readonly string[];
  readonly notes: readonly string[];
}

/** Backtest results carried through when the report was built from a backtest file. */
export interface ReportBacktest {
  readonly scenario: string;
  readonly jobs?: number;
  readonly baselineIntensity?: number;
  readonly policyIntensity?: number;
  readonly oracleIntensity?: number;
  readonly savingsPercent?: number;
  readonly oracleSavingsPercent?: number;
  readonly shareOfOracle?: number;
  /** Jobs (or, for pause, instance-hours) the policy sent to each destination zone, most first. */
  readonly destinations?: readonly {
    readonly zone: string;
    readonly policyJobs: number;
    readonly oracleJobs: number;
  }[];
  /** Every other scalar the result carried (forecast mode, zones, duration…), as text. */
  readonly parameters: readonly { readonly name: string; readonly value: string }[];
}

/** The same figures for the period of equal length just before the report's period. */
export interface ReportComparison {
  readonly period: { readonly from: string; readonly to: string; readonly days: number };
  readonly usdSaved: number;
  /** Avoided by schedules plus saved by dispatch, grams CO2e. */
  readonly gCO2eAvoided: number;
  readonly stoppedInstanceHours: number;
  /** Change of this period against the previous one, percent; null when the previous one is 0. */
  readonly usdChangePercent: number | null;
  readonly gCO2eChangePercent: number | null;
}

/** The whole report. */
export interface ReportModel {
  readonly schemaVersion: typeof REPORT_SCHEMA_VERSION;
  readonly title: string;
  /** When the report was made, ISO-8601. */
  readonly generatedAt: string;
  readonly period: { readonly from: string; readonly to: string; readonly days: number };
  readonly source: ReportSourceInfo;
  readonly regions: readonly string[];
  readonly totals: ReportTotals;
  readonly days: readonly ReportDay[];
  readonly dayRegions: readonly ReportDayRegion[];
  readonly regionSummaries: readonly ReportRegion[];
  readonly intensitySeries: { readonly bucketMinutes: number; readonly series: readonly IntensitySeries[] };
  readonly actionsByType: readonly ActionCount[];
  readonly topInstances: readonly ReportTopInstance[];
  readonly dispatchByRegion: readonly ReportDispatchRegion[];
  /** Decisions in the period that did not dispatch: deferred, failed, dry-run (`planned`). */
  readonly dispatchNotDispatched: { readonly deferred: number; readonly failed: number; readonly planned: number };
  readonly rightsizing: readonly ReportRightsizingItem[];
  readonly backtest?: ReportBacktest;
  /** The previous period of the same length, when it was read. */
  readonly comparison?: ReportComparison;
  /** A few sentences for a reader: what was saved, how it compares, what drove it. */
  readonly narrative: readonly string[];
  readonly methodology: ReportMethodology;
  /** Gaps in the data the reader of the report should know about. */
  readonly warnings: readonly string[];
}

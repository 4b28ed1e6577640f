import type { PriceBook } from '../accounting/price-book';
import type { CarbonForecast, CarbonReading } from '../carbon/reading';
import type { Clock } from '../clock';
import type { Config } from '../config/schema';
import type { DispatchRequestInput } from '../dispatch/job-request';
import type { JobRecords } from '../dispatch/ports';
import type { ReportPeriod } from '../report/period';
import type { ReportInput } from '../report/report-input';
import type { HistoryEntry, RegionState } from '../scheduler/instance-state';
import type { RunningTotals } from '../scheduler/ports';

/**
 * The small read ports the API's routes read through (lambdas/adapters/dynamodb/api-reads.ts implements them over
 * the existing stores), and the one write: publishing a job request. Every read is a GetItem, a BatchGetItem or a
 * Query on a known partition (docs/api.md, "Access paths"); nothing here scans.
 */
export interface ApiReadPorts {
  /** The stored latest reading of each region that has one (`CARBON#<region>` / `LATEST`); expired ones absent. */
  latestReadings(regions: readonly string[], now: Date): Promise<Map<string, CarbonReading>>;
  /** The newest stored forecast of `region` (`CARBON#<region>` / `FORECAST#…`), or undefined. */
  latestForecast(region: string, now: Date): Promise<CarbonForecast | undefined>;
  /** The scheduler state of one managed region (`INSTANCE#<region>`). */
  loadRegion(region: string): Promise<RegionState>;
  /** The newest `limit` actions on an instance (`HISTORY#<region>#<id>`), newest first. */
  history(region: string, instanceId: string, limit: number): Promise<HistoryEntry[]>;
  /** Times (ISO-8601) of the actions on an instance at or after `since`. */
  actionTimes(region: string, instanceId: string, since: string): Promise<string[]>;
  /** The running savings totals of today, this month and all time (`SAVINGS_TOTAL#…`), zero when absent. */
  runningTotals(now: Date): Promise<RunningTotals>;
  /** Number of dispatch decisions per UTC day (`JOBS#<day>`, counted). */
  jobCountsByDay(days: readonly string[]): Promise<Map<string, number>>;
  /** A job's decision and outcome (`JOB#<id>`). */
  getJob(jobId: string): Promise<JobRecords>;
  /** Everything the report of `period` needs (the report reader). */
  readReport(
    period: ReportPeriod,
    carbonRegions: readonly string[],
    managedRegions: readonly string[],
  ): Promise<ReportInput>;
  /** The product's alarms that are in ALARM now. */
  openAlarms(): Promise<readonly OpenAlarm[]>;
}

/** An alarm in ALARM state. */
export interface OpenAlarm {
  readonly name: string;
  readonly state: string;
  readonly reason: string;
  readonly since: string | null;
}

/** Puts a `JobRequested` event for the dispatcher (the same detail the dispatcher accepts). */
export interface JobRequestPublisher {
  /** @returns the event id EventBridge gave the event, when it says */
  publish(request: DispatchRequestInput): Promise<{ readonly eventId?: string }>;
}

/** What every route is given. */
export interface ApiDependencies {
  readonly config: Config;
  readonly reads: ApiReadPorts;
  readonly jobs: JobRequestPublisher;
  readonly prices: PriceBook;
  readonly clock: Clock;
  /** A new job id for a submission without idempotency key. */
  readonly newJobId: () => string;
}

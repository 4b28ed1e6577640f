/**
 * Every figure the product reports, with its unit, dimension set and how it is delivered (`use`):
 *
 * - `alarm`: a CloudWatch custom metric (Embedded Metric Format through Powertools), because an alarm reads it. Each
 *   series costs $0.30 a month, so only what an alarm needs is a metric (docs/running-cost.md).
 * - `log`: a structured log field of the emitting function's `metrics` log line (one line per set of dimension
 *   values, the figures as top-level fields named like the metric, the dimensions as fields too). The dashboard
 *   reads these with CloudWatch Logs Insights widgets; they cost log bytes only.
 *
 * Handlers emit with these names through the one publisher (lambdas/adapters/metrics/publish.ts); the dashboard and
 * alarms read them; the README lists them. No dimension ever carries an instance or job id, so the number of metric
 * series does not grow with the fleet: it is bounded by regions × actions × states × providers.
 *
 * `service` is the emitting function's Powertools service name, which Powertools adds as a `service` dimension to
 * every metric; dashboards and alarms must include it.
 */
import type { FunctionName } from './names';

/** One catalogue entry: the emitting function, the CloudWatch unit and the dimension set(s). */
export interface MetricDefinition {
  /** Service name of the function that emits the metric (the `service` dimension). */
  readonly service: FunctionName;
  readonly unit: 'Count' | 'Seconds' | 'None';
  /** The dimension set (besides `service`) every data point carries. */
  readonly dimensions: readonly string[];
  /** Further dimension sets a data point may carry instead: roll-ups of `dimensions`. */
  readonly rollups?: readonly (readonly string[])[];
  /**
   * `alarm`: published as a CloudWatch metric (an alarm reads it); `log`: a field of the `metrics` log line, read by
   * the dashboard's Logs Insights widgets (module comment).
   */
  readonly use: MetricUse;
}

/** How a figure is delivered: a CloudWatch metric an alarm reads, or a structured log field. */
export type MetricUse = 'alarm' | 'log';

/** Message of the structured log line that carries the `log` figures (one line per set of dimension values). */
export const METRICS_LOG_MESSAGE = 'metrics';

export const METRICS = {
  // Carbon fetcher ------------------------------------------------------------------------------------------------
  /** Grid carbon intensity used for decisions, gCO2e/kWh. Dimensions: Region. */
  CarbonIntensity: { service: 'carbon-fetcher', unit: 'None', dimensions: ['Region'], use: 'log' },
  /** Age of that reading, seconds. Dimensions: Region. */
  CarbonDataAge: { service: 'carbon-fetcher', unit: 'Seconds', dimensions: ['Region'], use: 'alarm' },
  /** Failed provider requests (after retries). Dimensions: Provider. */
  ProviderFailures: { service: 'carbon-fetcher', unit: 'Count', dimensions: ['Provider'], use: 'log' },
  // EC2 scheduler ---------------------------------------------------------------------------------------------------
  /** Instances started. Dimensions: Region. */
  InstanceStartup: { service: 'scheduler', unit: 'Count', dimensions: ['Region'], use: 'log' },
  /** Instances stopped. Dimensions: Region. */
  InstanceShutdown: { service: 'scheduler', unit: 'Count', dimensions: ['Region'], use: 'log' },
  /** Instances under management, by their state after the run. Dimensions: Region, State (and Region alone: all). */
  ManagedInstances: {
    service: 'scheduler',
    unit: 'Count',
    dimensions: ['Region', 'State'],
    rollups: [['Region']],
    use: 'log',
  },
  /** Dollars saved by stopped instance-hours since the previous run. Dimensions: Region. */
  CostSavings: { service: 'scheduler', unit: 'None', dimensions: ['Region'], use: 'log' },
  /** Grams CO2e avoided by stopped instance-hours since the previous run. Dimensions: Region. */
  CarbonAvoided: { service: 'scheduler', unit: 'None', dimensions: ['Region'], use: 'log' },
  /** Failed EC2 actions. Dimensions: Region, Action (start, stop, resize, describe). Graphed on the dashboard. */
  ActionErrors: { service: 'scheduler', unit: 'Count', dimensions: ['Region', 'Action'], use: 'log' },
  /**
   * Failed EC2 actions of the whole run, every region and action together (the sum of the run's `ActionErrors`).
   * Dimensions: none. The `ActionFailures` alarm watches this one metric, so the alarm reads one metric however many
   * regions are managed (an alarm's metric math may read at most 10 metrics).
   */
  ActionFailures: { service: 'scheduler', unit: 'Count', dimensions: [], use: 'alarm' },
  /**
   * Regions of the run whose scheduler state (records, history, run record, intent) could not be written, or was
   * refused by a newer run's fence. Dimensions: none (one metric for the `StateWriteFailures` alarm). The next run
   * records what the failed one did from its intent (docs/scheduler.md, "Durability").
   */
  StateWriteFailures: { service: 'scheduler', unit: 'Count', dimensions: [], use: 'alarm' },
  /** Instances whose Schedule or ScheduleOverride tag could not be used. Dimensions: Region. */
  InvalidScheduleTags: { service: 'scheduler', unit: 'Count', dimensions: ['Region'], use: 'log' },
  /** Running totals (USD) read back from the table after each run. Dimensions: Period (Today, Month, Total). */
  CostSavingsTotal: { service: 'scheduler', unit: 'None', dimensions: ['Period'], use: 'log' },
  /** Running totals (gCO2e) read back from the table after each run. Dimensions: Period (Today, Month, Total). */
  CarbonAvoidedTotal: { service: 'scheduler', unit: 'None', dimensions: ['Period'], use: 'log' },
  /**
   * Scheduled deliveries skipped because their event `time` was older than one interval (a retry, a replay, a
   * console paste; docs/run-safety.md). Dimensions: none.
   */
  StaleEventsSkipped: { service: 'scheduler', unit: 'Count', dimensions: [], use: 'log' },
  /** Instance prices answered from the bundled snapshot because the Price List API failed. Dimensions: Region. */
  PriceFallbacks: { service: 'scheduler', unit: 'Count', dimensions: ['Region'], use: 'log' },
  // Dispatch --------------------------------------------------------------------------------------------------------
  /** Jobs sent to a worker. Dimensions: Region (where the job runs). */
  DispatchedJobs: { service: 'dispatcher', unit: 'Count', dimensions: ['Region'], use: 'log' },
  /** Estimated grams CO2e saved versus running at home now. Dimensions: none (service level). */
  DispatchCarbonSaved: { service: 'dispatcher', unit: 'None', dimensions: [], use: 'log' },
  /** Jobs that no worker accepted. Dimensions: none. */
  DispatchFailures: { service: 'dispatcher', unit: 'Count', dimensions: [], use: 'alarm' },
  /** Failed worker invocations, including those that then fell back to another region. Dimensions: Region. */
  DispatchInvokeErrors: { service: 'dispatcher', unit: 'Count', dimensions: ['Region'], use: 'log' },
  /** Jobs deferred to a cleaner forecast slot. Dimensions: none. */
  DeferredJobs: { service: 'dispatcher', unit: 'Count', dimensions: [], use: 'log' },
  /** Job completions reported by workers. Dimensions: Outcome (ok, error), Region. */
  JobsCompleted: { service: 'dispatch-outcome-recorder', unit: 'Count', dimensions: ['Outcome', 'Region'], use: 'log' },
  // Rightsizing -----------------------------------------------------------------------------------------------------
  /** Open recommendations after the daily analysis. Dimensions: Region. */
  RightsizingRecommendations: { service: 'rightsizer', unit: 'Count', dimensions: ['Region'], use: 'log' },
  /** Monthly USD saving of the open recommendations. Dimensions: Region. */
  RightsizingMonthlySavings: { service: 'rightsizer', unit: 'None', dimensions: ['Region'], use: 'log' },
} as const satisfies Record<string, MetricDefinition>;

export type MetricName = keyof typeof METRICS;

/**
 * One value of a catalogued metric with its dimension values (besides `service`), as the handlers compute them and
 * the one publisher (lambdas/adapters/metrics/publish.ts) writes them as EMF.
 */
export interface MetricDatum {
  readonly name: MetricName;
  readonly value: number;
  readonly dimensions: Readonly<Record<string, string>>;
}

/** Periods of the running totals. */
export const TOTAL_PERIODS = ['Today', 'Month', 'Total'] as const;

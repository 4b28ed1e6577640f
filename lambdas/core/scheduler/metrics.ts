import type { MetricName } from '../../contract';
import type { RunningTotals } from './ports';
import type { ExecutedDecision, RegionResult } from './region-types';

/** The catalogued metrics the scheduler emits (units come from lambdas/contract/metrics.ts). */
export type SchedulerMetricName = Extract<
  MetricName,
  | 'InstanceStartup'
  | 'InstanceShutdown'
  | 'ManagedInstances'
  | 'CostSavings'
  | 'CarbonAvoided'
  | 'ActionErrors'
  | 'ActionFailures'
  | 'StateWriteFailures'
  | 'InvalidScheduleTags'
  | 'CostSavingsTotal'
  | 'CarbonAvoidedTotal'
>;

/**
 * CloudWatch metrics of a run, as data (the handler publishes them as EMF through Powertools). Dimensions are
 * low-cardinality only: `Region`, plus `Action` (start, stop, resize, describe) or `State` (running, stopped);
 * never an instance id.
 */
export interface MetricDatum {
  readonly name: SchedulerMetricName;
  readonly value: number;
  readonly dimensions: Readonly<Record<string, string>>;
}

/** The state a managed instance is left in by the run: running (or starting) or stopped (or stopping). */
function stateAfter(d: ExecutedDecision): 'running' | 'stopped' {
  if (d.result === 'ok') return d.action === 'stop' ? 'stopped' : 'running';
  return d.currentState === 'running' || d.currentState === 'pending' ? 'running' : 'stopped';
}

/**
 * Metrics of a real run (dry runs publish none):
 * - `InstanceStartup` / `InstanceShutdown` {Region}: successful starts (resizes included) / stops;
 * - `ManagedInstances` {Region}, and {Region, State} for running and stopped after the run;
 * - `CostSavings` {Region} USD and `CarbonAvoided` {Region} gCO2e added this run;
 * - `ActionErrors` {Region, Action}: failed starts, stops, resizes (a resize reverted to the old type counts), and
 *   `describe` when the region failed;
 * - `ActionFailures` {} (no dimension): the sum of the run's `ActionErrors` over every region and action, published
 *   on every real run (0 when nothing failed); the one metric the `ActionFailures` alarm reads;
 * - `StateWriteFailures` {}: regions whose state write failed (phase `persist`), published on every real run (0 when
 *   none); such a region still reports the actions it took (they happened), and is not counted in `ActionErrors`;
 * - `InvalidScheduleTags` {Region};
 * - `CostSavingsTotal` / `CarbonAvoidedTotal` {Period = Today | Month | Total}: the running totals after the run
 *   (UTC day and month), so the dashboard shows exact figures as single values.
 */
export function schedulerMetrics(regions: readonly RegionResult[], runningTotals?: RunningTotals): MetricDatum[] {
  const out: MetricDatum[] = [];
  if (runningTotals) {
    for (const Period of ['Today', 'Month', 'Total'] as const) {
      out.push({ name: 'CostSavingsTotal', value: runningTotals[Period].usd, dimensions: { Period } });
      out.push({ name: 'CarbonAvoidedTotal', value: runningTotals[Period].gCO2e, dimensions: { Period } });
    }
  }
  let actionFailures = 0;
  let stateWriteFailures = 0;
  for (const r of regions) {
    const Region = r.region;
    if (r.error && r.phase === 'persist') {
      stateWriteFailures += 1;
    } else if (r.error) {
      out.push({ name: 'ActionErrors', value: 1, dimensions: { Region, Action: 'describe' } });
      actionFailures += 1;
      continue;
    }
    const managed = r.decisions.filter((d) => d.kind === 'managed');
    const ok = (action: string) => managed.filter((d) => d.result === 'ok' && d.action === action).length;
    const failed = (action: string) =>
      managed.filter((d) => d.action === action && (d.result === 'failed' || d.resizeReverted === true)).length;
    out.push({ name: 'InstanceStartup', value: ok('start') + ok('resize'), dimensions: { Region } });
    out.push({ name: 'InstanceShutdown', value: ok('stop'), dimensions: { Region } });
    out.push({ name: 'ManagedInstances', value: managed.length, dimensions: { Region } });
    for (const State of ['running', 'stopped'] as const) {
      const value = managed.filter((d) => stateAfter(d) === State).length;
      out.push({ name: 'ManagedInstances', value, dimensions: { Region, State } });
    }
    out.push({ name: 'CostSavings', value: r.savings.usd, dimensions: { Region } });
    out.push({ name: 'CarbonAvoided', value: r.savings.gCO2e, dimensions: { Region } });
    for (const Action of ['start', 'stop', 'resize'] as const) {
      const value = failed(Action);
      out.push({ name: 'ActionErrors', value, dimensions: { Region, Action } });
      actionFailures += value;
    }
    const invalid = r.decisions.filter((d) => d.kind === 'invalid-tag').length;
    out.push({ name: 'InvalidScheduleTags', value: invalid, dimensions: { Region } });
  }
  out.push({ name: 'ActionFailures', value: actionFailures, dimensions: {} });
  out.push({ name: 'StateWriteFailures', value: stateWriteFailures, dimensions: {} });
  return out;
}

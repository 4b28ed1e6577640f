import type { ExecutedDecision } from './region-types';

/**
 * Log level of a per-instance decision line. `info` for what someone may later ask about — an action (start, stop,
 * resize), a failure, or a bad `Schedule`/`ScheduleOverride` tag; `debug` for the routine "nothing to do", which at
 * 10,000 instances and a 5-minute interval would otherwise be about 80 GB of logs a month (docs/running-cost.md).
 * A bad tag that changes nothing repeats every run until someone fixes it, so it is logged at `info` only on the
 * runs where `reportInvalidTags` is true (the handler: the first run of each UTC hour) and at `debug` otherwise; the
 * `InvalidScheduleTags` figure counts them on every run. Every decision, routine ones included, is still in the plan
 * a dry run returns.
 */
export function decisionLogLevel(decision: ExecutedDecision, reportInvalidTags = true): 'info' | 'debug' {
  if (decision.action !== 'none' || decision.result === 'failed' || decision.error !== undefined) return 'info';
  return decision.kind === 'invalid-tag' && reportInvalidTags ? 'info' : 'debug';
}

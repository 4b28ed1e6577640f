import type { ScheduleEvaluation } from './evaluate';
import type { OverrideTagResult } from './tags';

/**
 * Apply a parsed `ScheduleOverride` tag to a schedule evaluation: an active override replaces the desired state
 * (and drops the period's instance type); an expired, absent or malformed one leaves the evaluation as it is, with
 * the reason saying so for expired and malformed tags (a bad tag never acts).
 */
export function applyOverride(
  evaluation: ScheduleEvaluation,
  override: OverrideTagResult | undefined,
): ScheduleEvaluation {
  if (!override) return evaluation;
  if (!override.ok) {
    if (override.reason === 'no override tag') return evaluation;
    return { ...evaluation, reason: `${evaluation.reason}; ignored ScheduleOverride: ${override.reason}` };
  }
  const until = override.until ? ` until ${override.until.toISOString()}` : '';
  if (!override.active) {
    return { ...evaluation, reason: `${evaluation.reason}; ScheduleOverride ${override.state}${until} has expired` };
  }
  return {
    state: override.state,
    reason: `ScheduleOverride tag: ${override.state}${until} (the schedule says ${evaluation.state})`,
  };
}

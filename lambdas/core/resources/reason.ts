import type { DesiredState } from '../schedule/types';
import { type CarbonInput, describeCarbon } from '../scheduler/carbon-input';
import { formatGCO2ePerKWh, formatTime } from '../scheduler/carbon-policy';
import { sizesText } from './tags';
import type { GroupSizes } from './types';

/**
 * Why a resource decision came out as it did, as data: the id of the rule that settled the action and the ordered
 * steps that led there, each with its own fields; {@link formatResourceReason} makes the one-line text plans and logs
 * show. Tests assert rule ids and fields. The rule ids are listed in docs/resources.md ("Decision rules").
 */

/** Why a carbon policy did not compare the reading with a threshold. */
export type PolicyHold =
  | { readonly kind: 'static-only' }
  | { readonly kind: 'marginal-unconfigured'; readonly provider: string; readonly region: string };

/** The reading and threshold a managed decision looked at. */
export interface CarbonContext {
  readonly reading: CarbonInput;
  /** The run's `now` (ISO-8601), to state the reading's age. */
  readonly at: string;
  readonly thresholdGCO2ePerKWh: number;
  readonly thresholdLabel: 'threshold' | 'marginal threshold';
}

/** Rules of resources that are never acted on. */
export type NotManagedRule =
  | 'unmanaged.no-schedule-tag'
  | 'opted-out'
  | 'invalid.schedule-tag'
  | 'invalid.override-tag'
  | 'invalid.sizes-tag'
  | 'invalid.start-order-tag'
  | 'skipped.unavailable'
  | 'skipped.cluster-member'
  | 'skipped.read-replica'
  | 'skipped.has-read-replicas'
  | 'skipped.sqlserver-multi-az'
  | 'skipped.rds-custom'
  | 'skipped.multi-az-db-cluster'
  | 'skipped.serverless-v1'
  | 'skipped.global-database'
  | 'skipped.parallel-query'
  | 'skipped.multi-master'
  | 'skipped.cluster-replica';

/** One step of a reason. `detail` is the schedule module's or a policy's own text for its step. */
export type ResourceReasonStep =
  | { readonly rule: 'unmanaged.no-schedule-tag' }
  | { readonly rule: 'opted-out'; readonly tag: string }
  | {
      readonly rule: 'invalid.schedule-tag' | 'invalid.override-tag' | 'invalid.sizes-tag' | 'invalid.start-order-tag';
      readonly tag: string;
      readonly why: string;
    }
  | { readonly rule: 'skipped.unavailable'; readonly what: string; readonly status: string }
  | { readonly rule: 'skipped.cluster-member'; readonly cluster: string }
  | { readonly rule: 'skipped.read-replica'; readonly source: string }
  | { readonly rule: 'skipped.has-read-replicas'; readonly replicas: readonly string[] }
  | { readonly rule: 'skipped.sqlserver-multi-az'; readonly engine: string }
  | { readonly rule: 'skipped.rds-custom'; readonly engine: string }
  | { readonly rule: 'skipped.multi-az-db-cluster'; readonly engine: string }
  | { readonly rule: 'skipped.serverless-v1' }
  | { readonly rule: 'skipped.global-database'; readonly globalCluster: string }
  | { readonly rule: 'skipped.parallel-query' }
  | { readonly rule: 'skipped.multi-master' }
  | { readonly rule: 'skipped.cluster-replica'; readonly source: string }
  | {
      readonly rule: 'schedule.desired';
      readonly schedule: string;
      readonly desired: DesiredState;
      readonly detail: string;
    }
  | {
      readonly rule: 'override.active';
      readonly schedule: string;
      readonly tag: string;
      readonly state: 'running' | 'stopped';
      readonly scheduleState: DesiredState;
    }
  | { readonly rule: 'maintenance.window'; readonly window: string; readonly leadMinutes: number }
  | { readonly rule: 'maintenance.bad-window'; readonly why: string }
  | CarbonStep
  | { readonly rule: 'state.busy'; readonly what: string; readonly status: string; readonly known: boolean }
  | { readonly rule: 'transition'; readonly row?: string; readonly detail: string }
  | { readonly rule: 'maintenance.start'; readonly window: string }
  | {
      readonly rule: 'rds.auto-restarted' | 'rds.auto-restarting';
      readonly what: string;
      readonly stoppedAt: string;
      readonly days: number;
    }
  | { readonly rule: 'always-on.never-stopped' }
  | { readonly rule: 'tick.already-acted'; readonly tick: string; readonly lastAction: string }
  | {
      readonly rule: 'asg.restore-recorded' | 'asg.restore-tag' | 'asg.restore-default';
      readonly sizes: GroupSizes;
    }
  | { readonly rule: 'asg.record-sizes'; readonly sizes: GroupSizes }
  | { readonly rule: 'asg.sizes-changed'; readonly from?: GroupSizes; readonly to: GroupSizes }
  | {
      readonly rule: 'order.wait';
      readonly application: string;
      readonly order: number;
      readonly waitingFor: readonly string[];
    }
  | {
      readonly rule: 'order.start';
      readonly application: string;
      readonly order: number;
      readonly after: readonly string[];
    }
  | { readonly rule: 'ec2.decision'; readonly detail: string };

/** A carbon step: the context plus what the policy made of it. */
export type CarbonStep = {
  readonly carbon: CarbonContext;
  readonly policy: string;
} & (
  | { readonly rule: 'carbon.under-override' | 'carbon.not-applied' | 'carbon.in-maintenance-window' }
  | { readonly rule: 'pause.holds' | 'defer.holds'; readonly hold: PolicyHold }
  | { readonly rule: 'pause.step' | 'defer.step'; readonly detail: string; readonly plannedStartAt?: string }
  | { readonly rule: 'defer.not-stopped'; readonly state: string }
  | { readonly rule: 'defer.window-passed'; readonly maxDeferMinutes: number }
);

/** Every rule id a step can carry. */
export type ResourceRuleId = ResourceReasonStep['rule'];

/** A decision's reason: the rule that settled the action and every step, in order. */
export interface ResourceReason {
  readonly rule: ResourceRuleId;
  readonly steps: readonly ResourceReasonStep[];
}

/** The members of {@link ResourceReasonStep} whose `rule` can be `R`. */
export type ResourceStepOf<R extends ResourceRuleId> = ResourceReasonStep extends infer S
  ? S extends { readonly rule: infer X }
    ? R extends X
      ? S
      : never
    : never
  : never;

/** The step of `rule` in a reason, if any. */
export function resourceStep<R extends ResourceRuleId>(reason: ResourceReason, rule: R): ResourceStepOf<R> | undefined {
  return reason.steps.find((s) => s.rule === rule) as ResourceStepOf<R> | undefined;
}

/** The rule ids of a reason's steps, in order. */
export function resourceRuleIds(reason: ResourceReason): ResourceRuleId[] {
  return reason.steps.map((s) => s.rule);
}

function holdText(hold: PolicyHold, threshold: number): string {
  if (hold.kind === 'static-only') {
    return 'no live or cached reading, only the static annual average (carbon.whenNoLiveData "hold")';
  }
  return (
    `a marginal signal (${hold.provider}) is not compared with the average threshold ` +
    `${formatGCO2ePerKWh(threshold)}; set carbon.marginalThresholds["${hold.region}"] to act on it`
  );
}

function carbonText(step: CarbonStep): string {
  const c = step.carbon;
  const head = `carbon ${describeCarbon(c.reading, new Date(c.at))}, ${c.thresholdLabel} ${formatGCO2ePerKWh(c.thresholdGCO2ePerKWh)}`;
  switch (step.rule) {
    case 'carbon.under-override':
      return `${head}; carbon policy ${step.policy} not applied under an override`;
    case 'carbon.in-maintenance-window':
      return `${head}; carbon policy ${step.policy} not applied during the maintenance window`;
    case 'carbon.not-applied':
      return `${head}, policy ${step.policy}`;
    case 'pause.holds':
      return `${head}; pause-when-dirty holds: ${holdText(step.hold, c.thresholdGCO2ePerKWh)}`;
    case 'defer.holds':
      return `${head}; defer-start holds: ${holdText(step.hold, c.thresholdGCO2ePerKWh)}`;
    case 'defer.not-stopped':
      return `${head}; defer-start: the resource is ${step.state}, nothing to defer`;
    case 'defer.window-passed':
      return `${head}; defer-start: the period began more than ${step.maxDeferMinutes} min ago → start regardless`;
    case 'pause.step':
      return `${head}; pause-when-dirty: ${step.detail}`;
    default:
      return `${head}; defer-start: ${step.detail}`;
  }
}

const list = (ids: readonly string[]) => ids.map((id) => `"${id}"`).join(', ');

/** The text of one step, as plans and logs show it. */
export function formatResourceStep(step: ResourceReasonStep): string {
  switch (step.rule) {
    case 'unmanaged.no-schedule-tag':
      return 'no Schedule tag: not managed, never touched';
    case 'opted-out':
      return `Schedule tag "${step.tag}" opts out: never touched`;
    case 'invalid.schedule-tag':
      return `Schedule tag "${step.tag}": ${step.why}; left as it is`;
    case 'invalid.override-tag':
      return `ScheduleOverride tag "${step.tag}": ${step.why}; left as it is`;
    case 'invalid.sizes-tag':
    case 'invalid.start-order-tag':
      return `${step.why}; left as it is`;
    case 'skipped.unavailable':
      return `${step.what} is ${step.status}: nothing can be scheduled`;
    case 'skipped.cluster-member':
      return `member of DB cluster "${step.cluster}": RDS starts and stops the cluster as a whole, so tag the cluster instead`;
    case 'skipped.read-replica':
      return `read replica of "${step.source}": RDS cannot stop a read replica`;
    case 'skipped.has-read-replicas':
      return `source of the read replica${step.replicas.length === 1 ? '' : 's'} ${list(step.replicas)}: RDS cannot stop a DB instance that has read replicas`;
    case 'skipped.sqlserver-multi-az':
      return `${step.engine} in a Multi-AZ configuration: RDS cannot stop a Multi-AZ SQL Server DB instance`;
    case 'skipped.rds-custom':
      return `RDS Custom (${step.engine}): not scheduled by this product`;
    case 'skipped.multi-az-db-cluster':
      return `Multi-AZ DB cluster (${step.engine}): RDS cannot stop and start Multi-AZ DB clusters`;
    case 'skipped.serverless-v1':
      return 'Aurora Serverless v1 cluster: it cannot be stopped and started (it pauses by itself)';
    case 'skipped.global-database':
      return `member of the Aurora global database "${step.globalCluster}": its clusters cannot be stopped and started`;
    case 'skipped.parallel-query':
      return 'Aurora parallel query cluster: it cannot be stopped and started';
    case 'skipped.multi-master':
      return 'Aurora multi-master cluster: it cannot be stopped and started';
    case 'skipped.cluster-replica':
      return `replica of the cluster "${step.source}": a cross-Region replica cluster cannot be stopped`;
    case 'schedule.desired':
      return step.detail.startsWith(`${step.schedule}:`) ? step.detail : `${step.schedule}: ${step.detail}`;
    case 'override.active':
      return `${step.schedule}: override "${step.tag}" → ${step.state} (schedule: ${step.scheduleState})`;
    case 'maintenance.window':
      return `in its preferred maintenance window ${step.window} (UTC, from ${step.leadMinutes} min before) → running (useMaintenanceWindow)`;
    case 'maintenance.bad-window':
      return `useMaintenanceWindow: ${step.why}; the schedule alone decides`;
    case 'state.busy':
      return `${step.what} is ${step.status}${step.known ? '' : ' (a status this version does not know)'}: waiting until it is available or stopped`;
    case 'transition':
      return step.detail;
    case 'maintenance.start':
      return `start it for the maintenance window ${step.window}, whatever was stored (as Instance Scheduler does)`;
    case 'rds.auto-restarted':
      return (
        `the scheduler stopped it at ${formatTime(step.stoppedAt)} and RDS starts a ${step.what} by itself after ` +
        `${step.days} days stopped: stop it again`
      );
    case 'rds.auto-restarting':
      return (
        `RDS is starting the ${step.what} by itself (stopped by the scheduler at ${formatTime(step.stoppedAt)}, ` +
        `${step.days} days ago): stopped again once it is available`
      );
    case 'always-on.never-stopped':
      return 'always-on is never stopped → none';
    case 'tick.already-acted':
      return `already acted on in this run's tick ${step.tick} (${step.lastAction}) → none`;
    case 'asg.restore-recorded':
      return `restore the recorded sizes ${sizesText(step.sizes)} (min-desired-max)`;
    case 'asg.restore-tag':
      return `nothing recorded: start to the ScheduleSizes tag's ${sizesText(step.sizes)} (min-desired-max)`;
    case 'asg.restore-default':
      return (
        `nothing recorded and no ScheduleSizes tag: start to ${sizesText(step.sizes)} (min 1, desired 1; ` +
        'tag the group ScheduleSizes=min-desired-max to choose)'
      );
    case 'asg.record-sizes':
      return `record the sizes ${sizesText(step.sizes)} to restore them at the next start; scale to 0-0-0`;
    case 'asg.sizes-changed':
      return step.from
        ? `sizes changed by hand from ${sizesText(step.from)} to ${sizesText(step.to)}: kept, and recorded for the next start`
        : `sizes ${sizesText(step.to)} recorded for the next start`;
    case 'order.wait':
      return (
        `start order ${step.order} in application "${step.application}": waiting for ${list(step.waitingFor)} to be up ` +
        'before starting (started on a later run)'
      );
    case 'order.start':
      return `start order ${step.order} in application "${step.application}": ${list(step.after)} already up`;
    case 'ec2.decision':
      return step.detail;
    default:
      return carbonText(step);
  }
}

/** The reason as one line: the steps' texts joined with `; `. */
export function formatResourceReason(reason: ResourceReason): string {
  return reason.steps.map(formatResourceStep).join('; ');
}

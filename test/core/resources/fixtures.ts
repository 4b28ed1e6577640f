import { resolveConfig } from '../../../lambdas/core/config/resolve';
import type { ConfigInput } from '../../../lambdas/core/config/schema';
import {
  type DecideResourceInput,
  decideResource,
  type StoredResourceState,
} from '../../../lambdas/core/resources/decide';
import { groupState, rdsState } from '../../../lambdas/core/resources/state';
import type {
  AutoScalingGroupResource,
  DbClusterResource,
  GroupSizes,
  RdsInstanceResource,
  Resource,
} from '../../../lambdas/core/resources/types';
import { ScheduleRegistry } from '../../../lambdas/core/schedule';
import type { CarbonInput } from '../../../lambdas/core/scheduler/carbon-input';
import { scheduleEvaluator } from '../../../lambdas/core/scheduler/schedule-evaluator';
import { runTime } from '../../../lambdas/core/scheduler/tick';

/** Monday 2026-03-02 (UTC), inside office-hours (Mon–Fri 08:00–18:00 UTC); 20:00 is outside it. */
export const MONDAY_0900 = new Date('2026-03-02T09:00:00Z');
export const MONDAY_2000 = new Date('2026-03-02T20:00:00Z');

/** An RDS DB instance in eu-central-1 (PostgreSQL, db.m5.large, Single-AZ). */
export function dbInstance(
  id: string,
  tags: Record<string, string>,
  status = 'stopped',
  extra: Partial<RdsInstanceResource> = {},
): RdsInstanceResource {
  return {
    type: 'rds-instance',
    id,
    arn: `arn:aws:rds:eu-central-1:123456789012:db:${id}`,
    region: 'eu-central-1',
    accountId: '123456789012',
    tags,
    status,
    state: rdsState(status),
    instanceClass: 'db.m5.large',
    engine: 'postgres',
    multiAZ: false,
    readReplicas: [],
    ...extra,
  };
}

/** An Aurora PostgreSQL cluster in eu-central-1 with a writer and a reader (db.r5.large). */
export function dbCluster(
  id: string,
  tags: Record<string, string>,
  status = 'stopped',
  extra: Partial<DbClusterResource> = {},
): DbClusterResource {
  return {
    type: 'rds-cluster',
    id,
    arn: `arn:aws:rds:eu-central-1:123456789012:cluster:${id}`,
    region: 'eu-central-1',
    accountId: '123456789012',
    tags,
    status,
    state: rdsState(status),
    engine: 'aurora-postgresql',
    engineMode: 'provisioned',
    members: [
      { id: `${id}-1`, writer: true, instanceClass: 'db.r5.large' },
      { id: `${id}-2`, writer: false, instanceClass: 'db.r5.large' },
    ],
    readReplicas: [],
    multiAZ: true,
    ...extra,
  };
}

/** An Auto Scaling group in eu-central-1 with `sizes` and one m5.large per desired instance. */
export function group(
  name: string,
  tags: Record<string, string>,
  sizes: GroupSizes,
  extra: Partial<AutoScalingGroupResource> = {},
): AutoScalingGroupResource {
  const instances = Array.from({ length: sizes.desired }, (_, i) => ({
    id: `i-${name}-${i}`,
    instanceType: 'm5.large',
    lifecycleState: 'InService',
  }));
  const merged = { instances, ...extra };
  return {
    type: 'autoscaling-group',
    id: name,
    arn: `arn:aws:autoscaling:eu-central-1:123456789012:autoScalingGroup:uuid:autoScalingGroupName/${name}`,
    region: 'eu-central-1',
    accountId: '123456789012',
    tags,
    status: 'active',
    sizes,
    state: groupState(sizes, merged.instances),
    ...merged,
  };
}

/** The static annual factor of eu-central-1 (342 gCO2e/kWh): carbon policies hold on it by default. */
export function staticCarbon(now: Date): CarbonInput {
  return {
    region: 'eu-central-1',
    zone: 'DE',
    gCO2ePerKWh: 342,
    provider: 'static',
    signal: 'average',
    observedAt: now.toISOString(),
    origin: 'static',
  };
}

/** A live reading for eu-central-1, 4 minutes old. */
export function liveCarbon(gCO2ePerKWh: number, now: Date): CarbonInput {
  return {
    region: 'eu-central-1',
    zone: 'DE',
    gCO2ePerKWh,
    provider: 'electricitymaps',
    signal: 'average',
    observedAt: new Date(now.getTime() - 4 * 60_000).toISOString(),
    origin: 'cached',
  };
}

/** A stored state record. */
export function stored(state: StoredResourceState['state'], extra: Partial<StoredResourceState> = {}) {
  return { state, ...extra } satisfies StoredResourceState;
}

/** Decide `resource` at `now` with the default configuration (plus `config`). */
export function decide(
  resource: Resource,
  now: Date,
  options: {
    stored?: StoredResourceState;
    carbon?: CarbonInput;
    config?: ConfigInput;
    extra?: Partial<DecideResourceInput>;
  } = {},
) {
  const config = resolveConfig(options.config ?? {});
  const registry = ScheduleRegistry.fromConfig(config.schedules, config.timezone);
  return decideResource({
    resource,
    registry,
    ...(options.stored ? { stored: options.stored } : {}),
    carbon: options.carbon ?? staticCarbon(now),
    config,
    evaluator: scheduleEvaluator(now),
    tick: runTime(now, 5).tick,
    ...options.extra,
  });
}

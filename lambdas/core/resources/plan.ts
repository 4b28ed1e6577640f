import type { PriceBook } from '../accounting/price-book';
import { parseOverrideTag, type ScheduleRegistry } from '../schedule';
import type { Schedule } from '../schedule/types';
import type { CarbonInput } from '../scheduler/carbon-input';
import type { IntensityPoint, PauseParams } from '../scheduler/carbon-policy';
import type { DecisionConfig } from '../scheduler/decide-instance';
import { estimateImpact, stoppedTime } from '../scheduler/impact';
import { OVERRIDE_TAG, SCHEDULE_TAG } from '../scheduler/instance-facts';
import { scheduleEvaluator } from '../scheduler/schedule-evaluator';
import { type RdsPriceBook, type ResourceHour, resourceHour } from './accounting';
import { decideResource, type ResourceDecision, type ResourceDecisionConfig } from './decide';
import { resourcePolicyThreshold } from './desire';
import { inMaintenanceWindow, type MaintenanceWindow, parseMaintenanceWindow } from './maintenance-window';
import { applyStartOrder } from './order';
import { RESOURCE_TYPES, type Resource, type ResourceType } from './types';

/**
 * The plan of a fleet of any resource types seen for the first time (no stored state), with the estimated impact
 * of each schedule over the coming hours: the `plan` CLI for describe-instances, describe-db-instances,
 * describe-db-clusters and describe-auto-scaling-groups output. Pure. EC2 instances are decided and estimated
 * exactly as lambdas/core/scheduler/plan.ts does; the other types by the resource model.
 */

/** Estimated impact of a resource's schedule over the horizon, against running all the time. */
export interface ResourceImpact {
  /** Resource-hours stopped in the window. */
  readonly stoppedHours: number;
  /** On-demand cost avoided, USD; 0 when not priced (see `priced`). */
  readonly usd: number;
  /** Grid energy avoided (PUE included), kWh; 0 when not estimated (see `energyEstimated`). */
  readonly kWh: number;
  readonly gCO2e: number;
  readonly priced: boolean;
  readonly energyEstimated: boolean;
  /** Why the dollars or the energy are not estimated. */
  readonly notes: readonly string[];
}

/** Input of {@link estimateResourceImpact}. */
export interface ResourceImpactInput {
  readonly schedule: Schedule;
  readonly override?: { readonly state: 'running' | 'stopped'; readonly until?: Date };
  /** The preferred maintenance window kept running (schedules with `useMaintenanceWindow`, DB resources). */
  readonly maintenanceWindow?: MaintenanceWindow;
  readonly from: Date;
  readonly hours: number;
  readonly stepMinutes?: number;
  readonly hour: ResourceHour;
  readonly gCO2ePerKWh: number;
  readonly intensityAt?: (atMs: number) => number | undefined;
  readonly pause?: PauseParams;
}

/**
 * Stopped hours of a schedule over the window, stepped like the EC2 estimate (lambdas/core/scheduler/impact.ts):
 * `always-on` runs; an active override wins until it expires; the maintenance window runs; otherwise the schedule
 * (and `pause-when-dirty` over a known time series). Priced by {@link ResourceHour}.
 */
export function estimateResourceImpact(input: ResourceImpactInput): ResourceImpact {
  const window = input.maintenanceWindow;
  const { stoppedHours, gramHours } = stoppedTime({
    ...input,
    ...(window ? { runningAnyway: (atMs: number) => inMaintenanceWindow(window, atMs) } : {}),
  });
  const { usdPerHour, kWhPerHour } = input.hour;
  return {
    stoppedHours,
    usd: usdPerHour !== undefined ? usdPerHour * stoppedHours : 0,
    kWh: kWhPerHour !== undefined ? kWhPerHour * stoppedHours : 0,
    gCO2e: kWhPerHour !== undefined ? kWhPerHour * gramHours : 0,
    priced: usdPerHour !== undefined,
    energyEstimated: kWhPerHour !== undefined,
    notes: input.hour.notes,
  };
}

/** One line of a resource plan. */
export interface ResourcePlanEntry {
  readonly decision: ResourceDecision;
  readonly impact: ResourceImpact;
}

/** Counts and estimated impact of a resource plan (the field names of the EC2 plan's totals, plus the new kinds). */
export interface ResourcePlanTotals {
  /** Resources listed (every type; the name is the EC2 plan's). */
  readonly instances: number;
  readonly managed: number;
  readonly start: number;
  readonly stop: number;
  readonly resize: number;
  readonly none: number;
  readonly invalidTags: number;
  readonly skipped: number;
  readonly unmanaged: number;
  /** Resources whose `Schedule` tag is an opt-out value. */
  readonly optedOut: number;
  readonly failed: number;
  readonly carbonHeld: number;
  /** Resources listed, per type (types without any are left out). */
  readonly byType: Partial<Record<ResourceType, number>>;
  readonly horizonHours: number;
  readonly estimatedStoppedHours: number;
  readonly estimatedUsd: number;
  readonly estimatedKWh: number;
  readonly estimatedGCO2e: number;
}

/** Input of {@link buildResourcePlan}. */
export interface ResourcePlanInput {
  readonly resources: readonly Resource[];
  readonly now: Date;
  readonly tick: string;
  readonly config: ResourceDecisionConfig & DecisionConfig & { readonly pueFor: (region: string) => number };
  readonly registry: ScheduleRegistry;
  readonly carbonFor: (region: string) => CarbonInput;
  readonly forecastFor?: (region: string) => readonly IntensityPoint[] | undefined;
  readonly seriesFor?: (region: string) => ((atMs: number) => number | undefined) | undefined;
  readonly prices: PriceBook;
  readonly rdsPrices: RdsPriceBook;
  readonly horizonHours?: number;
}

const NONE: ResourceImpact = {
  stoppedHours: 0,
  usd: 0,
  kWh: 0,
  gCO2e: 0,
  priced: true,
  energyEstimated: true,
  notes: [],
};

/** The plan of a fleet of resources of any types: decisions, the start order, and each schedule's impact. */
export function buildResourcePlan(input: ResourcePlanInput): {
  entries: ResourcePlanEntry[];
  totals: ResourcePlanTotals;
} {
  const horizonHours = input.horizonHours ?? 24;
  const evaluator = scheduleEvaluator(input.now);
  const decisions = applyStartOrder(
    input.resources.map((resource) => {
      const forecast = input.forecastFor?.(resource.region);
      return decideResource({
        resource,
        registry: input.registry,
        carbon: input.carbonFor(resource.region),
        ...(forecast ? { forecast } : {}),
        config: input.config,
        evaluator,
        tick: input.tick,
      });
    }),
  );
  const entries = input.resources.map((resource, index): ResourcePlanEntry => {
    const decision = decisions[index]!;
    if (decision.kind !== 'managed') return { decision, impact: NONE };
    const resolved = input.registry.resolve(resource.tags[SCHEDULE_TAG] ?? '');
    if (!resolved.ok) return { decision, impact: NONE };
    const overrideTag = resource.tags[OVERRIDE_TAG];
    const parsed = overrideTag ? parseOverrideTag(overrideTag, input.now) : undefined;
    const override =
      parsed?.ok && parsed.active
        ? { state: parsed.state, ...(parsed.until ? { until: parsed.until } : {}) }
        : undefined;
    const carbon = decision.carbon;
    const threshold = resourcePolicyThreshold(carbon, input.config);
    const pause: PauseParams | undefined = threshold.usable
      ? {
          thresholdGCO2ePerKWh: threshold.threshold,
          hysteresisGCO2ePerKWh: threshold.hysteresis,
          minRunMinutes: input.config.minRunMinutes,
          minStopMinutes: input.config.minStopMinutes,
        }
      : undefined;
    const series = input.seriesFor?.(resource.region);
    const pue = input.config.pueFor(resource.region);
    if (resource.type === 'ec2-instance') {
      const impact = estimateImpact({
        schedule: resolved.schedule,
        ...(override ? { override } : {}),
        from: input.now,
        hours: horizonHours,
        instanceType: resource.instance.instanceType,
        region: resource.region,
        pue,
        prices: input.prices,
        gCO2ePerKWh: carbon.gCO2ePerKWh,
        ...(series ? { intensityAt: series } : {}),
        ...(pause ? { pause } : {}),
      });
      return { decision, impact: { ...impact, energyEstimated: true, notes: [] } };
    }
    const windowText =
      resolved.schedule.useMaintenanceWindow && (resource.type === 'rds-instance' || resource.type === 'rds-cluster')
        ? resource.preferredMaintenanceWindow
        : undefined;
    const window = windowText ? parseMaintenanceWindow(windowText) : undefined;
    const impact = estimateResourceImpact({
      schedule: resolved.schedule,
      ...(override ? { override } : {}),
      ...(window?.ok ? { maintenanceWindow: window.window } : {}),
      from: input.now,
      hours: horizonHours,
      hour: resourceHour(resource, { ec2Prices: input.prices, rdsPrices: input.rdsPrices, pue }),
      gCO2ePerKWh: carbon.gCO2ePerKWh,
      ...(series ? { intensityAt: series } : {}),
      ...(pause ? { pause } : {}),
    });
    return { decision, impact };
  });
  const count = (predicate: (d: ResourceDecision) => boolean) => decisions.filter(predicate).length;
  const sum = (pick: (i: ResourceImpact) => number) => entries.reduce((total, e) => total + pick(e.impact), 0);
  const byType: Partial<Record<ResourceType, number>> = {};
  for (const type of RESOURCE_TYPES) {
    const n = count((d) => d.resourceType === type);
    if (n > 0) byType[type] = n;
  }
  return {
    entries,
    totals: {
      instances: decisions.length,
      managed: count((d) => d.kind === 'managed'),
      start: count((d) => d.action === 'start'),
      stop: count((d) => d.action === 'stop'),
      resize: count((d) => d.action === 'resize'),
      none: count((d) => d.action === 'none'),
      invalidTags: count((d) => d.kind === 'invalid-tag'),
      skipped: count((d) => d.kind === 'skipped'),
      unmanaged: count((d) => d.kind === 'unmanaged'),
      optedOut: count((d) => d.kind === 'opted-out'),
      failed: 0,
      carbonHeld: count((d) => d.carbonDriven === true),
      byType,
      horizonHours,
      estimatedStoppedHours: sum((i) => i.stoppedHours),
      estimatedUsd: sum((i) => i.usd),
      estimatedKWh: sum((i) => i.kWh),
      estimatedGCO2e: sum((i) => i.gCO2e),
    },
  };
}

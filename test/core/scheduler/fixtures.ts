import { resolveConfig } from '../../../lambdas/core/config/resolve';
import type { ConfigInput } from '../../../lambdas/core/config/schema';
import { ScheduleRegistry } from '../../../lambdas/core/schedule';
import type { CarbonInput } from '../../../lambdas/core/scheduler/carbon-input';
import type { InstanceFacts } from '../../../lambdas/core/scheduler/instance-facts';

/** Monday 2026-03-02 (UTC): a working day. */
export const MONDAY_0900 = new Date('2026-03-02T09:00:00Z');
export const MONDAY_0800 = new Date('2026-03-02T08:00:00Z');
export const MONDAY_2000 = new Date('2026-03-02T20:00:00Z');
export const SATURDAY_1200 = new Date('2026-03-07T12:00:00Z');

/** An instance in eu-central-1 with the given tags and state. */
export function instance(
  id: string,
  tags: Record<string, string>,
  state: InstanceFacts['state'] = 'stopped',
  extra: Partial<InstanceFacts> = {},
): InstanceFacts {
  return {
    instanceId: id,
    region: 'eu-central-1',
    instanceType: 'm5.large',
    state,
    tags,
    hibernationConfigured: false,
    ...extra,
  };
}

/** A live Electricity Maps reading for eu-central-1, observed 4 minutes before `now`. */
export function liveCarbon(gCO2ePerKWh: number, now: Date, extra: Partial<CarbonInput> = {}): CarbonInput {
  return {
    region: 'eu-central-1',
    zone: 'DE',
    gCO2ePerKWh,
    provider: 'electricitymaps',
    signal: 'average',
    observedAt: new Date(now.getTime() - 4 * 60_000).toISOString(),
    origin: 'cached',
    ...extra,
  };
}

/** Config (defaults: eu-central-1 threshold 300, hysteresis 30, min run/stop 30 min) and its schedule registry. */
export function setup(input: ConfigInput = {}) {
  const config = resolveConfig(input);
  return { config, registry: ScheduleRegistry.fromConfig(config.schedules, config.timezone) };
}

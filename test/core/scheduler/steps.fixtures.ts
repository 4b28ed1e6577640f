import { InMemoryInstanceStateStore } from '../../../lambdas/adapters/dynamodb/instance-state-store';
import { InMemoryFleet } from '../../../lambdas/adapters/ec2/in-memory-fleet';
import { staticPriceBook } from '../../../lambdas/core/accounting/price-book';
import type { InstanceFacts } from '../../../lambdas/core/scheduler/instance-facts';
import type { RegionPorts, RegionRunInput } from '../../../lambdas/core/scheduler/region-types';
import { scheduleEvaluator } from '../../../lambdas/core/scheduler/schedule-evaluator';
import { runTime } from '../../../lambdas/core/scheduler/tick';
import { liveCarbon, setup } from './fixtures';

/** A region run input over in-memory ports for eu-central-1 at `at` (shared by the step tests). */
export function regionInput(
  at: string,
  instances: InstanceFacts[],
  extra: Partial<Omit<RegionRunInput, 'ports'>> & { ports?: Partial<RegionPorts> } = {},
) {
  const { config, registry } = setup();
  const { now, tick } = runTime(new Date(at), 5);
  const fleet = new InMemoryFleet(instances);
  const states = new InMemoryInstanceStateStore();
  const { ports: portOverrides, ...rest } = extra;
  const ports: RegionPorts = {
    fleet,
    states,
    prices: staticPriceBook({ 'eu-central-1': { 'm5.large': 0.115 } }),
    ...portOverrides,
  };
  const input: RegionRunInput = {
    region: 'eu-central-1',
    tick,
    dryRun: false,
    registry,
    config,
    evaluator: scheduleEvaluator(now),
    carbon: liveCarbon(250, now),
    ...rest,
    ports,
  };
  return { input, fleet, states, now, tick };
}

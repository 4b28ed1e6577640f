import { type Decision, decideInstance } from './decide-instance';
import type { InstanceStateRecord } from './instance-state';
import type { RegionReading } from './read-region';
import type { RegionRunInput } from './region-types';

/**
 * The `decide` step (pure): one {@link decideInstance} per described instance, from the stored records as
 * reconciliation left them, the region's carbon input, its forecast and pending auto resizes.
 */
export function decideRegion(
  input: Pick<RegionRunInput, 'registry' | 'carbon' | 'config' | 'evaluator' | 'tick'>,
  reading: Pick<RegionReading, 'instances' | 'pending' | 'forecast'>,
  stored: ReadonlyMap<string, InstanceStateRecord>,
): Decision[] {
  return reading.instances.map((instance) => {
    const resize = reading.pending.get(instance.instanceId);
    return decideInstance({
      instance,
      registry: input.registry,
      stored: stored.get(instance.instanceId),
      carbon: input.carbon,
      ...(reading.forecast ? { forecast: reading.forecast } : {}),
      config: input.config,
      evaluator: input.evaluator,
      tick: input.tick,
      ...(resize ? { pendingResize: resize } : {}),
    });
  });
}

import { errorMessage } from './batch';
import type { IntensityPoint } from './carbon-policy';
import { type InstanceFacts, SCHEDULE_TAG } from './instance-facts';
import type { RegionState } from './instance-state';
import type { PendingResize } from './ports';
import type { RegionCalls, RegionRunInput } from './region-types';

/** What the `read` step of a region's run gathered (docs/scheduler.md, "The run as a pipeline"). */
export interface RegionReading {
  /** The instances carrying the `Schedule` tag, as EC2 described them. */
  readonly instances: readonly InstanceFacts[];
  /** The region's stored records, run record and unsettled intents. */
  readonly state: RegionState;
  /** Pending `auto` rightsizings by instance id (empty when the store could not be read). */
  readonly pending: ReadonlyMap<string, PendingResize>;
  /** The forecast, read only when an instance uses `defer-start`. */
  readonly forecast?: readonly IntensityPoint[];
  /** Problems that did not stop the read (unreadable instances, rightsizing store, forecast). */
  readonly warnings: readonly string[];
}

/**
 * Read a region: DescribeInstances (paged, tag-filtered), the stored state (one Query), pending auto resizes and,
 * when a `defer-start` schedule is in use, the forecast. DescribeInstances and the state Query failing throw (the
 * region fails in phase `describe`); the rightsizing store and the forecast failing are warnings.
 */
export async function readRegion(input: RegionRunInput, calls: RegionCalls): Promise<RegionReading> {
  const { region, ports } = input;
  const warnings: string[] = [];
  const described = await ports.fleet.describe(region);
  calls.describe = described.calls;
  warnings.push(...described.errors);
  const state = await ports.states.loadRegion(region);
  let pending: ReadonlyMap<string, PendingResize> = new Map();
  if (ports.rightsizing) {
    try {
      pending = await ports.rightsizing.pendingAutoResizes(region);
    } catch (error) {
      warnings.push(`rightsizing recommendations unavailable, no auto resize this run: ${errorMessage(error)}`);
    }
  }
  let forecast: readonly IntensityPoint[] | undefined;
  const needsForecast = described.instances.some((i) => {
    const tag = i.tags[SCHEDULE_TAG];
    const resolved = tag === undefined ? undefined : input.registry.resolve(tag);
    return resolved?.ok === true && resolved.schedule.carbonPolicy === 'defer-start';
  });
  if (needsForecast && input.forecast) {
    try {
      forecast = await input.forecast();
    } catch (error) {
      warnings.push(`forecast unavailable: ${errorMessage(error)}`);
    }
  }
  return { instances: described.instances, state, pending, ...(forecast ? { forecast } : {}), warnings };
}

import type { CarbonProvider, ZoneReading } from '../../core/carbon/provider';
import { regionFacts } from '../../core/carbon/region-facts';
import { staticReading } from '../../core/carbon/static-reading';

/**
 * The static annual factors as a provider: no key, no network, always available, never stale. Its "zone" is the
 * AWS region code itself (factors are per region). `fetchCarbon` never treats it as a live source: the static
 * factor is always the last link of the fallback chain.
 */
export class StaticProvider implements CarbonProvider {
  readonly name = 'static' as const;
  readonly signal = 'average' as const;

  zoneFor(region: string): string | null {
    return regionFacts(region) ? region : null;
  }

  /** The static reading of region `zone` (see `staticReading`); the reading's `zone` is the grid zone. */
  async latest(zone: string, now: Date): Promise<ZoneReading> {
    const { region: _region, ...reading } = staticReading(zone, now);
    return reading;
  }
}

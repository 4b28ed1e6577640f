import { describe, expect, it } from 'vitest';
import { COMMERCIAL_REGIONS, regionFacts, zoneForRegion } from '../../../lambdas/core/carbon/region-facts';
import { providerFixture } from '../../support/replay-server';

describe('Module: region-facts', () => {
  describe('Function: zoneForRegion', () => {
    it('maps every commercial region to a zone that Electricity Maps lists in its /v3/zones answer', () => {
      // Prepare: the recorded /v3/zones body (400 zones).
      const zones = providerFixture<Record<string, { zoneName: string }>>('electricitymaps-zones.json');

      // Act
      const unknown = COMMERCIAL_REGIONS.filter((region) => {
        const zone = zoneForRegion(region);
        return zone === null || zones[zone] === undefined;
      });

      // Assess
      expect(COMMERCIAL_REGIONS.length).toBeGreaterThanOrEqual(30);
      expect(unknown).toEqual([]);
    });

    it('lets carbon.zoneOverrides replace the table zone (us-west-2 → US-NW-BPAT)', () => {
      // Assess
      expect(zoneForRegion('us-west-2')).toBe('US-NW-PACW');
      expect(zoneForRegion('us-west-2', { 'us-west-2': 'US-NW-BPAT' })).toBe('US-NW-BPAT');
      // us-east-1 (N. Virginia) and us-east-2 (Ohio) both draw on PJM
      expect(regionFacts('us-east-1')?.zone).toBe('US-MIDA-PJM');
      expect(regionFacts('us-east-2')?.zone).toBe('US-MIDA-PJM');
    });
  });
});

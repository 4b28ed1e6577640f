import { describe, expect, it } from 'vitest';
import {
  InvalidPriceOverrideError,
  snapshotPriceBook,
  snapshotRegions,
  staticPriceBook,
  withOverrides,
} from '../../../lambdas/core/accounting/price-book';

describe('Module: price-book', () => {
  describe('Function: snapshotPriceBook', () => {
    it.each([
      // From shared data ec2/ec2-ondemand-prices.csv
      ['us-east-1', 'm5.large', 0.096, '2026-07-20'],
      ['eu-central-1', 'm5.large', 0.115, '2024-04-03'],
      ['eu-central-1', 'm6g.large', 0.092, '2024-04-03'],
      ['us-east-1', 't3.micro', 0.0104, '2026-07-20'],
    ])('prices %s %s at %d USD/h (data of %s)', (region, instanceType, usdPerHour, asOf) => {
      // Act
      const quote = snapshotPriceBook().usdPerHour(region, instanceType);

      // Assess
      expect(quote).toEqual({ usdPerHour, source: 'snapshot', asOf });
    });

    it('answers undefined for an unknown type or region', () => {
      // Prepare
      const book = snapshotPriceBook();

      // Act / Assess
      expect(book.usdPerHour('us-east-1', 'm99.huge')).toBeUndefined();
      expect(book.usdPerHour('cn-north-1', 'm5.large')).toBeUndefined();
    });

    it('covers the 31 regions of the snapshot and leaves Local Zones out', () => {
      // Act
      const regions = snapshotRegions();

      // Assess
      expect(regions).toHaveLength(31);
      expect(regions).toContain('us-gov-west-1');
      expect(regions.some((r) => r.includes('-wl1-'))).toBe(false);
    });
  });

  describe('Function: withOverrides', () => {
    it('prefers region/type, then type, then the underlying book', () => {
      // Prepare
      const book = withOverrides(snapshotPriceBook(), { 'eu-central-1/m5.large': 0.08, 'm5.large': 0.09 });

      // Act
      const specific = book.usdPerHour('eu-central-1', 'm5.large');
      const general = book.usdPerHour('us-east-1', 'm5.large');
      const untouched = book.usdPerHour('us-east-1', 'm5.xlarge');

      // Assess
      expect(specific).toEqual({ usdPerHour: 0.08, source: 'override' });
      expect(general).toEqual({ usdPerHour: 0.09, source: 'override' });
      expect(untouched).toEqual({ usdPerHour: 0.192, source: 'snapshot', asOf: '2026-07-20' });
    });

    it('prices a type the book does not know', () => {
      // Prepare
      const book = withOverrides(staticPriceBook({}), { 'x9z.large': 0.5 });

      // Act / Assess
      expect(book.usdPerHour('eu-west-1', 'x9z.large')?.usdPerHour).toBe(0.5);
    });

    it.each([
      ['m5', 0.1],
      ['eu-central-1:m5.large', 0.1],
      ['m5.large', -1],
    ])('rejects override %s = %d', (key, value) => {
      // Act / Assess
      expect(() => withOverrides(snapshotPriceBook(), { [key]: value })).toThrow(InvalidPriceOverrideError);
    });
  });
});

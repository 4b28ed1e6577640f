import { describe, expect, it } from 'vitest';
import { snapshotPriceBook } from '../../../lambdas/core/accounting/price-book';
import {
  ec2TwinOf,
  rdsPriceListEngine,
  resourceHour,
  snapshotRdsPriceBook,
} from '../../../lambdas/core/resources/accounting';
import { dbCluster, dbInstance, group } from './fixtures';

const input = { ec2Prices: snapshotPriceBook(), rdsPrices: snapshotRdsPriceBook(), pue: 1.135 };

// m5.large (Skylake 0.6130 / 4.1042 W per vCPU) at 50%: 2 × 2.35858 W = 4.71716 W; × PUE 1.135 = 5.35398 W.
const M5_LARGE_KWH = 0.00535398;
// r5.large (Cascade Lake and Skylake averaged: 0.651643 / 4.083682 W) at 50%: 2 × 2.367663 W = 4.735325 W; × 1.135.
const R5_LARGE_KWH = 0.00537459;

describe('Module: resources accounting', () => {
  describe('Function: snapshotRdsPriceBook', () => {
    it.each([
      // db.m5.24xlarge PostgreSQL eu-central-1 10.176 × 4/192; db.t3.xlarge MySQL us-east-1 0.272 × 0.5/8;
      // db.r5.12xlarge Aurora MySQL us-east-1 6.96 × 4/96
      ['eu-central-1', 'db.m5.large', 'postgres', 0.212],
      ['us-east-1', 'db.t3.micro', 'mysql', 0.017],
      ['us-east-1', 'db.t3.micro', 'mariadb', 0.017],
      ['us-east-1', 'db.r5.large', 'aurora-mysql', 0.29],
      ['eu-central-1', 'db.r5.large', 'aurora-postgresql', 0.35],
      ['eu-north-1', 'db.m5.24xlarge', 'mysql', 8.618],
    ])('prices %s %s %s at %d USD/h (derived from the bundled source rows)', (region, instanceClass, engine, usd) => {
      // Act
      const quote = snapshotRdsPriceBook().usdPerHour({ region, instanceClass, engine, multiAZ: false });

      // Assess
      expect(quote?.usdPerHour).toBeCloseTo(usd, 6);
      expect(quote?.source).toBe('snapshot');
    });

    it.each([
      ['Multi-AZ', { multiAZ: true }],
      ['a licensed engine', { engine: 'oracle-se2', licenseModel: 'license-included' }],
      ['a Graviton class', { instanceClass: 'db.r6g.large' }],
      ['another region', { region: 'ap-south-1' }],
      ['Aurora I/O-Optimized', { engine: 'aurora-mysql', instanceClass: 'db.r5.large', storageType: 'aurora-iopt1' }],
    ])('does not price %s (not estimated, never guessed)', (_case, extra) => {
      // Act
      const quote = snapshotRdsPriceBook().usdPerHour({
        region: 'eu-central-1',
        instanceClass: 'db.m5.large',
        engine: 'postgres',
        multiAZ: false,
        ...extra,
      });

      // Assess
      expect(quote).toBeUndefined();
    });
  });

  describe('Function: rdsPriceListEngine', () => {
    it.each([
      ['postgres', undefined, { databaseEngine: 'PostgreSQL', licenseModel: 'No license required' }],
      ['aurora-postgresql', undefined, { databaseEngine: 'Aurora PostgreSQL', licenseModel: 'No license required' }],
      [
        'oracle-se2',
        'license-included',
        { databaseEngine: 'Oracle', databaseEdition: 'Standard Two', licenseModel: 'License included' },
      ],
      [
        'sqlserver-web',
        'license-included',
        { databaseEngine: 'SQL Server', databaseEdition: 'Web', licenseModel: 'License included' },
      ],
    ] as const)('maps %s (%s)', (engine, license, expected) => {
      // Act / Assess
      expect(rdsPriceListEngine(engine, license)).toEqual(expected);
    });

    it('has no RDS products for Neptune and DocumentDB', () => {
      expect(rdsPriceListEngine('neptune')).toBeUndefined();
      expect(rdsPriceListEngine('docdb')).toBeUndefined();
    });
  });

  describe('Function: resourceHour', () => {
    it('prices and models an RDS DB instance as its EC2 twin', () => {
      // Act
      const hour = resourceHour(dbInstance('db', {}, 'available'), input);

      // Assess
      expect(ec2TwinOf('db.m5.large')).toBe('m5.large');
      expect(hour.usdPerHour).toBeCloseTo(0.212, 9);
      expect(hour.kWhPerHour).toBeCloseTo(M5_LARGE_KWH, 7);
      expect(hour.notes).toEqual([]);
    });

    it('counts both hosts of a Multi-AZ instance and says its price is not estimated', () => {
      // Act
      const hour = resourceHour(dbInstance('db', {}, 'available', { multiAZ: true }), input);

      // Assess
      expect(hour.usdPerHour).toBeUndefined();
      expect(hour.kWhPerHour).toBeCloseTo(2 * M5_LARGE_KWH, 7);
      expect(hour.notes.join(' ')).toContain('no on-demand price for db.m5.large (postgres, Multi-AZ) in eu-central-1');
    });

    it('sums the members of an Aurora cluster', () => {
      // Act
      const hour = resourceHour(dbCluster('c', {}, 'available'), input);

      // Assess: 2 × 0.35 USD/h (eu-central-1 Aurora PostgreSQL db.r5.large)
      expect(hour.usdPerHour).toBeCloseTo(0.7, 9);
      expect(hour.kWhPerHour).toBeCloseTo(2 * R5_LARGE_KWH, 7);
    });

    it('cannot estimate a cluster whose member classes are unknown', () => {
      // Act
      const hour = resourceHour(dbCluster('c', {}, 'available', { members: [{ id: 'c-1', writer: true }] }), input);

      // Assess
      expect(hour).toEqual({ notes: [expect.stringContaining('classes of the cluster')] });
    });

    it('sums the EC2 instances of a group', () => {
      // Act: 4 × m5.large in eu-central-1 at 0.115 USD/h (bundled EC2 snapshot)
      const hour = resourceHour(group('web', {}, { min: 2, desired: 4, max: 8 }), input);

      // Assess
      expect(hour.usdPerHour).toBeCloseTo(0.46, 9);
      expect(hour.kWhPerHour).toBeCloseTo(4 * M5_LARGE_KWH, 7);
    });

    it('cannot estimate a group at zero (no instances, so no types)', () => {
      // Act
      const hour = resourceHour(group('web', {}, { min: 0, desired: 0, max: 0 }), input);

      // Assess
      expect(hour.usdPerHour).toBeUndefined();
      expect(hour.notes[0]).toContain('no instances');
    });
  });
});

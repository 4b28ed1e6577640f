import { GetProductsCommand, PricingClient } from '@aws-sdk/client-pricing';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { RdsPriceListApiPriceBook } from '../../../lambdas/adapters/pricing/rds-price-list';
import { fixedClock } from '../../../lambdas/core/clock';

/** One AmazonRDS PriceList entry as GetProducts returns it (attributes trimmed to those filtered on). */
function rdsProduct(instanceType: string, databaseEngine: string, deploymentOption: string, usd: string): string {
  return JSON.stringify({
    product: {
      productFamily: 'Database Instance',
      attributes: {
        instanceType,
        databaseEngine,
        deploymentOption,
        regionCode: 'eu-central-1',
        servicecode: 'AmazonRDS',
      },
      sku: 'RDSSKU',
    },
    serviceCode: 'AmazonRDS',
    terms: {
      OnDemand: {
        'RDSSKU.JRTCKXETXF': {
          priceDimensions: { 'RDSSKU.JRTCKXETXF.6YS6EN2CT7': { unit: 'Hrs', pricePerUnit: { USD: usd } } },
          effectiveDate: '2026-06-01T00:00:00Z',
        },
      },
    },
  });
}

const pricing = mockClient(PricingClient);

describe('Module: rds-price-list', () => {
  beforeEach(() => {
    pricing.reset();
  });

  describe('Class: RdsPriceListApiPriceBook', () => {
    it('queries AmazonRDS with engine, deployment and licence, and answers from the cache', async () => {
      // Prepare
      pricing
        .on(GetProductsCommand)
        .resolves({ PriceList: [rdsProduct('db.m6g.large', 'PostgreSQL', 'Multi-AZ', '0.3480000000')] });
      const book = new RdsPriceListApiPriceBook({
        client: new PricingClient({}),
        clock: fixedClock('2026-11-23T09:00:00Z'),
      });
      const query = { region: 'eu-central-1', instanceClass: 'db.m6g.large', engine: 'postgres', multiAZ: true };

      // Act
      const first = await book.prefetch([query, query]);
      const second = await book.prefetch([query]);

      // Assess
      expect(first).toEqual({ fetched: 1, cached: 0, fellBack: [] });
      expect(second).toEqual({ fetched: 0, cached: 1, fellBack: [] });
      expect(book.usdPerHour(query)).toEqual({
        usdPerHour: 0.348,
        source: 'price-list-api',
        asOf: '2026-06-01T00:00:00Z',
      });
      const input = pricing.commandCalls(GetProductsCommand)[0]!.args[0].input;
      expect(input.ServiceCode).toBe('AmazonRDS');
      expect(Object.fromEntries(input.Filters!.map((f) => [f.Field, f.Value]))).toEqual({
        regionCode: 'eu-central-1',
        instanceType: 'db.m6g.large',
        databaseEngine: 'PostgreSQL',
        deploymentOption: 'Multi-AZ',
        licenseModel: 'No license required',
      });
    });

    it('adds the edition for licensed engines and prices Aurora instances as Single-AZ', async () => {
      // Prepare
      pricing.on(GetProductsCommand).resolves({ PriceList: [rdsProduct('db.r6g.large', 'x', 'Single-AZ', '0.29')] });
      const book = new RdsPriceListApiPriceBook({ client: new PricingClient({}) });

      // Act
      await book.prefetch([
        {
          region: 'eu-central-1',
          instanceClass: 'db.m5.large',
          engine: 'sqlserver-web',
          multiAZ: false,
          licenseModel: 'license-included',
        },
        { region: 'eu-central-1', instanceClass: 'db.r6g.large', engine: 'aurora-postgresql', multiAZ: true },
      ]);

      // Assess
      const filters = pricing
        .commandCalls(GetProductsCommand)
        .map((call) => Object.fromEntries(call.args[0].input.Filters!.map((f) => [f.Field, f.Value])));
      expect(filters[0]).toMatchObject({
        databaseEngine: 'SQL Server',
        databaseEdition: 'Web',
        licenseModel: 'License included',
      });
      expect(filters[1]).toMatchObject({ databaseEngine: 'Aurora PostgreSQL', deploymentOption: 'Single-AZ' });
    });

    it('falls back to the bundled snapshot on errors and says why, and never queries engines it cannot price', async () => {
      // Prepare
      pricing
        .on(GetProductsCommand)
        .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
      const book = new RdsPriceListApiPriceBook({ client: new PricingClient({}) });
      const postgres = { region: 'eu-central-1', instanceClass: 'db.m5.large', engine: 'postgres', multiAZ: false };
      const neptune = { region: 'eu-central-1', instanceClass: 'db.r5.large', engine: 'neptune', multiAZ: false };

      // Act
      const report = await book.prefetch([postgres, neptune]);

      // Assess: the snapshot's eu-central-1 db.m5.large PostgreSQL (10.176 × 4/192)
      expect(report.fellBack.map((f) => f.reason).sort()).toEqual([
        'Price List API error: ThrottlingException: Rate exceeded',
        'the Price List has no AmazonRDS products for the engine neptune',
      ]);
      expect(book.usdPerHour(postgres)).toMatchObject({ usdPerHour: 0.212, source: 'snapshot' });
      expect(book.usdPerHour(neptune)).toBeUndefined();
      expect(pricing.commandCalls(GetProductsCommand)).toHaveLength(1);
    });
  });
});

import { GetProductsCommand, PricingClient } from '@aws-sdk/client-pricing';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { PriceListApiPriceBook, parseOnDemandPrice } from '../../../lambdas/adapters/pricing/price-list-api';
import { staticPriceBook } from '../../../lambdas/core/accounting/price-book';
import { fixedClock } from '../../../lambdas/core/clock';

/** One PriceList entry shaped as GetProducts returns it (a JSON string per product; attributes trimmed). */
function productJson(instanceType: string, regionCode: string, usd: string, operation = 'RunInstances'): string {
  return JSON.stringify({
    product: {
      productFamily: 'Compute Instance',
      attributes: {
        instanceType,
        regionCode,
        operatingSystem: 'Linux',
        preInstalledSw: 'NA',
        capacitystatus: 'Used',
        tenancy: 'Shared',
        licenseModel: 'No License required',
        operation,
        vcpu: '2',
        memory: '8 GiB',
        servicecode: 'AmazonEC2',
      },
      sku: 'SKU123EXAMPLE',
    },
    serviceCode: 'AmazonEC2',
    terms: {
      OnDemand: {
        'SKU123EXAMPLE.JRTCKXETXF': {
          priceDimensions: {
            'SKU123EXAMPLE.JRTCKXETXF.6YS6EN2CT7': {
              unit: 'Hrs',
              endRange: 'Inf',
              description: `$${usd} per On Demand Linux ${instanceType} Instance Hour`,
              appliesTo: [],
              rateCode: 'SKU123EXAMPLE.JRTCKXETXF.6YS6EN2CT7',
              beginRange: '0',
              pricePerUnit: { USD: usd },
            },
          },
          sku: 'SKU123EXAMPLE',
          effectiveDate: '2026-07-01T00:00:00Z',
          offerTermCode: 'JRTCKXETXF',
          termAttributes: {},
        },
      },
    },
    version: '20260715000000',
    publicationDate: '2026-07-15T00:00:00Z',
  });
}

const pricingMock = mockClient(PricingClient);

describe('Module: price-list-api', () => {
  beforeEach(() => {
    pricingMock.reset();
  });

  describe('Class: PriceListApiPriceBook', () => {
    it('fetches each distinct pair once with the documented filters and answers from the cache', async () => {
      // Prepare
      pricingMock
        .on(GetProductsCommand)
        .resolves({ FormatVersion: 'aws_v1', PriceList: [productJson('m5.large', 'eu-central-1', '0.1150000000')] });
      const book = new PriceListApiPriceBook({ client: new PricingClient({ region: 'us-east-1' }) });

      // Act
      const report = await book.prefetch([
        { region: 'eu-central-1', instanceType: 'm5.large' },
        { region: 'eu-central-1', instanceType: 'm5.large' },
      ]);
      const again = await book.prefetch([{ region: 'eu-central-1', instanceType: 'm5.large' }]);
      const quote = book.usdPerHour('eu-central-1', 'm5.large');

      // Assess
      expect(report).toEqual({ fetched: 1, cached: 0, fellBack: [] });
      expect(again).toEqual({ fetched: 0, cached: 1, fellBack: [] });
      expect(quote).toEqual({ usdPerHour: 0.115, source: 'price-list-api', asOf: '2026-07-01T00:00:00Z' });
      expect(pricingMock).toHaveReceivedCommandTimes(GetProductsCommand, 1);
      expect(pricingMock).toHaveReceivedCommandWith(GetProductsCommand, {
        ServiceCode: 'AmazonEC2',
        Filters: [
          { Type: 'TERM_MATCH', Field: 'regionCode', Value: 'eu-central-1' },
          { Type: 'TERM_MATCH', Field: 'instanceType', Value: 'm5.large' },
          { Type: 'TERM_MATCH', Field: 'operatingSystem', Value: 'Linux' },
          { Type: 'TERM_MATCH', Field: 'preInstalledSw', Value: 'NA' },
          { Type: 'TERM_MATCH', Field: 'capacitystatus', Value: 'Used' },
          { Type: 'TERM_MATCH', Field: 'tenancy', Value: 'Shared' },
        ],
      });
    });

    it('follows NextToken and prefers the RunInstances (no licence) product', async () => {
      // Prepare
      pricingMock
        .on(GetProductsCommand)
        .resolvesOnce({
          PriceList: [productJson('m5.large', 'us-east-1', '0.2880000000', 'RunInstances:0004')],
          NextToken: 'p2',
        })
        .resolvesOnce({ PriceList: [productJson('m5.large', 'us-east-1', '0.0960000000')] });
      const book = new PriceListApiPriceBook({ client: new PricingClient({ region: 'us-east-1' }) });

      // Act
      await book.prefetch([{ region: 'us-east-1', instanceType: 'm5.large' }]);

      // Assess
      expect(book.usdPerHour('us-east-1', 'm5.large')?.usdPerHour).toBe(0.096);
      expect(pricingMock).toHaveReceivedCommandTimes(GetProductsCommand, 2);
      expect(pricingMock).toHaveReceivedNthCommandWith(GetProductsCommand, 2, { NextToken: 'p2' });
    });

    it('falls back to the snapshot on an API error and says so', async () => {
      // Prepare
      const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
      pricingMock.on(GetProductsCommand).rejects(throttled);
      const book = new PriceListApiPriceBook({
        client: new PricingClient({ region: 'us-east-1', maxAttempts: 1 }),
        fallback: staticPriceBook({ 'eu-central-1': { 'm5.large': 0.115 } }),
      });

      // Act
      const report = await book.prefetch([{ region: 'eu-central-1', instanceType: 'm5.large' }]);
      const quote = book.usdPerHour('eu-central-1', 'm5.large');

      // Assess
      expect(report.fetched).toBe(0);
      expect(report.fellBack).toEqual([
        {
          region: 'eu-central-1',
          instanceType: 'm5.large',
          reason: 'Price List API error: ThrottlingException: Rate exceeded',
        },
      ]);
      expect(quote).toEqual({ usdPerHour: 0.115, source: 'snapshot' });
    });

    it('falls back when the API has no product, and for pairs never prefetched', async () => {
      // Prepare
      pricingMock.on(GetProductsCommand).resolves({ PriceList: [] });
      const book = new PriceListApiPriceBook({ client: new PricingClient({ region: 'us-east-1' }) });

      // Act
      const report = await book.prefetch([{ region: 'us-east-1', instanceType: 'm5.large' }]);

      // Assess
      expect(report.fellBack[0]?.reason).toMatch(/no on-demand Linux price/);
      expect(book.usdPerHour('us-east-1', 'm5.large')).toEqual({
        usdPerHour: 0.096,
        source: 'snapshot',
        asOf: '2026-07-20',
      });
      expect(book.usdPerHour('eu-central-1', 'm5.xlarge')?.source).toBe('snapshot');
    });

    it('refetches after the cache TTL', async () => {
      // Prepare
      pricingMock
        .on(GetProductsCommand)
        .resolves({ PriceList: [productJson('m5.large', 'us-east-1', '0.0960000000')] });
      let now = new Date('2026-11-21T00:00:00Z');
      const book = new PriceListApiPriceBook({
        client: new PricingClient({ region: 'us-east-1' }),
        cacheTtlMinutes: 60,
        clock: () => now,
      });
      await book.prefetch([{ region: 'us-east-1', instanceType: 'm5.large' }]);

      // Act
      now = fixedClock('2026-11-21T01:00:01Z')();
      const report = await book.prefetch([{ region: 'us-east-1', instanceType: 'm5.large' }]);

      // Assess
      expect(report.fetched).toBe(1);
      expect(pricingMock).toHaveReceivedCommandTimes(GetProductsCommand, 2);
    });
  });

  describe('Function: parseOnDemandPrice', () => {
    it('reads pricePerUnit.USD of the hourly dimension', () => {
      // Act
      const parsed = parseOnDemandPrice(JSON.parse(productJson('t3.micro', 'us-east-1', '0.0104000000')));

      // Assess
      expect(parsed?.quote.usdPerHour).toBe(0.0104);
      expect(parsed?.operation).toBe('RunInstances');
    });

    it.each([
      null,
      'text',
      {},
      { terms: { OnDemand: { x: { priceDimensions: { y: { pricePerUnit: { USD: '0' } } } } } } },
    ])('returns undefined for %j', (doc) => {
      // Act / Assess
      expect(parseOnDemandPrice(doc)).toBeUndefined();
    });
  });
});

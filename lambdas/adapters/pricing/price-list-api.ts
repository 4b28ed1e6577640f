import { GetProductsCommand, type GetProductsCommandOutput, PricingClient } from '@aws-sdk/client-pricing';
import pLimit from 'p-limit';
import { type PriceBook, type PriceQuote, snapshotPriceBook } from '../../core/accounting/price-book';
import { type Clock, systemClock } from '../../core/clock';
import { awsClient } from '../aws-client';

/** One (region, instance type) pair to price. */
export interface PricePair {
  readonly region: string;
  readonly instanceType: string;
}

/** A pair the Price List API could not price; lookups for it answer from the fallback book. */
export interface PriceFallback extends PricePair {
  readonly reason: string;
}

/** What {@link PriceListApiPriceBook.prefetch} did. */
export interface PrefetchReport {
  /** Pairs fetched from the Price List API in this call. */
  readonly fetched: number;
  /** Pairs already cached (not older than the cache TTL). */
  readonly cached: number;
  /** Pairs the API could not price (error, throttling, no product): lookups use the fallback (bundled snapshot). */
  readonly fellBack: readonly PriceFallback[];
}

/** Options of {@link PriceListApiPriceBook}. */
export interface PriceListApiOptions {
  /** Pricing client; default a client for us-east-1, the Price List API endpoint that serves every region's prices. */
  readonly client?: PricingClient;
  /** Book answering pairs the API could not price; default the bundled snapshot. */
  readonly fallback?: PriceBook;
  /** Parallel GetProducts calls (default 4; the API is rate limited per account). */
  readonly concurrency?: number;
  /** How long a fetched price stays cached, minutes (default 24 h: on-demand prices change rarely). */
  readonly cacheTtlMinutes?: number;
  readonly clock?: Clock;
}

interface CacheEntry {
  readonly quote: PriceQuote;
  readonly fetchedAtMs: number;
}

/**
 * Prices from the AWS Price List API (`pricing:GetProducts`, service `AmazonEC2`), cached in memory per
 * (region, instance type), with the bundled snapshot as fallback.
 *
 * The interface is prefetch-then-lookup: call `await book.prefetch(pairs)` once per run with the distinct
 * (region, type) pairs of the fleet (parallel, paginated GetProducts), then use the synchronous
 * `usdPerHour(region, type)` from pure core code. A pair that was not prefetched, or that the API could not price,
 * answers from the fallback book with `source: 'snapshot'` and is listed in `prefetch`'s `fellBack` (say so in logs).
 * Create the book at module scope in a Lambda so the cache survives warm invocations.
 *
 * Filters (TERM_MATCH): regionCode, instanceType, operatingSystem=Linux, preInstalledSw=NA, capacitystatus=Used,
 * tenancy=Shared. Price: `terms.OnDemand.*.priceDimensions.*.pricePerUnit.USD` of the product whose
 * `operation` is `RunInstances` (Linux without licence), per hour.
 */
export class PriceListApiPriceBook implements PriceBook {
  private readonly client: PricingClient;
  private readonly fallback: PriceBook;
  private readonly concurrency: number;
  private readonly cacheTtlMs: number;
  private readonly clock: Clock;
  private readonly cache = new Map<string, CacheEntry>();
  /** Number of GetProducts calls made so far (for logs and tests). */
  calls = 0;

  constructor(options: PriceListApiOptions = {}) {
    this.client = options.client ?? awsClient(PricingClient, { region: 'us-east-1' });
    this.fallback = options.fallback ?? snapshotPriceBook();
    this.concurrency = options.concurrency ?? 4;
    this.cacheTtlMs = (options.cacheTtlMinutes ?? 24 * 60) * 60_000;
    this.clock = options.clock ?? systemClock;
  }

  /**
   * Fetch prices for `pairs` not cached yet (duplicates ignored). Never throws: failures are reported in
   * `fellBack` and answered from the fallback book.
   */
  async prefetch(pairs: Iterable<PricePair>): Promise<PrefetchReport> {
    const nowMs = this.clock().getTime();
    const distinct = new Map<string, PricePair>();
    for (const pair of pairs) distinct.set(cacheKey(pair.region, pair.instanceType), pair);
    const todo: PricePair[] = [];
    let cached = 0;
    for (const [key, pair] of distinct) {
      const entry = this.cache.get(key);
      if (entry && nowMs - entry.fetchedAtMs < this.cacheTtlMs) cached += 1;
      else todo.push(pair);
    }
    const limit = pLimit(this.concurrency);
    const fellBack: PriceFallback[] = [];
    let fetched = 0;
    await Promise.all(
      todo.map((pair) =>
        limit(async () => {
          try {
            const quote = await this.fetch(pair);
            if (quote) {
              this.cache.set(cacheKey(pair.region, pair.instanceType), { quote, fetchedAtMs: nowMs });
              fetched += 1;
            } else {
              fellBack.push({ ...pair, reason: 'the Price List API returned no on-demand Linux price' });
            }
          } catch (error) {
            fellBack.push({
              ...pair,
              reason: `Price List API error: ${(error as Error).name}: ${(error as Error).message}`,
            });
          }
        }),
      ),
    );
    return { fetched, cached, fellBack };
  }

  usdPerHour(region: string, instanceType: string): PriceQuote | undefined {
    const entry = this.cache.get(cacheKey(region, instanceType));
    if (entry) return entry.quote;
    return this.fallback.usdPerHour(region, instanceType);
  }

  private async fetch(pair: PricePair): Promise<PriceQuote | undefined> {
    let nextToken: string | undefined;
    const candidates: { quote: PriceQuote; operation: string | undefined }[] = [];
    do {
      this.calls += 1;
      const response: GetProductsCommandOutput = await this.client.send(
        new GetProductsCommand({
          ServiceCode: 'AmazonEC2',
          Filters: [
            { Type: 'TERM_MATCH', Field: 'regionCode', Value: pair.region },
            { Type: 'TERM_MATCH', Field: 'instanceType', Value: pair.instanceType },
            { Type: 'TERM_MATCH', Field: 'operatingSystem', Value: 'Linux' },
            { Type: 'TERM_MATCH', Field: 'preInstalledSw', Value: 'NA' },
            { Type: 'TERM_MATCH', Field: 'capacitystatus', Value: 'Used' },
            { Type: 'TERM_MATCH', Field: 'tenancy', Value: 'Shared' },
          ],
          FormatVersion: 'aws_v1',
          MaxResults: 100,
          ...(nextToken ? { NextToken: nextToken } : {}),
        }),
      );
      for (const raw of priceListEntries(response.PriceList)) {
        const parsed = parseOnDemandPrice(raw);
        if (parsed) candidates.push(parsed);
      }
      nextToken = response.NextToken;
    } while (nextToken);
    const preferred = candidates.find((c) => c.operation === 'RunInstances') ?? candidates[0];
    return preferred?.quote;
  }
}

function cacheKey(region: string, instanceType: string): string {
  return `${region}/${instanceType}`;
}

/** PriceList entries arrive as JSON strings (SDK v3 may wrap them in a lazy JSON string object). */
function priceListEntries(list: GetProductsCommandOutput['PriceList']): unknown[] {
  if (!Array.isArray(list)) return [];
  return list.map((entry: unknown) => {
    if (typeof entry === 'string') return safeJson(entry);
    if (entry !== null && typeof entry === 'object' && !('product' in entry)) return safeJson(String(entry));
    return entry;
  });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * The hourly USD on-demand price in one Price List product document:
 * `{ product: { attributes: { operation } }, terms: { OnDemand: { <offer>: { effectiveDate,
 * priceDimensions: { <rate>: { unit: 'Hrs', pricePerUnit: { USD: '0.0960000000' } } } } } } }`.
 * @returns undefined when the document has no positive hourly USD on-demand price
 */
export function parseOnDemandPrice(
  document: unknown,
): { quote: PriceQuote; operation: string | undefined } | undefined {
  if (document === null || typeof document !== 'object') return undefined;
  const doc = document as {
    product?: { attributes?: Record<string, string> };
    terms?: { OnDemand?: Record<string, { effectiveDate?: string; priceDimensions?: Record<string, unknown> }> };
    publicationDate?: string;
  };
  for (const offer of Object.values(doc.terms?.OnDemand ?? {})) {
    for (const dimension of Object.values(offer.priceDimensions ?? {})) {
      const dim = dimension as { unit?: string; pricePerUnit?: { USD?: string } };
      const usd = Number(dim.pricePerUnit?.USD);
      if (Number.isFinite(usd) && usd > 0 && (dim.unit === undefined || /^hrs?$/i.test(dim.unit))) {
        const asOf = offer.effectiveDate ?? doc.publicationDate;
        return {
          quote: { usdPerHour: usd, source: 'price-list-api', ...(asOf ? { asOf } : {}) },
          operation: doc.product?.attributes?.operation,
        };
      }
    }
  }
  return undefined;
}

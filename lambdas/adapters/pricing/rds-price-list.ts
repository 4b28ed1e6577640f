import { GetProductsCommand, type GetProductsCommandOutput, PricingClient } from '@aws-sdk/client-pricing';
import pLimit from 'p-limit';
import type { PriceQuote } from '../../core/accounting/price-book';
import { type Clock, systemClock } from '../../core/clock';
import {
  type RdsPriceBook,
  type RdsPriceQuery,
  rdsPriceListEngine,
  snapshotRdsPriceBook,
} from '../../core/resources/accounting';
import { awsClient } from '../aws-client';
import { parseOnDemandPrice } from './price-list-api';

/** A query the Price List API could not price; lookups for it answer from the fallback (the bundled snapshot). */
export interface RdsPriceFallback {
  readonly query: RdsPriceQuery;
  readonly reason: string;
}

/** What {@link RdsPriceListApiPriceBook.prefetch} did. */
export interface RdsPrefetchReport {
  readonly fetched: number;
  readonly cached: number;
  readonly fellBack: readonly RdsPriceFallback[];
}

/** Options of {@link RdsPriceListApiPriceBook}. */
export interface RdsPriceListApiOptions {
  /** Pricing client; default a client for us-east-1, the endpoint that serves every region's prices. */
  readonly client?: PricingClient;
  /** Book answering queries the API could not price; default the bundled snapshot. */
  readonly fallback?: RdsPriceBook;
  readonly concurrency?: number;
  /** How long a fetched price stays cached, minutes (default 24 h). */
  readonly cacheTtlMinutes?: number;
  readonly clock?: Clock;
}

/** The cache key of a query: what the price depends on. */
export function rdsPriceKey(query: RdsPriceQuery): string {
  const engine = rdsPriceListEngine(query.engine, query.licenseModel);
  const deployment = query.multiAZ && !query.engine.startsWith('aurora') ? 'Multi-AZ' : 'Single-AZ';
  return [
    query.region,
    query.instanceClass,
    engine?.databaseEngine ?? query.engine,
    engine?.databaseEdition ?? '',
    engine?.licenseModel ?? '',
    deployment,
    query.storageType === 'aurora-iopt1' ? 'iopt1' : '',
  ].join('|');
}

/**
 * RDS prices from the AWS Price List API (`pricing:GetProducts`, service `AmazonRDS`), cached in memory per query,
 * with the bundled snapshot as fallback; the same prefetch-then-lookup use as the EC2 book
 * (lambdas/adapters/pricing/price-list-api.ts).
 *
 * Filters (TERM_MATCH): regionCode, instanceType (the DB instance class), databaseEngine (`MySQL`, `PostgreSQL`,
 * `Aurora PostgreSQL`, …), deploymentOption (`Single-AZ`, or `Multi-AZ` for Multi-AZ DB instances; Aurora prices
 * each instance as `Single-AZ`), licenseModel, and databaseEdition for Oracle, SQL Server and Db2. Price: the
 * product's `terms.OnDemand.*.priceDimensions.*.pricePerUnit.USD` per hour. Aurora I/O-Optimized clusters and
 * engines without RDS products (Neptune, DocumentDB) are not queried: they fall back (and are not priced there).
 */
export class RdsPriceListApiPriceBook implements RdsPriceBook {
  private readonly client: PricingClient;
  private readonly fallback: RdsPriceBook;
  private readonly concurrency: number;
  private readonly cacheTtlMs: number;
  private readonly clock: Clock;
  private readonly cache = new Map<string, { quote: PriceQuote; fetchedAtMs: number }>();
  /** GetProducts calls made so far. */
  calls = 0;

  constructor(options: RdsPriceListApiOptions = {}) {
    this.client = options.client ?? awsClient(PricingClient, { region: 'us-east-1' });
    this.fallback = options.fallback ?? snapshotRdsPriceBook();
    this.concurrency = options.concurrency ?? 4;
    this.cacheTtlMs = (options.cacheTtlMinutes ?? 24 * 60) * 60_000;
    this.clock = options.clock ?? systemClock;
  }

  /** Fetch the prices of `queries` not cached yet. Never throws: failures are listed in `fellBack`. */
  async prefetch(queries: Iterable<RdsPriceQuery>): Promise<RdsPrefetchReport> {
    const nowMs = this.clock().getTime();
    const distinct = new Map<string, RdsPriceQuery>();
    for (const query of queries) distinct.set(rdsPriceKey(query), query);
    const todo: [string, RdsPriceQuery][] = [];
    let cached = 0;
    for (const [key, query] of distinct) {
      const entry = this.cache.get(key);
      if (entry && nowMs - entry.fetchedAtMs < this.cacheTtlMs) cached += 1;
      else todo.push([key, query]);
    }
    const limit = pLimit(this.concurrency);
    const fellBack: RdsPriceFallback[] = [];
    let fetched = 0;
    await Promise.all(
      todo.map(([key, query]) =>
        limit(async () => {
          const engine = rdsPriceListEngine(query.engine, query.licenseModel);
          if (!engine) {
            fellBack.push({ query, reason: `the Price List has no AmazonRDS products for the engine ${query.engine}` });
            return;
          }
          if (query.storageType === 'aurora-iopt1') {
            fellBack.push({ query, reason: 'Aurora I/O-Optimized instance prices are not looked up' });
            return;
          }
          try {
            const quote = await this.fetch(query, engine);
            if (quote) {
              this.cache.set(key, { quote, fetchedAtMs: nowMs });
              fetched += 1;
            } else {
              fellBack.push({ query, reason: 'the Price List API returned no on-demand price' });
            }
          } catch (error) {
            fellBack.push({
              query,
              reason: `Price List API error: ${(error as Error).name}: ${(error as Error).message}`,
            });
          }
        }),
      ),
    );
    return { fetched, cached, fellBack };
  }

  usdPerHour(query: RdsPriceQuery): PriceQuote | undefined {
    return this.cache.get(rdsPriceKey(query))?.quote ?? this.fallback.usdPerHour(query);
  }

  private async fetch(
    query: RdsPriceQuery,
    engine: NonNullable<ReturnType<typeof rdsPriceListEngine>>,
  ): Promise<PriceQuote | undefined> {
    const deployment = query.multiAZ && !query.engine.startsWith('aurora') ? 'Multi-AZ' : 'Single-AZ';
    const filters = [
      { Type: 'TERM_MATCH' as const, Field: 'regionCode', Value: query.region },
      { Type: 'TERM_MATCH' as const, Field: 'instanceType', Value: query.instanceClass },
      { Type: 'TERM_MATCH' as const, Field: 'databaseEngine', Value: engine.databaseEngine },
      { Type: 'TERM_MATCH' as const, Field: 'deploymentOption', Value: deployment },
      { Type: 'TERM_MATCH' as const, Field: 'licenseModel', Value: engine.licenseModel },
      ...(engine.databaseEdition
        ? [{ Type: 'TERM_MATCH' as const, Field: 'databaseEdition', Value: engine.databaseEdition }]
        : []),
    ];
    let nextToken: string | undefined;
    do {
      this.calls += 1;
      const response: GetProductsCommandOutput = await this.client.send(
        new GetProductsCommand({
          ServiceCode: 'AmazonRDS',
          Filters: filters,
          FormatVersion: 'aws_v1',
          MaxResults: 100,
          ...(nextToken ? { NextToken: nextToken } : {}),
        }),
      );
      for (const entry of response.PriceList ?? []) {
        const document = typeof entry === 'string' ? safeJson(entry) : entry;
        const parsed = parseOnDemandPrice(document);
        if (parsed) return parsed.quote;
      }
      nextToken = response.NextToken;
    } while (nextToken);
    return undefined;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

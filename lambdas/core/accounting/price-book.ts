import { gunzipSync } from 'node:zlib';
import { PRICES_TABLE_GZIP_BASE64 } from '../ec2/data/prices.generated';

/** An on-demand price and where it came from. */
export interface PriceQuote {
  /** On-demand Linux, shared tenancy, USD per instance-hour. */
  readonly usdPerHour: number;
  /**
   * `override` (config `priceOverrides`), `price-list-api` (AWS Price List API, fetched this run) or `snapshot`
   * (the bundled table; see NOTICE: us-east-1/GovCloud 2026-07-20, other regions 2024-04-03).
   */
  readonly source: 'override' | 'price-list-api' | 'snapshot';
  /** Date of the price data (YYYY-MM-DD or ISO time), when known. */
  readonly asOf?: string;
}

/**
 * Where prices come from (docs/accounting.md). Lookups are synchronous so pure core code can price many instances;
 * adapters that call AWS fetch ahead (see `PriceListApiPriceBook.prefetch`).
 */
export interface PriceBook {
  /** The on-demand price of `instanceType` in `region`, or undefined when no source knows it. */
  usdPerHour(region: string, instanceType: string): PriceQuote | undefined;
}

interface RegionPrices {
  readonly asOf: string;
  readonly prices: Map<string, number>;
}

let snapshot: Map<string, RegionPrices> | undefined;

function snapshotTable(): Map<string, RegionPrices> {
  if (snapshot) return snapshot;
  const map = new Map<string, RegionPrices>();
  const table = gunzipSync(Buffer.from(PRICES_TABLE_GZIP_BASE64, 'base64')).toString('utf8');
  for (const line of table.split('\n')) {
    if (line === '') continue;
    const [region, asOf, , pairs] = line.split('|');
    const prices = new Map<string, number>();
    for (const pair of (pairs ?? '').split(',')) {
      const eq = pair.indexOf('=');
      if (eq > 0) prices.set(pair.slice(0, eq), Number(pair.slice(eq + 1)));
    }
    map.set(region!, { asOf: asOf!, prices });
  }
  snapshot = map;
  return map;
}

/** Regions the bundled price snapshot covers, sorted (31 regions; no cn-*, no regions opened after 2024-04). */
export function snapshotRegions(): string[] {
  return [...snapshotTable().keys()].sort();
}

/**
 * The bundled on-demand price snapshot (Linux, shared tenancy, USD per hour), derived by
 * scripts/derive-ec2-data.py. `asOf` is the date of the region's data.
 */
export function snapshotPriceBook(): PriceBook {
  return {
    usdPerHour(region, instanceType) {
      const regionPrices = snapshotTable().get(region);
      const usdPerHour = regionPrices?.prices.get(instanceType);
      if (regionPrices === undefined || usdPerHour === undefined) return undefined;
      return { usdPerHour, source: 'snapshot', asOf: regionPrices.asOf };
    },
  };
}

/** A price override key that is neither `instanceType` nor `region/instanceType`, or a negative price. */
export class InvalidPriceOverrideError extends Error {
  constructor(key: string, reason: string) {
    super(
      `priceOverrides[${JSON.stringify(key)}]: ${reason}; keys are "instanceType" (e.g. "m5.large") or ` +
        '"region/instanceType" (e.g. "eu-central-1/m5.large") and values USD per hour ≥ 0',
    );
    this.name = 'InvalidPriceOverrideError';
  }
}

/**
 * `book` with user overrides (config `priceOverrides`, USD per hour) taking precedence:
 * `region/instanceType` first, then `instanceType` (any region), then `book`.
 * @throws {InvalidPriceOverrideError} for a malformed key or a negative/non-finite price
 */
export function withOverrides(book: PriceBook, overrides: Readonly<Record<string, number>> = {}): PriceBook {
  for (const [key, value] of Object.entries(overrides)) {
    if (!/^([a-z]{2}(-gov)?-[a-z]+-\d+\/)?[a-z][a-z0-9-]*\.[a-z0-9-]+$/.test(key)) {
      throw new InvalidPriceOverrideError(key, 'malformed key');
    }
    if (!Number.isFinite(value) || value < 0) throw new InvalidPriceOverrideError(key, `price ${value} is not ≥ 0`);
  }
  if (Object.keys(overrides).length === 0) return book;
  return {
    usdPerHour(region, instanceType) {
      const specific = overrides[`${region}/${instanceType}`];
      if (specific !== undefined) return { usdPerHour: specific, source: 'override' };
      const general = overrides[instanceType];
      if (general !== undefined) return { usdPerHour: general, source: 'override' };
      return book.usdPerHour(region, instanceType);
    },
  };
}

/** A price book from a fixed table, for tests and the CLI: `{ 'eu-central-1': { 'm5.large': 0.115 } }`. */
export function staticPriceBook(
  table: Readonly<Record<string, Readonly<Record<string, number>>>>,
  source: PriceQuote['source'] = 'snapshot',
): PriceBook {
  return {
    usdPerHour(region, instanceType) {
      const usdPerHour = table[region]?.[instanceType];
      return usdPerHour === undefined ? undefined : { usdPerHour, source };
    },
  };
}

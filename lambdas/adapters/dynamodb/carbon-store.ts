import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { KEY_PREFIX, TABLE_KEYS } from '../../contract';
import type { CarbonStore } from '../../core/carbon/carbon-store';
import type { CarbonForecast, CarbonReading } from '../../core/carbon/reading';
import { type BatchOptions, batchGetAll, batchWriteAll } from './batch';
import { expiresAt } from './table';

/** Partition key of a region's carbon items. */
export const carbonPartitionKey = (region: string): string => `${KEY_PREFIX.carbon}${region}`;
/** Sort key of a region's latest reading. */
export const LATEST_SORT_KEY = 'LATEST';
/** Sort key prefix of stored readings (history) and forecasts. */
export const READING_PREFIX = 'READING#';
export const FORECAST_PREFIX = 'FORECAST#';

/** Calls per batch chunk before unprocessed items fail the write (`BatchIncompleteError`). */
const UNPROCESSED_ATTEMPTS = 5;

/** Options of {@link DynamoCarbonStore}. */
export interface DynamoCarbonStoreOptions {
  /** How long items live (TTL attribute `expiresAt`), minutes (config `carbon.cacheTtlMinutes`). */
  readonly ttlMinutes: number;
  /** Waits between retries of unprocessed batch items; default real timers. */
  readonly sleep?: (ms: number) => Promise<void>;
}

type Item = Record<string, unknown>;

const READING_FIELDS = [
  'region',
  'zone',
  'provider',
  'signal',
  'gCO2ePerKWh',
  'observedAt',
  'fetchedAt',
  'isEstimated',
  'isForecast',
] as const;

function readingFromItem(item: Item): CarbonReading | undefined {
  for (const field of READING_FIELDS) if (item[field] === undefined) return undefined;
  if (typeof item.gCO2ePerKWh !== 'number') return undefined;
  const reading: Record<string, unknown> = {};
  for (const field of READING_FIELDS) reading[field] = item[field];
  return reading as unknown as CarbonReading;
}

function readingItem(reading: CarbonReading): Item {
  const item: Item = {};
  for (const field of READING_FIELDS) item[field] = reading[field];
  return item;
}

/**
 * The carbon cache in the product's DynamoDB table (key layout in `table.ts`):
 * - `CARBON#<region>` / `LATEST`: the newest reading of the region, replaced only by a reading with an equal or
 *   later `observedAt` (conditional put, so overlapping runs never move it backwards);
 * - `CARBON#<region>` / `READING#<observedAt>`: every stored reading, for history;
 * - `CARBON#<region>` / `FORECAST#<generatedAt>`: forecasts, points stored compactly as `{ t, g }`.
 * Every item has the TTL attribute `expiresAt` = now + `ttlMinutes`; expired items still present (DynamoDB deletes
 * them lazily) are ignored on read.
 *
 * IAM: dynamodb:PutItem, BatchWriteItem, BatchGetItem, Query on the table.
 */
export class DynamoCarbonStore implements CarbonStore {
  readonly #batchOptions: BatchOptions;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly options: DynamoCarbonStoreOptions,
  ) {
    this.#batchOptions = { maxAttempts: UNPROCESSED_ATTEMPTS, ...(options.sleep ? { sleep: options.sleep } : {}) };
  }

  async putReadings(readings: readonly CarbonReading[], now: Date): Promise<void> {
    const ttl = expiresAt(now, this.options.ttlMinutes);
    const { partitionKey: pk, sortKey: sk, ttl: ttlAttribute } = TABLE_KEYS;
    await Promise.all(
      readings.map(async (reading) => {
        try {
          await this.doc.send(
            new PutCommand({
              TableName: this.tableName,
              Item: {
                [pk]: carbonPartitionKey(reading.region),
                [sk]: LATEST_SORT_KEY,
                ...readingItem(reading),
                [ttlAttribute]: ttl,
              },
              ConditionExpression: 'attribute_not_exists(#pk) OR #observedAt <= :observedAt',
              ExpressionAttributeNames: { '#pk': pk, '#observedAt': 'observedAt' },
              ExpressionAttributeValues: { ':observedAt': reading.observedAt },
            }),
          );
        } catch (error) {
          // A newer reading is already stored: keep it.
          if ((error as { name?: string }).name !== 'ConditionalCheckFailedException') throw error;
        }
      }),
    );
    await this.#batchWrite(
      readings.map((reading) => ({
        [pk]: carbonPartitionKey(reading.region),
        [sk]: `${READING_PREFIX}${reading.observedAt}`,
        ...readingItem(reading),
        [ttlAttribute]: ttl,
      })),
    );
  }

  async putForecasts(forecasts: readonly CarbonForecast[], now: Date): Promise<void> {
    const ttl = expiresAt(now, this.options.ttlMinutes);
    const { partitionKey: pk, sortKey: sk, ttl: ttlAttribute } = TABLE_KEYS;
    await this.#batchWrite(
      forecasts.map((forecast) => ({
        [pk]: carbonPartitionKey(forecast.region),
        [sk]: `${FORECAST_PREFIX}${forecast.generatedAt}`,
        region: forecast.region,
        zone: forecast.zone,
        provider: forecast.provider,
        signal: forecast.signal,
        generatedAt: forecast.generatedAt,
        fetchedAt: forecast.points[0]?.fetchedAt ?? now.toISOString(),
        points: forecast.points.map((point) => ({ t: point.observedAt, g: point.gCO2ePerKWh })),
        [ttlAttribute]: ttl,
      })),
    );
  }

  async latestReadings(regions: readonly string[], now?: Date): Promise<Map<string, CarbonReading>> {
    const found = new Map<string, CarbonReading>();
    const unique = [...new Set(regions)];
    const { partitionKey: pk, sortKey: sk } = TABLE_KEYS;
    const keys = unique.map((region) => ({ [pk]: carbonPartitionKey(region), [sk]: LATEST_SORT_KEY }));
    for (const item of await batchGetAll(this.doc, this.tableName, keys, this.#batchOptions)) {
      if (this.#expired(item, now)) continue;
      const reading = readingFromItem(item);
      if (reading) found.set(reading.region, reading);
    }
    return found;
  }

  async latestForecast(region: string, now?: Date): Promise<CarbonForecast | undefined> {
    const { partitionKey: pk, sortKey: sk } = TABLE_KEYS;
    const output = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
        ExpressionAttributeNames: { '#pk': pk, '#sk': sk },
        ExpressionAttributeValues: { ':pk': carbonPartitionKey(region), ':prefix': FORECAST_PREFIX },
        ScanIndexForward: false,
        Limit: 1,
      }),
    );
    const item = output.Items?.[0];
    if (!item || this.#expired(item, now)) return undefined;
    const fetchedAt = String(item.fetchedAt);
    const points = (item.points as { t: string; g: number }[]).map(
      (point): CarbonReading => ({
        region,
        zone: String(item.zone),
        provider: item.provider as CarbonReading['provider'],
        signal: item.signal as CarbonReading['signal'],
        gCO2ePerKWh: Number(point.g),
        observedAt: point.t,
        fetchedAt,
        isEstimated: true,
        isForecast: true,
      }),
    );
    return {
      region,
      zone: String(item.zone),
      provider: item.provider as CarbonForecast['provider'],
      signal: item.signal as CarbonForecast['signal'],
      generatedAt: String(item.generatedAt),
      points,
    };
  }

  #expired(item: Item, now: Date | undefined): boolean {
    const at = item[TABLE_KEYS.ttl];
    return now !== undefined && typeof at === 'number' && at <= Math.floor(now.getTime() / 1000);
  }

  async #batchWrite(items: readonly Item[]): Promise<void> {
    await batchWriteAll(
      this.doc,
      this.tableName,
      items.map((Item) => ({ PutRequest: { Item } })),
      this.#batchOptions,
    );
  }
}

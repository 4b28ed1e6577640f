import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, paginateQuery, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';

/**
 * The product's single DynamoDB table.
 *
 * Key layout (every item): partition key `pk` (string), sort key `sk` (string); TTL attribute `expiresAt`
 * (epoch seconds). Item families use prefixes so one Query serves one question without scans:
 * - `CARBON#<region>` / `LATEST` and `READING#<observedAt>`: carbon readings; `FORECAST#<generatedAt>` forecasts
 * - `INSTANCE#<region>` / `<instanceId>`: per-instance scheduler state; `HISTORY#<region>#<instanceId>` /
 *   `<at>#<action>`: action history
 * - `LEASE` / `scheduler`: the run lease
 * - `SAVINGS#<yyyy-mm-dd>` / `<region>`: daily savings totals
 * - `RIGHTSIZING#<region>` / `<instanceId>`: recommendations
 * - `JOB#<jobId>` / `DECISION` and `OUTCOME`: dispatch decisions and outcomes
 */
export const TABLE_KEYS = { partitionKey: 'pk', sortKey: 'sk', ttl: 'expiresAt' } as const;

/** Environment variable carrying the table name into every Lambda. */
export const TABLE_NAME_ENV = 'TABLE_NAME';

/** A document client with sensible marshalling (undefined removed, class instances converted). */
export function documentClient(config: DynamoDBClientConfig = {}): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient(config), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: true },
  });
}

/** Epoch seconds `minutes` after `now`, for the `expiresAt` TTL attribute. */
export function expiresAt(now: Date, minutes: number): number {
  return Math.floor(now.getTime() / 1000) + Math.round(minutes * 60);
}

/**
 * Every item of a Query, following `LastEvaluatedKey` page by page (the SDK's own paginator).
 * @returns the items in key order
 */
export async function queryAll(
  doc: DynamoDBDocumentClient,
  input: QueryCommandInput,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  for await (const page of paginateQuery({ client: doc }, input)) {
    items.push(...((page.Items ?? []) as Record<string, unknown>[]));
  }
  return items;
}

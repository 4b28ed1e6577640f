import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, paginateQuery, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { awsClient } from '../aws-client';

/*
 * Access to the product's single DynamoDB table. Keys, key prefixes and item types are part of the contract
 * (lambdas/contract/table.ts) and described in docs/data-model.md.
 */

/** A document client with sensible marshalling (undefined removed, class instances converted). */
export function documentClient(config: DynamoDBClientConfig = {}): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(awsClient(DynamoDBClient, config), {
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

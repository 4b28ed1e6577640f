import { CreateTableCommand, type DynamoDBClient, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { TABLE_KEYS } from '../../lambdas/contract';

/**
 * Create a table shaped like the product's (string `pk` / `sk`, on-demand) on a DynamoDB emulator and wait until it
 * is ACTIVE (dynalite reports CREATING briefly even with createTableMs 0, and writes before ACTIVE fail). Used by the
 * tests and the benchmarks; no vitest import, so benchmarks can use it.
 */
export async function createProductTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: TABLE_KEYS.partitionKey, AttributeType: 'S' },
        { AttributeName: TABLE_KEYS.sortKey, AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
        { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
      ],
    }),
  );
  await waitUntilTableExists({ client, maxWaitTime: 10, minDelay: 0.05, maxDelay: 0.2 }, { TableName: tableName });
}

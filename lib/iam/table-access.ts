import * as iam from 'aws-cdk-lib/aws-iam';
import { FUNCTIONS, KEY_PREFIX, LEASE_KEY } from '../../lambdas/contract';

/** DynamoDB item actions a function may be granted; `Scan` is deliberately not among them. */
export type TableAction =
  | 'dynamodb:GetItem'
  | 'dynamodb:BatchGetItem'
  | 'dynamodb:Query'
  | 'dynamodb:PutItem'
  | 'dynamodb:UpdateItem'
  | 'dynamodb:DeleteItem'
  | 'dynamodb:BatchWriteItem';

/** Actions on the items whose partition key starts with `prefix` (or equals `exactKey`). */
export interface KeyAccess {
  /** A partition-key prefix from lambdas/contract/table.ts, matched as `<prefix>*`. */
  readonly prefix?: string;
  /** An exact partition key (the lease). */
  readonly exactKey?: string;
  readonly actions: readonly TableAction[];
}

const READ_CARBON: KeyAccess = { prefix: KEY_PREFIX.carbon, actions: ['dynamodb:BatchGetItem', 'dynamodb:Query'] };

/**
 * What each control-plane function does to the table, read from its code (docs/security.md, "DynamoDB"): the
 * actions of the stores it builds, on the partitions those stores write or read. The lease is the scheduler's
 * only; history (`HISTORY#`) gets PutItem alone (the store writes it with `attribute_not_exists`), so it is
 * append-only; no function has Scan.
 */
export const TABLE_ACCESS: Readonly<Record<string, readonly KeyAccess[]>> = {
  // DynamoCarbonStore: conditional PutItem of the latest reading, BatchWriteItem of readings and forecasts,
  // BatchGetItem and Query to read back.
  [FUNCTIONS.carbonFetcher]: [
    {
      prefix: KEY_PREFIX.carbon,
      actions: ['dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:BatchWriteItem'],
    },
  ],
  // Carbon lookups; DynamoInstanceStateStore (Query; PutItem of action intents and of fenced state and region-run
  // records, UpdateItem claiming the region-run record's fence, BatchWriteItem of unfenced records and of settled
  // intents' deletes; PutItem of history entries); DynamoSavingsStore (UpdateItem ADD); DynamoLease (GetItem and
  // conditional UpdateItem on the one lease item: acquire, renew, release); DynamoDbRecommendationStore as executor
  // (Query of pending markers, UpdateItem, DeleteItem marker).
  [FUNCTIONS.scheduler]: [
    READ_CARBON,
    {
      prefix: KEY_PREFIX.instance,
      actions: ['dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:BatchWriteItem'],
    },
    { prefix: KEY_PREFIX.history, actions: ['dynamodb:PutItem'] },
    { prefix: KEY_PREFIX.savings, actions: ['dynamodb:UpdateItem'] },
    { prefix: KEY_PREFIX.savingsTotal, actions: ['dynamodb:UpdateItem'] },
    { exactKey: LEASE_KEY.pk, actions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'] },
    { prefix: KEY_PREFIX.rightsizing, actions: ['dynamodb:Query', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'] },
    // DynamoResourceStateStore: Query of a region's RDS/Aurora/Auto Scaling records, BatchWriteItem (puts only) of
    // changed records and of new history entries (docs/resources.md).
    { prefix: KEY_PREFIX.resource, actions: ['dynamodb:Query', 'dynamodb:BatchWriteItem'] },
    { prefix: KEY_PREFIX.resourceHistory, actions: ['dynamodb:BatchWriteItem'] },
  ],
  // DynamoDbRecommendationStore: list (Query), get, put (PutItem + DeleteItem of the marker), putMany (BatchWriteItem).
  [FUNCTIONS.rightsizer]: [
    {
      prefix: KEY_PREFIX.rightsizing,
      actions: [
        'dynamodb:GetItem',
        'dynamodb:Query',
        'dynamodb:PutItem',
        'dynamodb:DeleteItem',
        'dynamodb:BatchWriteItem',
      ],
    },
  ],
  // Carbon lookups; DynamoJobStore: the claim of the job id (conditional PutItem, UpdateItem to deferred and back,
  // DeleteItem to give it back when nothing ran), the decision and its day-index copy (PutItem), Query of a job.
  [FUNCTIONS.dispatcher]: [
    READ_CARBON,
    {
      prefix: KEY_PREFIX.job,
      actions: ['dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
    },
    { prefix: KEY_PREFIX.jobDay, actions: ['dynamodb:PutItem'] },
  ],
  // DynamoJobStore: Query of the job (consistent), conditional PutItem of its first outcome.
  [FUNCTIONS.outcomeRecorder]: [{ prefix: KEY_PREFIX.job, actions: ['dynamodb:Query', 'dynamodb:PutItem'] }],
};

/**
 * The statements granting `serviceName` its {@link TABLE_ACCESS} on `tableArn`: one per distinct action set, each
 * conditioned with `ForAllValues:StringLike` on `dynamodb:LeadingKeys` (every partition key the request touches,
 * including every item of a batch, must match one of the listed prefixes).
 * @throws {Error} when the function has no entry (a new function must declare what it does to the table)
 */
export function tableAccessStatements(serviceName: string, tableArn: string): iam.PolicyStatement[] {
  const access = TABLE_ACCESS[serviceName];
  if (!access) throw new Error(`no table access declared for ${serviceName} (lib/iam/table-access.ts)`);
  const byActions = new Map<string, string[]>();
  for (const entry of access) {
    const key = [...entry.actions].sort().join(',');
    const pattern = entry.exactKey ?? `${entry.prefix}*`;
    byActions.set(key, [...(byActions.get(key) ?? []), pattern]);
  }
  return [...byActions.entries()].map(
    ([actions, keys]) =>
      new iam.PolicyStatement({
        actions: actions.split(','),
        resources: [tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': keys } },
      }),
  );
}

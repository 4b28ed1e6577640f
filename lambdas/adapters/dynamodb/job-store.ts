import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { KEY_PREFIX, TABLE_KEYS } from '../../contract';
import type { DispatchDecision } from '../../core/dispatch/decision';
import type { JobCompletion } from '../../core/dispatch/job-completion';
import type { JobRecords, JobStore } from '../../core/dispatch/ports';
import { batchGetAll } from './batch';
import { expiresAt, queryAll } from './table';

/** How long job decisions and outcomes are kept (DynamoDB TTL), days. */
export const JOB_RECORD_TTL_DAYS = 90;

/** Partition key of a job's records. */
export const jobPartitionKey = (jobId: string): string => `${KEY_PREFIX.job}${jobId}`;
/** Sort keys of a job's records. */
export const JOB_SORT_KEYS = { decision: 'DECISION', outcome: 'OUTCOME', claim: 'CLAIM' } as const;

const isConditionFailure = (error: unknown): boolean => (error as Error)?.name === 'ConditionalCheckFailedException';

/**
 * Partition key of the day index: every decision is also stored under `JOBS#<yyyy-mm-dd of decidedAt, UTC>` /
 * `<decidedAt>#<jobId>`, so the decisions of a period are one Query per day instead of a table Scan.
 */
export const jobDayPartitionKey = (day: string): string => `${KEY_PREFIX.jobDay}${day}`;

const KEY_ATTRIBUTES = [TABLE_KEYS.partitionKey, TABLE_KEYS.sortKey, TABLE_KEYS.ttl, 'recordType'];

function withoutKeys(item: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(item).filter(([key]) => !KEY_ATTRIBUTES.includes(key)));
}

/**
 * Job records in the product's table: `JOB#<jobId>` / `DECISION` (what the dispatcher decided) and
 * `JOB#<jobId>` / `OUTCOME` (what the worker reported), each expiring after {@link JOB_RECORD_TTL_DAYS} days.
 * One Query on the partition returns both.
 */
export class DynamoJobStore implements JobStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async putDecision(decision: DispatchDecision): Promise<void> {
    const ttl = expiresAt(new Date(decision.decidedAt), JOB_RECORD_TTL_DAYS * 24 * 60);
    const put = (pk: string, sk: string) =>
      this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...decision,
            [TABLE_KEYS.partitionKey]: pk,
            [TABLE_KEYS.sortKey]: sk,
            [TABLE_KEYS.ttl]: ttl,
            recordType: 'dispatch-decision',
          },
        }),
      );
    await Promise.all([
      put(jobPartitionKey(decision.jobId), JOB_SORT_KEYS.decision),
      put(jobDayPartitionKey(decision.decidedAt.slice(0, 10)), `${decision.decidedAt}#${decision.jobId}`),
    ]);
  }

  /**
   * Decisions taken on `day` (UTC `YYYY-MM-DD`), in time order, from the day index: one paginated Query.
   * A job re-decided later (a deferral that fired) appears on each day it was decided; the newest copy is the one
   * under `JOB#<jobId>`.
   */
  async decisionsOnDay(day: string): Promise<DispatchDecision[]> {
    const items = await queryAll(this.doc, {
      TableName: this.tableName,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': TABLE_KEYS.partitionKey },
      ExpressionAttributeValues: { ':pk': jobDayPartitionKey(day) },
    });
    return items.map((item) => withoutKeys(item) as unknown as DispatchDecision);
  }

  /** Outcomes of `jobIds` (those that have one), with BatchGetItem (`batchGetAll`: groups of 100, unprocessed keys retried,
   * `BatchIncompleteError` when some stay unprocessed). */
  async outcomes(jobIds: readonly string[]): Promise<Map<string, NonNullable<JobRecords['outcome']>>> {
    const found = new Map<string, NonNullable<JobRecords['outcome']>>();
    const unique = [...new Set(jobIds)];
    const keys = unique.map((jobId) => ({
      [TABLE_KEYS.partitionKey]: jobPartitionKey(jobId),
      [TABLE_KEYS.sortKey]: JOB_SORT_KEYS.outcome,
    }));
    for (const item of await batchGetAll(this.doc, this.tableName, keys)) {
      const outcome = withoutKeys(item) as NonNullable<JobRecords['outcome']>;
      found.set(outcome.jobId, outcome);
    }
    return found;
  }

  async putOutcome(outcome: JobCompletion, recordedAt: Date): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: outcomeItem(outcome, recordedAt) }));
  }

  /**
   * Claim `jobId` (`JOB#<jobId>` / `CLAIM`): a new request with `attribute_not_exists(pk)`, a re-submission by
   * turning a `deferred` claim into `claimed` (condition `#state = :deferred`). The claim lives as long as the job's
   * records.
   */
  async claim(jobId: string, resubmission: boolean, at: Date): Promise<boolean> {
    const key = { [TABLE_KEYS.partitionKey]: jobPartitionKey(jobId), [TABLE_KEYS.sortKey]: JOB_SORT_KEYS.claim };
    try {
      if (resubmission) {
        await this.doc.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: key,
            UpdateExpression: 'SET #state = :claimed, #claimedAt = :at',
            ConditionExpression: '#state = :deferred',
            ExpressionAttributeNames: { '#state': 'state', '#claimedAt': 'claimedAt' },
            ExpressionAttributeValues: { ':claimed': 'claimed', ':deferred': 'deferred', ':at': at.toISOString() },
          }),
        );
      } else {
        return await this.putIfAbsent({
          ...key,
          state: 'claimed',
          claimedAt: at.toISOString(),
          [TABLE_KEYS.ttl]: expiresAt(at, JOB_RECORD_TTL_DAYS * 24 * 60),
          recordType: 'job-claim',
        });
      }
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async markDeferred(jobId: string): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { [TABLE_KEYS.partitionKey]: jobPartitionKey(jobId), [TABLE_KEYS.sortKey]: JOB_SORT_KEYS.claim },
        UpdateExpression: 'SET #state = :deferred',
        ConditionExpression: '#state = :claimed',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':deferred': 'deferred', ':claimed': 'claimed' },
      }),
    );
  }

  async release(jobId: string): Promise<void> {
    await this.doc.send(
      new DeleteCommand({
        TableName: this.tableName,
        Key: { [TABLE_KEYS.partitionKey]: jobPartitionKey(jobId), [TABLE_KEYS.sortKey]: JOB_SORT_KEYS.claim },
      }),
    );
  }

  /** The outcome, written only if the job has none yet (`attribute_not_exists(pk)`). */
  async putFirstOutcome(outcome: JobCompletion, recordedAt: Date): Promise<boolean> {
    return this.putIfAbsent(outcomeItem(outcome, recordedAt));
  }

  /** PutItem on `attribute_not_exists(pk)`: true when written, false when the item was already there. */
  private async putIfAbsent(Item: Record<string, unknown>): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item,
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': TABLE_KEYS.partitionKey },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async getJob(jobId: string): Promise<JobRecords> {
    const response = await this.doc.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': TABLE_KEYS.partitionKey },
        ExpressionAttributeValues: { ':pk': jobPartitionKey(jobId) },
        ConsistentRead: true,
      }),
    );
    const records: { decision?: DispatchDecision; outcome?: JobRecords['outcome'] } = {};
    for (const item of response.Items ?? []) {
      if (item[TABLE_KEYS.sortKey] === JOB_SORT_KEYS.decision)
        records.decision = withoutKeys(item) as unknown as DispatchDecision;
      if (item[TABLE_KEYS.sortKey] === JOB_SORT_KEYS.outcome)
        records.outcome = withoutKeys(item) as JobRecords['outcome'];
    }
    return records;
  }
}

/** Job records in memory, for tests and local runs. JSON round-trips values as DynamoDB would. */
export class InMemoryJobStore implements JobStore {
  readonly decisions = new Map<string, DispatchDecision>();
  readonly outcomes = new Map<string, NonNullable<JobRecords['outcome']>>();
  readonly claims = new Map<string, 'claimed' | 'deferred'>();

  async claim(jobId: string, resubmission: boolean): Promise<boolean> {
    const state = this.claims.get(jobId);
    if (resubmission ? state !== 'deferred' : state !== undefined) return false;
    this.claims.set(jobId, 'claimed');
    return true;
  }

  async markDeferred(jobId: string): Promise<void> {
    if (this.claims.get(jobId) === 'claimed') this.claims.set(jobId, 'deferred');
  }

  async release(jobId: string): Promise<void> {
    this.claims.delete(jobId);
  }

  async putFirstOutcome(outcome: JobCompletion, recordedAt: Date): Promise<boolean> {
    if (this.outcomes.has(outcome.jobId)) return false;
    await this.putOutcome(outcome, recordedAt);
    return true;
  }

  async putDecision(decision: DispatchDecision): Promise<void> {
    this.decisions.set(decision.jobId, JSON.parse(JSON.stringify(decision)));
  }

  async putOutcome(outcome: JobCompletion, recordedAt: Date): Promise<void> {
    this.outcomes.set(outcome.jobId, JSON.parse(JSON.stringify({ ...outcome, recordedAt: recordedAt.toISOString() })));
  }

  async getJob(jobId: string): Promise<JobRecords> {
    const decision = this.decisions.get(jobId);
    const outcome = this.outcomes.get(jobId);
    return { ...(decision ? { decision } : {}), ...(outcome ? { outcome } : {}) };
  }
}

/** The `JOB#<jobId>` / `OUTCOME` item of a completion reported at `recordedAt`, kept as long as the job's records. */
function outcomeItem(outcome: JobCompletion, recordedAt: Date): Record<string, unknown> {
  return {
    ...outcome,
    recordedAt: recordedAt.toISOString(),
    [TABLE_KEYS.partitionKey]: jobPartitionKey(outcome.jobId),
    [TABLE_KEYS.sortKey]: JOB_SORT_KEYS.outcome,
    [TABLE_KEYS.ttl]: expiresAt(recordedAt, JOB_RECORD_TTL_DAYS * 24 * 60),
    recordType: 'job-outcome',
  };
}

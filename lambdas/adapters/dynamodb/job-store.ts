import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { DispatchDecision } from '../../core/dispatch/decision';
import type { JobCompletion } from '../../core/dispatch/job-completion';
import type { JobRecords, JobStore } from '../../core/dispatch/ports';
import { expiresAt, TABLE_KEYS } from './table';

/** How long job decisions and outcomes are kept (DynamoDB TTL), days. */
export const JOB_RECORD_TTL_DAYS = 90;

/** Partition key of a job's records. */
export const jobPartitionKey = (jobId: string): string => `JOB#${jobId}`;
/** Sort keys of a job's records. */
export const JOB_SORT_KEYS = { decision: 'DECISION', outcome: 'OUTCOME' } as const;

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
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...decision,
          [TABLE_KEYS.partitionKey]: jobPartitionKey(decision.jobId),
          [TABLE_KEYS.sortKey]: JOB_SORT_KEYS.decision,
          [TABLE_KEYS.ttl]: expiresAt(new Date(decision.decidedAt), JOB_RECORD_TTL_DAYS * 24 * 60),
          recordType: 'dispatch-decision',
        },
      }),
    );
  }

  async putOutcome(outcome: JobCompletion, recordedAt: Date): Promise<void> {
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...outcome,
          recordedAt: recordedAt.toISOString(),
          [TABLE_KEYS.partitionKey]: jobPartitionKey(outcome.jobId),
          [TABLE_KEYS.sortKey]: JOB_SORT_KEYS.outcome,
          [TABLE_KEYS.ttl]: expiresAt(recordedAt, JOB_RECORD_TTL_DAYS * 24 * 60),
          recordType: 'job-outcome',
        },
      }),
    );
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

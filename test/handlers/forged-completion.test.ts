import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoJobStore } from '../../lambdas/adapters/dynamodb/job-store';
import { fixedClock } from '../../lambdas/core/clock';
import { resolveConfig } from '../../lambdas/core/config/resolve';
import {
  createDispatchOutcomeRecorderHandler,
  OutcomeNotAcceptedError,
} from '../../lambdas/handlers/dispatch-outcome-recorder';
import { createTestTable } from '../support/dynamodb';

let table: Awaited<ReturnType<typeof createTestTable>>;
beforeAll(async () => {
  table = await createTestTable();
});

const completion = (jobId: string, region: string, outcome: 'ok' | 'error' = 'ok') => ({
  version: '0',
  id: `evt-${jobId}-${outcome}`,
  'detail-type': 'JobCompleted',
  source: 'carbon-aware-scheduler',
  account: '123456789012',
  time: '2026-11-21T14:00:00Z',
  region: 'eu-central-1',
  resources: [],
  detail: {
    jobId,
    kind: 'etl',
    region,
    startedAt: '2026-11-21T13:00:00Z',
    endedAt: '2026-11-21T14:00:00Z',
    durationMs: 3_600_000,
    outcome,
    ...(outcome === 'error' ? { error: 'forged' } : {}),
  },
});

async function decision(jobId: string, action: string, region?: string): Promise<void> {
  await table.doc.send(
    new PutCommand({
      TableName: table.tableName,
      Item: { pk: `JOB#${jobId}`, sk: 'DECISION', jobId, action, ...(region ? { chosenRegion: region } : {}) },
    }),
  );
}

function recorder() {
  return createDispatchOutcomeRecorderHandler({
    config: resolveConfig({}),
    store: new DynamoJobStore(table.doc, table.tableName),
    clock: fixedClock(new Date('2026-11-21T14:00:01Z')),
    telemetry: { logger: new Logger({ logLevel: 'SILENT' }), metrics: new Metrics({ namespace: 'Test' }) },
  } as never);
}

describe('Adversarial: a forged completion is never recorded', () => {
  it('a second report (ok → error) for a job that already has an outcome is refused; the first stays', async () => {
    // Prepare
    await decision('job-a', 'dispatched', 'eu-north-1');
    const handler = recorder();
    expect(await handler(completion('job-a', 'eu-north-1', 'ok'))).toMatchObject({ recorded: true });

    // Act
    const forged = await handler(completion('job-a', 'eu-north-1', 'error'));

    // Assess
    expect(forged).toMatchObject({ recorded: false, refused: 'job job-a already has an outcome' });
    const stored = await new DynamoJobStore(table.doc, table.tableName).getJob('job-a');
    expect(stored.outcome?.outcome).toBe('ok');
  });

  it('a report from another region than the job was sent to is refused', async () => {
    // Prepare
    await decision('job-b', 'dispatched', 'eu-north-1');

    // Act
    const response = await recorder()(completion('job-b', 'us-east-1'));

    // Assess
    expect(response).toMatchObject({ recorded: false, refused: 'job job-b was sent to eu-north-1, not us-east-1' });
    expect((await new DynamoJobStore(table.doc, table.tableName).getJob('job-b')).outcome).toBeUndefined();
  });

  it('a report for a deferred (not yet run) job is refused', async () => {
    // Prepare
    await decision('job-c', 'deferred');

    // Act
    const response = await recorder()(completion('job-c', 'eu-north-1'));

    // Assess
    expect(response).toMatchObject({
      recorded: false,
      refused: 'job job-c was not dispatched (its decision is "deferred")',
    });
  });

  it('a report for a job that was never dispatched throws (retried, then dead-lettered and alarmed), writing nothing', async () => {
    // Act / Assess
    await expect(recorder()(completion('job-never', 'eu-north-1'))).rejects.toThrow(OutcomeNotAcceptedError);
    expect((await new DynamoJobStore(table.doc, table.tableName).getJob('job-never')).outcome).toBeUndefined();
  });
});

describe('Adversarial: DynamoJobStore claims are conditional writes', () => {
  it('claims a new id once; a deferred claim is re-claimed once by its re-submission', async () => {
    // Prepare
    const store = new DynamoJobStore(table.doc, table.tableName);
    const at = new Date('2026-11-21T10:00:00Z');

    // Act / Assess
    expect(await store.claim('job-d', false, at)).toBe(true);
    expect(await store.claim('job-d', false, at)).toBe(false);
    expect(await store.claim('job-d', true, at)).toBe(false);
    await store.markDeferred('job-d');
    expect(await store.claim('job-d', false, at)).toBe(false);
    expect(await store.claim('job-d', true, at)).toBe(true);
    expect(await store.claim('job-d', true, at)).toBe(false);
    await store.release('job-d');
    expect(await store.claim('job-d', false, at)).toBe(true);
  });
});

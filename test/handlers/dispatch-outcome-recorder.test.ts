import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoJobStore } from '../../lambdas/adapters/dynamodb/job-store';
import { fixedClock } from '../../lambdas/core/clock';
import {
  createDispatchOutcomeRecorderHandler,
  dispatchOutcomeRecorderWiringFromEnvironment,
} from '../../lambdas/handlers/dispatch-outcome-recorder';
import { InvalidEventError } from '../../lambdas/handlers/shared/events';
import { createTestTable } from '../support/dynamodb';
import { captureEmf } from '../support/emf';
import { functionConfigEnv } from '../support/function-config';

let table: Awaited<ReturnType<typeof createTestTable>>;

/** The dispatcher's decision record of a dispatched job, as DynamoJobStore writes it. */
async function dispatched(jobId: string, region: string): Promise<void> {
  await table.doc.send(
    new PutCommand({
      TableName: table.tableName,
      Item: { pk: `JOB#${jobId}`, sk: 'DECISION', jobId, action: 'dispatched', chosenRegion: region },
    }),
  );
}

const detail = {
  jobId: 'job-9',
  kind: 'report-location',
  region: 'eu-north-1',
  startedAt: '2026-11-21T14:00:00.000Z',
  endedAt: '2026-11-21T14:00:00.040Z',
  durationMs: 40,
  outcome: 'ok',
  result: { gCO2ePerKWh: 25 },
  attempt: 1,
  decidedAt: '2026-11-21T13:59:59.000Z',
};
const envelope = {
  version: '0',
  id: 'evt-1',
  'detail-type': 'JobCompleted',
  source: 'carbon-aware-scheduler',
  account: '123456789012',
  time: '2026-11-21T14:00:00Z',
  region: 'eu-central-1',
  resources: [],
  detail,
};

const telemetry = () => ({
  logger: new Logger({ logLevel: 'SILENT' }),
  metrics: new Metrics({ namespace: 'CarbonAwareScheduler', serviceName: 'dispatch-outcome-recorder' }),
});

function handlerFor(config: Record<string, unknown> = {}) {
  const wiring = dispatchOutcomeRecorderWiringFromEnvironment(
    { ...functionConfigEnv(config), TABLE_NAME: table.tableName },
    { doc: table.doc, clock: fixedClock('2026-11-21T14:00:01Z'), telemetry: telemetry() },
  );
  return createDispatchOutcomeRecorderHandler(wiring);
}

describe('Handler: dispatch-outcome-recorder', () => {
  let stdout: ReturnType<typeof captureEmf>;

  beforeAll(async () => {
    table = await createTestTable();
  });
  afterAll(async () => {
    await table.drop();
  });
  beforeEach(() => {
    stdout = captureEmf();
  });
  afterEach(() => {
    stdout.restore();
  });

  it('stores a JobCompleted event as JOB#<jobId> / OUTCOME and counts it', async () => {
    // Prepare: the dispatcher sent job-9 to eu-north-1
    await dispatched('job-9', 'eu-north-1');
    const handler = handlerFor();

    // Act
    const response = await handler(envelope);

    // Assess
    expect(response).toEqual({ recorded: true, dryRun: false, outcome: detail });
    const stored = await new DynamoJobStore(table.doc, table.tableName).getJob('job-9');
    expect(stored.outcome).toEqual({ ...detail, recordedAt: '2026-11-21T14:00:01.000Z' });
    expect(stdout.logged()).toEqual([
      {
        name: 'JobsCompleted',
        value: 1,
        dimensions: { service: 'dispatch-outcome-recorder', Outcome: 'ok', Region: 'eu-north-1' },
      },
    ]);
    expect(stdout.metrics()).toEqual([]);
  });

  it.each([
    [{ ...envelope, 'detail-type': 'JobRequested' }, 'Invalid event: detail-type: detail-type must be "JobCompleted"'],
    [{ ...envelope, detail: { ...detail, outcome: 'maybe' } }, 'Invalid event: detail.outcome:'],
    [{}, 'Invalid event: detail: detail (the job completion) is required'],
    [{ source: 'carbon-aware-scheduler', 'detail-type': 'JobCompleted', detail }, 'Invalid event: version:'],
    [{ dryrun: true, detail }, 'Invalid event: (event): Unrecognized key: "dryrun"'],
  ])('rejects %j naming the field, writing nothing', async (event, message) => {
    // Prepare
    const handler = handlerFor();

    // Act
    const act = handler(event);

    // Assess
    await expect(act).rejects.toThrow(InvalidEventError);
    await expect(act).rejects.toThrow(message);
  });

  it('dry run: validates and writes nothing', async () => {
    // Prepare
    const handler = handlerFor();

    // Act
    const response = await handler({ dryRun: true, detail: { ...detail, jobId: 'dry-9' } });

    // Assess
    expect(response).toMatchObject({ recorded: false, dryRun: true });
    expect(await new DynamoJobStore(table.doc, table.tableName).getJob('dry-9')).toEqual({});
  });

  it('config dryRun: a JobCompleted event is validated and not recorded or counted', async () => {
    // Prepare
    const handler = handlerFor({ dryRun: true });

    // Act
    const response = await handler({ ...envelope, detail: { ...detail, jobId: 'dry-10' } });

    // Assess
    expect(response).toMatchObject({ recorded: false, dryRun: true });
    expect(await new DynamoJobStore(table.doc, table.tableName).getJob('dry-10')).toEqual({});
    expect(stdout.metrics()).toEqual([]);
    expect(stdout.logged()).toEqual([]);
  });

  it('rethrows when the outcome cannot be written, so Lambda retries the event and keeps it in the DLQ', async () => {
    // Prepare: a table that does not exist
    const wiring = dispatchOutcomeRecorderWiringFromEnvironment(
      { ...functionConfigEnv({}), TABLE_NAME: 'no-such-table' },
      { doc: table.doc, clock: fixedClock('2026-11-21T14:00:01Z'), telemetry: telemetry() },
    );

    // Act
    const act = createDispatchOutcomeRecorderHandler(wiring)(envelope);

    // Assess
    await expect(act).rejects.toThrow(/non-existent table|ResourceNotFound|Requested resource not found/);
    expect(stdout.metrics()).toEqual([]);
    expect(stdout.logged()).toEqual([]);
  });
});

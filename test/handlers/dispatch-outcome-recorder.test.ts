import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, type MockInstance, vi } from 'vitest';
import { DynamoJobStore } from '../../lambdas/adapters/dynamodb/job-store';
import { fixedClock } from '../../lambdas/core/clock';
import { createRecorderHandler, recorderWiringFromEnvironment } from '../../lambdas/handlers/dispatch-outcome-recorder';
import { InvalidEventError } from '../../lambdas/handlers/shared/events';
import { createTestTable } from '../support/dynamodb';

let table: Awaited<ReturnType<typeof createTestTable>>;

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

function handlerFor() {
  const wiring = recorderWiringFromEnvironment(
    { TABLE_NAME: table.tableName },
    { doc: table.doc, clock: fixedClock('2026-11-21T14:00:01Z') },
  );
  return createRecorderHandler(() => wiring);
}

describe('Handler: dispatch-outcome-recorder', () => {
  let stdout: MockInstance;

  beforeAll(async () => {
    table = await createTestTable();
  });
  afterAll(async () => {
    await table.drop();
  });
  beforeEach(() => {
    stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  });
  afterEach(() => {
    stdout.mockRestore();
  });

  it('stores a JobCompleted event as JOB#<jobId> / OUTCOME and counts it', async () => {
    // Prepare
    const handler = handlerFor();

    // Act
    const response = await handler(envelope);

    // Assess
    expect(response).toEqual({ recorded: true, dryRun: false, outcome: detail });
    const stored = await new DynamoJobStore(table.doc, table.tableName).getJob('job-9');
    expect(stored.outcome).toEqual({ ...detail, recordedAt: '2026-11-21T14:00:01.000Z' });
    const emf = stdout.mock.calls.map((call) => String(call[0])).find((line) => line.includes('JobsCompleted'));
    expect(JSON.parse(emf!)).toMatchObject({ JobsCompleted: 1, Outcome: 'ok', Region: 'eu-north-1' });
  });

  it.each([
    [{ ...envelope, 'detail-type': 'JobRequested' }, 'Invalid event: detail-type: detail-type must be "JobCompleted"'],
    [{ ...envelope, detail: { ...detail, outcome: 'maybe' } }, 'Invalid event: detail.outcome:'],
    [{ source: 'carbon-aware-scheduler' }, 'Invalid event: detail: detail (the job completion) is required'],
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
});

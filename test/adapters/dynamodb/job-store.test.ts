import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoJobStore } from '../../../lambdas/adapters/dynamodb/job-store';
import type { DispatchDecision } from '../../../lambdas/core/dispatch/decision';
import type { JobCompletion } from '../../../lambdas/core/dispatch/job-completion';
import { createTestTable } from '../../support/dynamodb';

let table: Awaited<ReturnType<typeof createTestTable>>;

const decision: DispatchDecision = {
  jobId: 'job-1',
  kind: 'etl',
  decidedAt: '2026-11-21T12:00:00.000Z',
  action: 'dispatched',
  dryRun: false,
  reason: 'sent to eu-north-1',
  request: { regions: ['eu-north-1', 'us-east-1'], maxDeferMinutes: 240, minImprovementPercent: 5, noDefer: false },
  candidates: [
    {
      rank: 1,
      region: 'eu-north-1',
      zone: 'SE-SE3',
      provider: 'electricitymaps',
      origin: 'cached',
      signal: 'average',
      gCO2ePerKWh: 28.5,
      adjustedGCO2ePerKWh: 28.5,
      ageSeconds: 600,
      observedAt: '2026-11-21T11:50:00.000Z',
      isEstimated: false,
    },
    {
      rank: 2,
      region: 'us-east-1',
      zone: 'US-MIDA-PJM',
      provider: 'static',
      origin: 'static',
      signal: 'average',
      gCO2ePerKWh: 418,
      adjustedGCO2ePerKWh: 418,
      ageSeconds: null,
      observedAt: '2026-11-21T12:00:00.000Z',
      isEstimated: true,
      fallbackReason: 'no cached reading',
    },
  ],
  home: { region: 'eu-central-1', gCO2ePerKWh: 342, provider: 'static', origin: 'static', ageSeconds: 0 },
  averageGCO2ePerKWh: 223.25,
  energy: { kWh: 2, basis: 'estimatedKWh', durationMinutes: 5, detail: 'energy as given (estimatedKWh)' },
  chosenRegion: 'eu-north-1',
  runAt: '2026-11-21T12:00:00.000Z',
  attempts: [{ region: 'eu-north-1', at: '2026-11-21T12:00:00.000Z', outcome: 'invoked' }],
  deferralNote: 'runs now: no deadline or maxDeferMinutes in the request',
  emissions: { homeGrams: 684, chosenGrams: 57, savedGrams: 627, homeKWh: 2, chosenKWh: 2 },
  job: { kind: 'etl', id: 'job-1', estimatedKWh: 2 },
  jobBytes: 46,
};

const outcome: JobCompletion = {
  jobId: 'job-1',
  kind: 'etl',
  region: 'eu-north-1',
  startedAt: '2026-11-21T12:00:01.000Z',
  endedAt: '2026-11-21T12:00:03.500Z',
  durationMs: 2500,
  outcome: 'ok',
  result: { rows: 10 },
  attempt: 1,
  decidedAt: '2026-11-21T12:00:00.000Z',
};

describe('Module: job-store', () => {
  beforeAll(async () => {
    table = await createTestTable();
  });
  afterAll(async () => {
    await table.drop();
  });

  describe('Class: DynamoJobStore', () => {
    it('writes the decision as JOB#<jobId> / DECISION with a 90-day TTL and reads it back unchanged', async () => {
      // Prepare
      const store = new DynamoJobStore(table.doc, table.tableName);

      // Act
      await store.putDecision(decision);
      const raw = await table.doc.send(
        new GetCommand({ TableName: table.tableName, Key: { pk: 'JOB#job-1', sk: 'DECISION' } }),
      );
      const records = await store.getJob('job-1');

      // Assess: 2026-11-21T12:00:00Z = 1795262400 s; + 90 days (7,776,000 s).
      expect(raw.Item?.expiresAt).toBe(1795262400 + 7_776_000);
      expect(raw.Item?.recordType).toBe('dispatch-decision');
      expect(records.decision).toEqual(decision);
      expect(records.outcome).toBeUndefined();
    });

    it('writes the outcome as JOB#<jobId> / OUTCOME beside the decision; a repeat overwrites it', async () => {
      // Prepare
      const store = new DynamoJobStore(table.doc, table.tableName);

      // Act
      await store.putOutcome(outcome, new Date('2026-11-21T12:00:04Z'));
      await store.putOutcome(outcome, new Date('2026-11-21T12:00:05Z'));
      const records = await store.getJob('job-1');

      // Assess
      expect(records.decision?.jobId).toBe('job-1');
      expect(records.outcome).toEqual({ ...outcome, recordedAt: '2026-11-21T12:00:05.000Z' });
    });

    it('returns nothing for an unknown job', async () => {
      // Act / Assess
      expect(await new DynamoJobStore(table.doc, table.tableName).getJob('nope')).toEqual({});
    });
  });
});

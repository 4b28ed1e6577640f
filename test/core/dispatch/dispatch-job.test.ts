import { describe, expect, it } from 'vitest';
import { InMemoryJobStore } from '../../../lambdas/adapters/dynamodb/job-store';
import type { CarbonForecast, SourcedReading } from '../../../lambdas/core/carbon/reading';
import { DispatchValidationError } from '../../../lambdas/core/dispatch/candidate-regions';
import {
  type DispatchDependencies,
  DispatchFailedError,
  dispatchJob,
  JobReplayedError,
} from '../../../lambdas/core/dispatch/dispatch-job';
import { type DispatchRequestInput, dispatchRequestSchema } from '../../../lambdas/core/dispatch/job-request';
import type { DispatchSettings } from '../../../lambdas/core/dispatch/plan-dispatch';
import type { DeferralRequest, WorkerPayload } from '../../../lambdas/core/dispatch/ports';
import { forecast, sourced } from './support';

const now = new Date('2026-11-21T12:00:00Z');
const REGIONS = ['eu-north-1', 'eu-west-3', 'eu-central-1', 'us-east-1', 'us-west-2'];

const settings: DispatchSettings = {
  homeRegion: 'eu-central-1',
  allowedRegions: REGIONS,
  defaultMaxDeferMinutes: 240,
  minDeferImprovementPercent: 5,
  maxPayloadBytes: 1024,
  pueFor: () => 1.135,
  workerMemoryMB: 512,
  workerTimeoutMinutes: 5,
};

/** eu-west-3 60 g fresh; eu-north-1 30 g but 3 h old (+90 g); home 380; us-east-1 400; us-west-2 250 WattTime 15 min old (+5 g). */
function standardReadings(): SourcedReading[] {
  return [
    sourced('eu-north-1', 30, now, 180),
    sourced('eu-west-3', 60, now, 30),
    sourced('eu-central-1', 380, now, 10),
    sourced('us-east-1', 400, now, 10),
    sourced('us-west-2', 250, now, 15, { provider: 'watttime', origin: 'live' }),
  ];
}

class FakeInvoker {
  readonly calls: { region: string; payload: WorkerPayload }[] = [];
  constructor(private readonly failing: ReadonlySet<string> = new Set()) {}
  async invoke(region: string, payload: WorkerPayload): Promise<void> {
    this.calls.push({ region, payload });
    if (this.failing.has(region)) throw new Error(`TooManyRequestsException: Rate exceeded in ${region}`);
  }
}

class FakeDeferrals {
  readonly scheduled: DeferralRequest[] = [];
  readonly cancelled: string[] = [];
  constructor(private readonly failWith?: string) {}
  async schedule(deferral: DeferralRequest): Promise<void> {
    if (this.failWith) throw new Error(this.failWith);
    this.scheduled.push(deferral);
  }
  async cancel(name: string): Promise<void> {
    this.cancelled.push(name);
  }
}

function setup(
  options: {
    readings?: SourcedReading[];
    failing?: string[];
    forecasts?: CarbonForecast[];
    deferralFailure?: string;
    store?: InMemoryJobStore;
  } = {},
) {
  const readings = options.readings ?? standardReadings();
  const invoker = new FakeInvoker(new Set(options.failing ?? []));
  const deferrals = new FakeDeferrals(options.deferralFailure);
  const store = options.store ?? new InMemoryJobStore();
  const requestedRegions: string[][] = [];
  const deps: DispatchDependencies = {
    carbon: async (regions) => {
      requestedRegions.push([...regions]);
      return new Map(readings.filter((r) => regions.includes(r.reading.region)).map((r) => [r.reading.region, r]));
    },
    forecasts: async (region) => options.forecasts?.find((f) => f.region === region),
    invoker,
    deferrals,
    store,
    newJobId: () => 'generated-id',
  };
  return { deps, invoker, deferrals, store, requestedRegions };
}

const request = (input: DispatchRequestInput) => dispatchRequestSchema.parse(input);

describe('Module: dispatch-job', () => {
  describe('Function: dispatchJob', () => {
    it('sends the job to the region with the lowest adjusted intensity and records the decision', async () => {
      // Prepare
      const { deps, invoker, store, requestedRegions } = setup();

      // Act
      const result = await dispatchJob(
        request({ job: { kind: 'etl', id: 'job-1', estimatedKWh: 2 } }),
        now,
        deps,
        settings,
      );

      // Assess: adjusted values: eu-west-3 60, eu-north-1 30 + (10800 − 5400)/60 = 120, us-west-2 250 + (900 − 600)/60
      // = 255, eu-central-1 380, us-east-1 400.
      const decision = result.decision;
      expect(requestedRegions).toEqual([REGIONS]);
      expect(decision.candidates.map((c) => [c.rank, c.region, c.adjustedGCO2ePerKWh])).toEqual([
        [1, 'eu-west-3', 60],
        [2, 'eu-north-1', 120],
        [3, 'us-west-2', 255],
        [4, 'eu-central-1', 380],
        [5, 'us-east-1', 400],
      ]);
      expect(decision.candidates[1]).toMatchObject({
        gCO2ePerKWh: 30,
        ageSeconds: 10800,
        provider: 'electricitymaps',
        origin: 'cached',
        observedAt: '2026-11-21T09:00:00.000Z',
      });
      expect(decision).toMatchObject({
        jobId: 'job-1',
        action: 'dispatched',
        chosenRegion: 'eu-west-3',
        runAt: '2026-11-21T12:00:00.000Z',
        home: { region: 'eu-central-1', gCO2ePerKWh: 380, ageSeconds: 600 },
        // (30 + 60 + 380 + 400 + 250) / 5
        averageGCO2ePerKWh: 224,
        attempts: [{ region: 'eu-west-3', outcome: 'invoked', at: '2026-11-21T12:00:00.000Z' }],
        // 2 kWh × 380 g at home = 760 g; 2 kWh × 60 g in eu-west-3 = 120 g.
        emissions: { homeGrams: 760, chosenGrams: 120, savedGrams: 640, homeKWh: 2, chosenKWh: 2 },
        deferralNote: 'runs now: no deadline or maxDeferMinutes in the request',
      });
      expect(decision.reason).toBe(
        'sent to eu-west-3 at 60 gCO2e/kWh (electricitymaps, cached, 30 min old), the cleanest of 5 candidate regions; ' +
          'home eu-central-1 is at 380 gCO2e/kWh',
      );
      expect(invoker.calls).toEqual([
        {
          region: 'eu-west-3',
          payload: {
            jobId: 'job-1',
            job: { kind: 'etl', id: 'job-1', estimatedKWh: 2 },
            dispatch: {
              decidedAt: '2026-11-21T12:00:00.000Z',
              region: 'eu-west-3',
              homeRegion: 'eu-central-1',
              zone: 'ZONE-eu-west-3',
              provider: 'electricitymaps',
              origin: 'cached',
              signal: 'average',
              gCO2ePerKWh: 60,
              adjustedGCO2ePerKWh: 60,
              observedAt: '2026-11-21T11:30:00.000Z',
              homeGCO2ePerKWh: 380,
              attempt: 1,
            },
          },
        },
      ]);
      expect(result.recorded).toBe(true);
      expect((await store.getJob('job-1')).decision).toEqual(decision);
    });

    it('breaks ties on adjusted intensity by fresher reading, then by region code', async () => {
      // Prepare
      const fresherWins = setup({
        readings: [
          sourced('eu-north-1', 50, now, 30),
          sourced('eu-west-3', 50, now, 10),
          sourced('eu-central-1', 380, now),
        ],
      });
      const codeWins = setup({
        readings: [
          sourced('eu-west-3', 50, now, 10),
          sourced('eu-north-1', 50, now, 10),
          sourced('eu-central-1', 380, now),
        ],
      });
      const job = request({ job: { kind: 'etl' }, regions: ['eu-north-1', 'eu-west-3'] });

      // Act
      const fresher = await dispatchJob(job, now, fresherWins.deps, settings);
      const byCode = await dispatchJob(job, now, codeWins.deps, settings);

      // Assess
      expect(fresher.decision.chosenRegion).toBe('eu-west-3');
      expect(byCode.decision.chosenRegion).toBe('eu-north-1');
    });

    it('still ranks when every reading is stale, and records the ages and penalties', async () => {
      // Prepare: every reading 4 h old: each gets (14400 − 5400)/60 = 150 g added.
      const { deps } = setup({
        readings: [
          sourced('eu-north-1', 45, now, 240),
          sourced('eu-west-3', 35, now, 240),
          sourced('us-east-1', 420, now, 240),
          sourced('eu-central-1', 300, now, 240),
        ],
      });

      // Act
      const { decision } = await dispatchJob(
        request({ job: { kind: 'etl' }, regions: ['eu-north-1', 'eu-west-3', 'us-east-1'] }),
        now,
        deps,
        settings,
      );

      // Assess
      expect(decision.chosenRegion).toBe('eu-west-3');
      expect(decision.candidates.map((c) => [c.region, c.adjustedGCO2ePerKWh, c.ageSeconds])).toEqual([
        ['eu-west-3', 185, 14400],
        ['eu-north-1', 195, 14400],
        ['us-east-1', 570, 14400],
      ]);
      expect(decision.reason).toContain(
        'eu-west-3 at 35 gCO2e/kWh, adjusted 185 (electricitymaps, cached, 240 min old)',
      );
    });

    it('uses the static annual factor for a region the lookup gave nothing for, never 0 g', async () => {
      // Prepare: no reading at all for us-west-2 (static factor 204 g, Electricity Maps 2025) nor for home.
      const { deps } = setup({ readings: [sourced('eu-north-1', 230, now), sourced('us-east-1', 450, now)] });

      // Act
      const { decision } = await dispatchJob(
        request({ job: { kind: 'etl', estimatedKWh: 1 }, regions: ['eu-north-1', 'us-east-1', 'us-west-2'] }),
        now,
        deps,
        settings,
      );

      // Assess
      const usWest2 = decision.candidates.find((c) => c.region === 'us-west-2');
      expect(usWest2).toMatchObject({
        rank: 1,
        gCO2ePerKWh: 204,
        provider: 'static',
        origin: 'static',
        fallbackReason: 'the carbon lookup returned no reading for the region',
      });
      expect(decision.chosenRegion).toBe('us-west-2');
      expect(decision.reason).toBe(
        'sent to us-west-2 at 204 gCO2e/kWh (static annual average), the cleanest of 3 candidate regions; ' +
          'home eu-central-1 is at 342 gCO2e/kWh',
      );
      // Home eu-central-1 falls back to its static 342 g: 1 kWh × (342 − 204) = 138 g saved.
      expect(decision.home).toMatchObject({ gCO2ePerKWh: 342, origin: 'static' });
      expect(decision.emissions?.savedGrams).toBeCloseTo(138, 9);
    });

    it('falls back to the next cleanest region when an invoke fails, recording both attempts', async () => {
      // Prepare
      const { deps, invoker, store } = setup({ failing: ['eu-west-3'] });

      // Act
      const { decision } = await dispatchJob(
        request({ job: { kind: 'etl', id: 'job-2', estimatedKWh: 2 } }),
        now,
        deps,
        settings,
      );

      // Assess
      expect(invoker.calls.map((c) => [c.region, c.payload.dispatch.attempt])).toEqual([
        ['eu-west-3', 1],
        ['eu-north-1', 2],
      ]);
      expect(decision.attempts).toEqual([
        {
          region: 'eu-west-3',
          at: '2026-11-21T12:00:00.000Z',
          outcome: 'failed',
          error: 'TooManyRequestsException: Rate exceeded in eu-west-3',
        },
        { region: 'eu-north-1', at: '2026-11-21T12:00:00.000Z', outcome: 'invoked' },
      ]);
      expect(decision.chosenRegion).toBe('eu-north-1');
      // 2 kWh × (380 − 30) g.
      expect(decision.emissions?.savedGrams).toBe(700);
      expect(decision.reason).toContain('eu-west-3 failed (TooManyRequestsException: Rate exceeded in eu-west-3)');
      expect(decision.reason).toContain('so it went to the 2nd cleanest of 5 candidate regions');
      expect((await store.getJob('job-2')).decision?.attempts).toHaveLength(2);
    });

    it('fails clearly when every invoke fails, after recording every attempt', async () => {
      // Prepare
      const { deps, store } = setup({ failing: REGIONS });

      // Act
      const act = dispatchJob(
        request({ job: { kind: 'etl', id: 'job-3' }, regions: ['eu-north-1', 'us-east-1'] }),
        now,
        deps,
        settings,
      );

      // Assess
      await expect(act).rejects.toThrow(DispatchFailedError);
      await expect(act).rejects.toThrow(
        'job job-3 could not be dispatched: every worker invoke failed (eu-north-1: TooManyRequestsException: ' +
          'Rate exceeded in eu-north-1; us-east-1: TooManyRequestsException: Rate exceeded in us-east-1); the decision is recorded',
      );
      const { decision } = await store.getJob('job-3');
      expect(decision?.action).toBe('failed');
      expect(decision?.attempts.map((a) => [a.region, a.outcome])).toEqual([
        ['eu-north-1', 'failed'],
        ['us-east-1', 'failed'],
      ]);
      expect(decision?.emissions).toBeUndefined();
    });

    it('defers to a cleaner forecast slot before the deadline and records the deferral', async () => {
      // Prepare: eu-west-3 (60 g now) is forecast at 20 g from 14:00; the job takes 60 minutes, due 18:00.
      const { deps, invoker, deferrals, store } = setup({
        forecasts: [forecast('eu-west-3', '2026-11-21T12:00:00Z', [60, 60, 20, 60, 60, 60])],
      });
      const job = { kind: 'etl', id: 'job-4', estimatedKWh: 2, durationMinutes: 60 };

      // Act
      const { decision } = await dispatchJob(request({ job, deadline: '2026-11-21T18:00:00Z' }), now, deps, settings);

      // Assess
      expect(invoker.calls).toEqual([]);
      expect(deferrals.scheduled).toEqual([
        {
          name: 'job-job-4',
          at: new Date('2026-11-21T14:00:00Z'),
          request: {
            job,
            deadline: '2026-11-21T18:00:00Z',
            noDefer: true,
            deferredFrom: {
              scheduleName: 'job-job-4',
              decidedAt: '2026-11-21T12:00:00.000Z',
              plannedStart: '2026-11-21T14:00:00.000Z',
            },
          },
          description: 'carbon-aware-scheduler: deferred job job-4 (etl), expected eu-west-3',
        },
      ]);
      expect(decision).toMatchObject({
        action: 'deferred',
        chosenRegion: 'eu-west-3',
        runAt: '2026-11-21T14:00:00.000Z',
        deferral: {
          scheduleName: 'job-job-4',
          region: 'eu-west-3',
          start: '2026-11-21T14:00:00.000Z',
          end: '2026-11-21T15:00:00.000Z',
          meanGCO2ePerKWh: 20,
          baselineGCO2ePerKWh: 60,
          // min(12:00 + 240 min, 18:00 − 60 min)
          latestStart: '2026-11-21T16:00:00.000Z',
        },
        // 2 kWh × (380 − 20) g, expected.
        emissions: { savedGrams: 720 },
      });
      expect(decision.deferral?.improvementPercent).toBeCloseTo(66.667, 3);
      expect((await store.getJob('job-4')).decision?.action).toBe('deferred');
    });

    it('runs now when the forecast slot is not cleaner enough, and says so', async () => {
      // Prepare: 58 g against 60 g is 3.3% cleaner; the minimum is 5%.
      const { deps, invoker, deferrals } = setup({
        forecasts: [forecast('eu-west-3', '2026-11-21T12:00:00Z', [60, 60, 58, 60])],
      });

      // Act
      const { decision } = await dispatchJob(
        request({ job: { kind: 'etl', durationMinutes: 60 }, deadline: '2026-11-21T18:00:00Z' }),
        now,
        deps,
        settings,
      );

      // Assess
      expect(deferrals.scheduled).toEqual([]);
      expect(invoker.calls.map((c) => c.region)).toEqual(['eu-west-3']);
      expect(decision.action).toBe('dispatched');
      expect(decision.deferralNote).toMatch(/is 3\.3% cleaner than 60 g now in eu-west-3; deferral needs at least 5%$/);
    });

    it('dispatches now when the deferral schedule cannot be created, and records why', async () => {
      // Prepare
      const { deps, invoker } = setup({
        forecasts: [forecast('eu-west-3', '2026-11-21T12:00:00Z', [60, 60, 20, 60])],
        deferralFailure: 'ConflictException: schedule exists',
      });

      // Act
      const { decision } = await dispatchJob(
        request({ job: { kind: 'etl', durationMinutes: 60 }, maxDeferMinutes: 180 }),
        now,
        deps,
        settings,
      );

      // Assess
      expect(invoker.calls.map((c) => c.region)).toEqual(['eu-west-3']);
      expect(decision.action).toBe('dispatched');
      expect(decision.deferralNote).toMatch(
        /; the deferral schedule could not be created \(ConflictException: schedule exists\), dispatched now instead$/,
      );
    });

    it('never defers a job re-submitted by a deferral schedule', async () => {
      // Prepare: the job's claim was left "deferred" by its first decision
      const { deps, deferrals, invoker, store } = setup({
        forecasts: [forecast('eu-west-3', '2026-11-21T12:00:00Z', [60, 60, 20, 60])],
      });
      store.claims.set('job-5', 'deferred');
      const resubmitted = request({
        job: { kind: 'etl', id: 'job-5', durationMinutes: 60 },
        deadline: '2026-11-21T18:00:00Z',
        noDefer: true,
        deferredFrom: {
          scheduleName: 'job-job-5',
          decidedAt: '2026-11-21T10:00:00.000Z',
          plannedStart: '2026-11-21T12:00:00.000Z',
        },
      });

      // Act
      const { decision } = await dispatchJob(resubmitted, now, deps, settings);

      // Assess
      expect(deferrals.scheduled).toEqual([]);
      expect(invoker.calls).toHaveLength(1);
      expect(decision.request.deferredFrom?.scheduleName).toBe('job-job-5');
      expect(decision.deferralNote).toMatch(/noDefer is set/);
    });

    it('dry run: returns the ranking, choice and deferral it would make, without invoking, scheduling or writing', async () => {
      // Prepare
      const { deps, invoker, deferrals, store } = setup({
        forecasts: [forecast('eu-west-3', '2026-11-21T12:00:00Z', [60, 60, 20, 60])],
      });

      // Act
      const result = await dispatchJob(
        request({
          job: { kind: 'etl', id: 'job-6', durationMinutes: 60 },
          deadline: '2026-11-21T18:00:00Z',
          dryRun: true,
        }),
        now,
        deps,
        settings,
      );

      // Assess
      expect(invoker.calls).toEqual([]);
      expect(deferrals.scheduled).toEqual([]);
      expect(await store.getJob('job-6')).toEqual({});
      expect(result.recorded).toBe(false);
      expect(result.decision).toMatchObject({
        action: 'planned',
        dryRun: true,
        chosenRegion: 'eu-west-3',
        runAt: '2026-11-21T14:00:00.000Z',
        deferral: { scheduleName: 'job-job-6', start: '2026-11-21T14:00:00.000Z', meanGCO2ePerKWh: 20 },
      });
      expect(result.decision.reason).toMatch(/^dry run: would defer: eu-west-3 from 2026-11-21T14:00Z/);
    });

    it('rejects an unallowed region and an oversized payload before invoking or writing anything', async () => {
      // Prepare
      const { deps, invoker, store } = setup();

      // Act
      const unallowed = dispatchJob(
        request({ job: { kind: 'etl', id: 'j' }, regions: ['ap-south-1'] }),
        now,
        deps,
        settings,
      );
      const oversized = dispatchJob(
        request({ job: { kind: 'etl', id: 'k', blob: 'x'.repeat(2000) } }),
        now,
        deps,
        settings,
      );

      // Assess
      await expect(unallowed).rejects.toThrow(DispatchValidationError);
      await expect(unallowed).rejects.toThrow(/region "ap-south-1" is not allowed for dispatch/);
      await expect(oversized).rejects.toThrow(
        /^job: the payload is 2\d{3} bytes; at most 1024 bytes are allowed \(config dispatch.maxPayloadBytes\)$/,
      );
      expect(invoker.calls).toEqual([]);
      expect(store.decisions.size).toBe(0);
    });

    it('generates a job id when the job has none', async () => {
      // Prepare
      const { deps, invoker } = setup();

      // Act
      const { decision } = await dispatchJob(request({ job: { kind: 'report-location' } }), now, deps, settings);

      // Assess
      expect(decision.jobId).toBe('generated-id');
      expect(invoker.calls[0]?.payload.jobId).toBe('generated-id');
      expect(invoker.calls[0]?.payload.job.id).toBe('generated-id');
    });

    it('returns the decision unrecorded when the write fails after the job was dispatched', async () => {
      // Prepare
      const store = new InMemoryJobStore();
      store.putDecision = async () => {
        throw new Error('ProvisionedThroughputExceededException');
      };
      const { deps, invoker } = setup({ store });

      // Act
      const result = await dispatchJob(request({ job: { kind: 'etl' } }), now, deps, settings);

      // Assess
      expect(invoker.calls).toHaveLength(1);
      expect(result).toMatchObject({ recorded: false, recordError: 'ProvisionedThroughputExceededException' });
    });
  });

  describe('Adversarial: a replayed job id never runs twice', () => {
    it('refuses a second request with the same job id: one invoke, the second throws JobReplayedError', async () => {
      // Prepare
      const { deps, invoker } = setup();
      const same = request({ job: { kind: 'etl', id: 'job-replay', estimatedKWh: 2 } });
      await dispatchJob(same, now, deps, settings);

      // Act
      const replay = dispatchJob(same, now, deps, settings);

      // Assess
      await expect(replay).rejects.toThrow(JobReplayedError);
      await expect(dispatchJob(same, now, deps, settings)).rejects.toThrow(
        'job id job-replay was already dispatched; a repeated request never runs twice (use a new job id)',
      );
      expect(invoker.calls).toHaveLength(1);
    });

    it('refuses a forged re-submission of a job that was never deferred', async () => {
      // Prepare: job-x was dispatched at once; a forged request claims to be its deferred run
      const { deps, invoker } = setup();
      await dispatchJob(request({ job: { kind: 'etl', id: 'job-x' } }), now, deps, settings);
      const forged = request({
        job: { kind: 'etl', id: 'job-x' },
        noDefer: true,
        deferredFrom: { scheduleName: 'job-job-x', decidedAt: now.toISOString(), plannedStart: now.toISOString() },
      });

      // Act / Assess
      await expect(dispatchJob(forged, now, deps, settings)).rejects.toThrow(
        'job job-x is not waiting for its deferred run (already re-submitted, or never deferred); nothing was run',
      );
      expect(invoker.calls).toHaveLength(1);
    });

    it('gives the id back when every invoke failed, so a retry of the same request may run it', async () => {
      // Prepare
      const { deps, store } = setup({ failing: REGIONS });
      const job = request({ job: { kind: 'etl', id: 'job-f' } });
      await expect(dispatchJob(job, now, deps, settings)).rejects.toThrow(DispatchFailedError);

      // Assess
      expect(store.claims.has('job-f')).toBe(false);
    });
  });
});

import { describe, expect, it } from 'vitest';
import { buildReport, defaultBucketMinutes } from '../../../lambdas/core/report/build-report';
import { reportPeriod } from '../../../lambdas/core/report/period';
import type {
  ReportDecision,
  ReportHistoryEntry,
  ReportInput,
  ReportInstance,
  ReportReading,
  ReportRecommendation,
} from '../../../lambdas/core/report/report-input';
import { emptyReportInput } from '../../../lambdas/core/report/report-input';

const period = reportPeriod('2026-11-23', '2026-11-24');
const generatedAt = new Date('2026-11-25T00:00:00.000Z');

function input(overrides: Partial<ReportInput> = {}): ReportInput {
  return {
    ...emptyReportInput(period, { kind: 'dynamodb', description: 't (eu-central-1)' }),
    managedRegions: ['eu-central-1'],
    ...overrides,
  };
}

const reading = (region: string, observedAt: string, g: number, provider = 'electricitymaps'): ReportReading => ({
  region,
  zone: 'DE',
  provider: provider as ReportReading['provider'],
  signal: 'average',
  gCO2ePerKWh: g,
  observedAt,
  isEstimated: false,
});

const action = (
  at: string,
  kind: ReportHistoryEntry['action'],
  outcome: ReportHistoryEntry['outcome'] = 'ok',
  instanceId = 'i-1',
): ReportHistoryEntry => ({
  region: 'eu-central-1',
  instanceId,
  at,
  action: kind,
  outcome,
  schedule: 'office-hours',
  instanceType: 'm5.large',
});

describe('Module: build-report', () => {
  describe('Function: buildReport', () => {
    it('counts hibernations as stops, failed actions apart, and reverts only by type', () => {
      // Prepare
      const history = [
        action('2026-11-23T08:00:00.000Z', 'start'),
        action('2026-11-23T18:00:00.000Z', 'hibernate'),
        action('2026-11-24T08:00:00.000Z', 'start', 'failed'),
        action('2026-11-24T08:05:00.000Z', 'revert'),
        action('2026-11-24T18:00:00.000Z', 'stop'),
      ];

      // Act
      const model = buildReport(input({ history }), { generatedAt });

      // Assess
      expect(model.days.map((d) => [d.starts, d.stops])).toEqual([
        [1, 1],
        [0, 1],
      ]);
      expect(model.totals.failedActions).toBe(1);
      expect(model.actionsByType).toEqual([
        { action: 'start', ok: 1, failed: 1 },
        { action: 'stop', ok: 1, failed: 0 },
        { action: 'resize', ok: 0, failed: 0 },
        { action: 'hibernate', ok: 1, failed: 0 },
        { action: 'revert', ok: 1, failed: 0 },
      ]);
    });

    it('averages readings per hour bucket and per day, and ignores readings outside the period', () => {
      // Prepare
      const readings = [
        reading('eu-central-1', '2026-11-23T08:05:00.000Z', 100),
        reading('eu-central-1', '2026-11-23T08:55:00.000Z', 200),
        reading('eu-central-1', '2026-11-23T10:00:00.000Z', 600, 'static'),
        reading('eu-central-1', '2026-11-25T00:00:00.000Z', 10_000),
      ];

      // Act
      const model = buildReport(input({ carbonRegions: ['eu-central-1'], readings }), { generatedAt });

      // Assess
      expect(model.intensitySeries).toEqual({
        bucketMinutes: 60,
        series: [
          {
            region: 'eu-central-1',
            points: [
              { t: '2026-11-23T08:00:00.000Z', gCO2ePerKWh: 150 },
              { t: '2026-11-23T10:00:00.000Z', gCO2ePerKWh: 600 },
            ],
          },
        ],
      });
      // (100 + 200 + 600) / 3 = 300
      expect(model.regionSummaries[0]?.intensity).toEqual({
        meanGCO2ePerKWh: 300,
        minGCO2ePerKWh: 100,
        maxGCO2ePerKWh: 600,
        readings: 3,
      });
      expect(model.regionSummaries[0]?.providers).toEqual(['electricitymaps', 'static']);
      expect(model.dayRegions.find((r) => r.day === '2026-11-24')?.intensity).toBeNull();
    });

    it('counts only real dispatched decisions of the period in the chosen region, and outcomes of those jobs', () => {
      // Prepare
      const decision = (
        jobId: string,
        decidedAt: string,
        act: ReportDecision['action'],
        dryRun = false,
      ): ReportDecision => ({
        jobId,
        kind: 'etl',
        decidedAt,
        action: act,
        dryRun,
        chosenRegion: 'eu-north-1',
        emissions: { homeGrams: 100, chosenGrams: 20, savedGrams: 80, homeKWh: 1, chosenKWh: 1 },
      });
      const decisions = [
        decision('a', '2026-11-23T01:00:00.000Z', 'dispatched'),
        decision('b', '2026-11-23T02:00:00.000Z', 'dispatched', true),
        decision('c', '2026-11-24T02:00:00.000Z', 'deferred'),
        decision('d', '2026-11-22T23:59:59.000Z', 'dispatched'),
      ];
      const outcomes = [
        { jobId: 'a', region: 'eu-north-1', outcome: 'ok' as const },
        { jobId: 'd', region: 'eu-north-1', outcome: 'error' as const, endedAt: '2026-11-22T23:59:59.999Z' },
      ];

      // Act
      const model = buildReport(input({ decisions, outcomes }), { generatedAt });

      // Assess
      expect(model.totals.dispatchedJobs).toBe(1);
      expect(model.totals.gCO2eSavedByDispatch).toBe(80);
      expect(model.dispatchByRegion).toEqual([{ region: 'eu-north-1', jobs: 1, gCO2eSaved: 80 }]);
      expect(model.dispatchNotDispatched).toEqual({ deferred: 1, failed: 0, planned: 1 });
      const north = model.regionSummaries.find((r) => r.region === 'eu-north-1');
      expect([north?.jobOutcomesOk, north?.jobOutcomesFailed]).toEqual([1, 0]);
    });

    it('lists open and pending-apply recommendations by monthly USD, and leaves out applied, dismissed and advice-free ones', () => {
      // Prepare
      const rec = (instanceId: string, status: ReportRecommendation['status'], usd: number): ReportRecommendation => ({
        region: 'eu-central-1',
        instanceId,
        currentInstanceType: 'm5.xlarge',
        outcome: status ? 'downsize' : 'no-change',
        monthlySavingsUsd: usd,
        monthlySavingsGCO2e: usd * 10,
        ...(status ? { status } : {}),
      });
      const recommendations = [
        rec('i-small', 'open', 5),
        rec('i-big', 'pending-apply', 50),
        rec('i-done', 'applied', 70),
        rec('i-no', 'dismissed', 80),
        rec('i-none', undefined, 0),
      ];

      // Act
      const model = buildReport(input({ recommendations }), { generatedAt });

      // Assess
      expect(model.rightsizing.map((r) => r.instanceId)).toEqual(['i-big', 'i-small']);
      expect(model.totals.rightsizingOpenMonthlyUsd).toBe(55);
      expect(model.totals.rightsizingOpenMonthlyGCO2e).toBe(550);
      expect(model.regionSummaries[0]?.rightsizingOpenMonthlyUsd).toBe(55);
    });

    it('ranks top instances by USD, then grams, then actions, and leaves out those with neither savings nor actions', () => {
      // Prepare
      const instance = (instanceId: string, usd: number, g: number): ReportInstance => ({
        instanceId,
        region: 'eu-central-1',
        schedule: 'office-hours',
        instanceType: 'm5.large',
        savedUsd: usd,
        savedGCO2e: g,
        savedKWh: 0,
        stoppedHours: 0,
      });
      const instances = [
        instance('i-a', 1, 10),
        instance('i-b', 1, 20),
        instance('i-c', 0, 0),
        instance('i-d', 0, 0),
        instance('i-e', 3, 0),
      ];
      const history = [action('2026-11-23T08:00:00.000Z', 'start', 'ok', 'i-c')];

      // Act
      const model = buildReport(input({ instances, history }), { generatedAt, topInstances: 3 });

      // Assess
      expect(model.topInstances.map((i) => i.instanceId)).toEqual(['i-e', 'i-b', 'i-a']);
    });

    it('warns about carbon regions without readings and about periods beyond the 90-day history', () => {
      // Prepare
      const old = { ...input({ carbonRegions: ['eu-west-3'] }), period: reportPeriod('2026-06-01', '2026-06-02') };

      // Act
      const model = buildReport(old, { generatedAt });

      // Assess
      expect(model.warnings).toEqual([
        'no stored carbon readings for eu-west-3 in the period (readings are kept carbon.cacheTtlMinutes; see data sources)',
        'the period starts more than 90 days ago: actions and dispatch records older than 2026-08-27 have expired from the table (savings totals are kept)',
      ]);
    });

    it('makes one CSV cell per day and region, zero-filled, with cumulative day totals', () => {
      // Prepare
      const savings = [
        { day: '2026-11-23', region: 'eu-central-1', usd: 1.5, gCO2e: 10, kWh: 0.1, stoppedHours: 2, runs: 1 },
        { day: '2026-11-24', region: 'eu-central-1', usd: 2.25, gCO2e: 30, kWh: 0.2, stoppedHours: 3, runs: 1 },
        { day: '2026-11-25', region: 'eu-central-1', usd: 99, gCO2e: 99, kWh: 9, stoppedHours: 9, runs: 1 },
      ];

      // Act
      const model = buildReport(input({ savings, managedRegions: ['eu-central-1', 'us-east-1'] }), { generatedAt });

      // Assess
      expect(model.dayRegions.map((r) => `${r.day} ${r.region} ${r.usdSaved}`)).toEqual([
        '2026-11-23 eu-central-1 1.5',
        '2026-11-23 us-east-1 0',
        '2026-11-24 eu-central-1 2.25',
        '2026-11-24 us-east-1 0',
      ]);
      expect(model.days.map((d) => d.cumulativeUsdSaved)).toEqual([1.5, 3.75]);
      expect(model.days.map((d) => d.cumulativeGCO2eAvoided)).toEqual([10, 40]);
      expect(model.totals.usdSaved).toBe(3.75);
    });
  });

  describe('Function: defaultBucketMinutes', () => {
    it('uses hours up to 31 days, 6 hours up to 92 days, then days', () => {
      // Prepare, Act
      const buckets = [1, 31, 32, 92, 93, 366].map(defaultBucketMinutes);

      // Assess
      expect(buckets).toEqual([60, 60, 360, 360, 1440, 1440]);
    });
  });
});

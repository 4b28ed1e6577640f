import { describe, expect, it } from 'vitest';
import {
  alarmMetrics,
  customMetricSeries,
  dynamoItemSizeBytes,
  eventuallyConsistentReadUnits,
  monthlyRunningCost,
  RunningCostInputError,
  UNIT_PRICES,
  writeUnits,
} from '../../bench/running-cost-model';
import { METRICS } from '../../lambdas/contract';

const shape = { carbonRegions: 6, managedRegions: 3, workerRegions: 5, providers: 4, controlPlaneFunctions: 5 };

describe('Module: running-cost', () => {
  describe('Function: monthlyRunningCost', () => {
    it('prices Lambda, DynamoDB and CloudWatch usage by the formula (hand-computed, us-east-1)', () => {
      // Prepare
      const input = {
        functions: [
          { name: 'scheduler', invocationsPerMonth: 8766, avgBilledMs: 500, memoryMB: 1024, basis: 'measured' },
        ],
        dynamoWriteUnitsPerMonth: 2_000_000,
        dynamoReadUnitsPerMonth: 4_000_000,
        dynamoStoredGB: 2,
        metricSeries: 10,
        dashboards: 1,
        alarmMetrics: 20,
        getMetricDataMetricsPerMonth: 300_000,
        logGBIngestedPerMonth: 4,
        logGBStored: 1,
      };

      // Act
      const cost = monthlyRunningCost(input, UNIT_PRICES['us-east-1']);

      // Assess
      // Lambda: 8766 × 0.2/1e6 = 0.0017532; 8766 × 0.5 s × 1 GB = 4383 GB-s × 0.0000133334 = 0.05844029
      expect(cost.byService.Lambda).toBeCloseTo(0.0017532 + 0.05844029, 7);
      // DynamoDB: 2 × 0.625 + 4 × 0.125 + 2 × 0.25 = 1.25 + 0.5 + 0.5 = 2.25
      expect(cost.byService.DynamoDB).toBeCloseTo(2.25, 9);
      // CloudWatch: 10 × 0.30 + 3 + 20 × 0.10 + 300 × 0.01 + 4 × 0.50 + 1 × 0.03 = 3 + 3 + 2 + 3 + 2 + 0.03 = 13.03
      expect(cost.byService.CloudWatch).toBeCloseTo(13.03, 9);
      expect(cost.totalUsd).toBeCloseTo(0.06019349 + 2.25 + 13.03, 7);
      expect(cost.lines.find((l) => l.item.startsWith('scheduler duration'))?.quantity).toBeCloseTo(4383, 9);
    });

    it('rejects negative or non-finite usage, naming the field', () => {
      // Prepare
      const input = {
        functions: [{ name: 'fetcher', invocationsPerMonth: -1, avgBilledMs: 1, memoryMB: 128, basis: 'x' }],
        dynamoWriteUnitsPerMonth: 0,
        dynamoReadUnitsPerMonth: 0,
        dynamoStoredGB: 0,
        metricSeries: 0,
        dashboards: 0,
        alarmMetrics: 0,
        getMetricDataMetricsPerMonth: 0,
        logGBIngestedPerMonth: Number.NaN,
        logGBStored: 0,
      };

      // Act
      const act = () => monthlyRunningCost(input, UNIT_PRICES['eu-central-1']);

      // Assess
      expect(act).toThrow(RunningCostInputError);
      expect(act).toThrow('fetcher.invocationsPerMonth = -1 is not allowed');
    });
  });

  describe('Function: customMetricSeries', () => {
    it('counts series by regions, providers, states, actions and periods, never by fleet size (hand count)', () => {
      // Prepare, Act
      const series = customMetricSeries(shape);

      // Assess
      // fetcher 6 + 6 + 4 = 16; scheduler per region 1+1+3+1+1+4+1 = 12 × 3 = 36; totals 3 + 3 = 6;
      // run-level ActionFailures 1 + StaleEventsSkipped 1; PriceFallbacks per region 3; dispatcher 5 + 1 + 1 + 5 + 1 =
      // 13; recorder 5 × 2 = 10; rightsizer 3 + 3 = 6 → 92
      expect(series.total).toBe(92);
      expect(Object.keys(series.byMetric).sort()).toEqual(Object.keys(METRICS).sort());
    });
  });

  describe('Function: alarmMetrics', () => {
    it('counts the alarm metrics of the deployed alarms (hand count)', () => {
      // Prepare, Act
      const count = alarmMetrics(shape);

      // Assess
      // 5 functions × 2 + 6 stale-data + 1 run-level action failures + 1 dispatch + 5 workers × 2 = 28
      expect(count).toBe(28);
    });
  });

  describe('Function: dynamoItemSizeBytes and request units', () => {
    it('sizes an item by DynamoDB rules (names + values; numbers by significant digits; maps and lists with overhead)', () => {
      // Prepare
      const item = { pk: 'SAVINGS#2026-11-23', usd: 12.5, ok: true, tags: ['ab'], m: { k: 1 } };

      // Act
      const size = dynamoItemSizeBytes(item);

      // Assess
      // pk 2 + 18; usd 3 + (3 digits → 2 + 1 = 3); ok 2 + 1; tags 4 + (3 + 1 + 2); m 1 + (3 + 1 + 1 + (1 digit → 1 + 1))
      expect(size).toBe(20 + 6 + 3 + 10 + 8);
    });

    it('bills 1 WRU per started KB and 0.5 RRU per started 4 KB', () => {
      // Prepare, Act
      const units = [
        writeUnits(1),
        writeUnits(1024),
        writeUnits(1025),
        eventuallyConsistentReadUnits(10),
        eventuallyConsistentReadUnits(4097),
      ];

      // Assess
      expect(units).toEqual([1, 1, 2, 0.5, 1]);
    });
  });
});

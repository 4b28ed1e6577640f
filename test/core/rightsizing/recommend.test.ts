import { describe, expect, it } from 'vitest';
import { snapshotPriceBook, staticPriceBook } from '../../../lambdas/core/accounting/price-book';
import { familySizes, instanceSpecs } from '../../../lambdas/core/ec2/instance-specs';
import type { Datapoint, UtilisationSeries } from '../../../lambdas/core/rightsizing/metric-queries';
import { analysisWindow } from '../../../lambdas/core/rightsizing/metric-queries';
import { type RecommendInput, recommend } from '../../../lambdas/core/rightsizing/recommend';

// Monday 2026-11-16 05:00Z: the window is the 14 whole UTC days 2026-11-02 (Mon) … 2026-11-15 (Sun):
// 10 weekdays and 4 weekend days.
const NOW = new Date('2026-11-16T05:00:00Z');
const WINDOW = analysisWindow(NOW, 14);
const WEEKDAYS = ['02', '03', '04', '05', '06', '09', '10', '11', '12', '13'].map((d) => `2026-11-${d}T00:00:00.000Z`);
const ALL_DAYS = Array.from({ length: 14 }, (_, i) => `2026-11-${String(i + 2).padStart(2, '0')}T00:00:00.000Z`);

const points = (days: readonly string[], values: number | readonly number[]): Datapoint[] =>
  days.map((timestamp, i) => ({ timestamp, value: typeof values === 'number' ? values : values[i % values.length]! }));

const SETTINGS = {
  lookbackDays: 14,
  cpuStatistic: 'p95' as const,
  targetCpuPercent: 60,
  memoryHeadroomPercent: 20,
  minCoveragePercent: 80,
};

function input(
  instanceType: string,
  series: Partial<UtilisationSeries>,
  overrides: Partial<RecommendInput> & { tags?: Record<string, string> } = {},
): RecommendInput {
  const { tags, ...rest } = overrides;
  return {
    instance: {
      instanceId: 'i-0123456789abcdef0',
      region: 'us-east-1',
      instanceType,
      tags: tags ?? { Schedule: 'office-hours' },
    },
    mode: 'recommend',
    current: instanceSpecs(instanceType),
    currentFactsSource: 'snapshot',
    familySizes: (family) => familySizes(family),
    series: { cpu: [], cpuAverage: [], memoryUsedPercent: [], ...series },
    window: WINDOW,
    settings: SETTINGS,
    prices: snapshotPriceBook(),
    pue: 1.135,
    gCO2ePerKWh: 400,
    carbonSource: 'test',
    now: NOW,
    ...rest,
  };
}

describe('Module: recommend', () => {
  describe('Function: recommend', () => {
    it('downsizes an office-hours m5.2xlarge to m5.xlarge and offers m6g.xlarge (worked by hand)', () => {
      // Prepare
      // p95 ≤ 12% on 10 weekdays; memory peak 30% of 32 GiB = 9.6 GiB, + 20% = 11.52 GiB needed.
      // m5.large: 12 × 8/2 = 48% ≤ 60 but 8 GiB < 11.52 → no; m5.xlarge: 24%, 16 GiB → yes.
      // Monthly hours office-hours = 50 h/week × 730/168 = 217.26 h; USD = (0.384 − 0.192) × 217.26 = 41.71.
      // Energy (Skylake 0.61299/4.10417 W per vCPU), u = 5% → 8 × (0.61299 + 0.05 × 3.49118) = 6.30038 W;
      // m5.xlarge at u = 10%: 4 × (0.61299 + 0.1 × 3.49118) = 3.84843 W; Δ 2.45196 W × 1.135 × 217.26 h ÷ 1000
      // = 0.60463 kWh; × 400 g/kWh = 241.85 g.
      // Graviton: cheapest fitting of m9g/m8g/m7g/m6g.xlarge is m6g.xlarge 0.154 → (0.384 − 0.154) × 217.26 = 49.97.
      const series = {
        cpu: points(WEEKDAYS, [8, 12, 10, 9, 11]),
        cpuAverage: points(WEEKDAYS, 5),
        memoryUsedPercent: points(WEEKDAYS, [25, 30, 28]),
      };

      // Act
      const rec = recommend(input('m5.2xlarge', series));

      // Assess
      expect(rec.outcome).toBe('downsize');
      expect(rec.proposed).toMatchObject({ instanceType: 'm5.xlarge', projectedCpuPercent: 24, usdPerHour: 0.192 });
      expect(rec.proposed?.monthlySavingsUsd).toBeCloseTo(41.71, 2);
      expect(rec.proposed?.monthlySavingsKWh).toBeCloseTo(0.605, 3);
      expect(rec.proposed?.monthlySavingsGCO2e).toBe(242);
      expect(rec.monthlySavingsUsd).toBeCloseTo(41.71, 2);
      expect(rec.monthlyHours).toBeCloseTo(217.26, 2);
      expect(rec.graviton).toMatchObject({
        instanceType: 'm6g.xlarge',
        arch: 'arm64',
        requiresArchitectureChange: true,
      });
      expect(rec.graviton?.monthlySavingsUsd).toBeCloseTo(49.97, 2);
      expect(rec.evidence).toMatchObject({
        statistic: 'p95',
        observedCpuPercent: 12,
        datapoints: 10,
        expectedDatapoints: 10,
        coveragePercent: 100,
        memory: { peakUsedPercent: 30, peakUsedGiB: 9.6, requiredGiB: 11.52 },
      });
      expect(rec.confidence).toBe('high');
      expect(rec.status).toBe('open');
      expect(rec.recommendationId).toBe('i-0123456789abcdef0:m5.2xlarge->m5.xlarge');
    });

    it('judges on the highest daily p95 of the window', () => {
      // Prepare: one busy day at 35% → m5.2xlarge to m5.xlarge would be 70% > 60 → keep m5.2xlarge
      const series = {
        cpu: points(WEEKDAYS, [10, 35, 20, 10, 10]),
        cpuAverage: points(WEEKDAYS, 5),
        memoryUsedPercent: points(WEEKDAYS, 10),
      };

      // Act
      const rec = recommend(input('m5.2xlarge', series));

      // Assess
      expect(rec.evidence?.observedCpuPercent).toBe(35);
      expect(rec.proposed).toBeUndefined();
      expect(rec.reason).toContain('m5.xlarge would be 70% > target 60%');
    });

    it('is memory-bound: keeps the m5 size and offers only the same-size Graviton (always-on, 730 h)', () => {
      // Prepare: p95 10% (m5.large would be 40%) but memory peak 80% of 32 = 25.6 GiB → 30.72 GiB needed:
      // m5.xlarge (16 GiB) is too small. m6g.2xlarge (8 vCPU, 32 GiB, 0.308) fits: (0.384 − 0.308) × 730 = 55.48.
      const series = {
        cpu: points(ALL_DAYS, 10),
        cpuAverage: points(ALL_DAYS, 4),
        memoryUsedPercent: points(ALL_DAYS, 80),
      };

      // Act
      const rec = recommend(input('m5.2xlarge', series, { tags: { Schedule: 'always-on' } }));

      // Assess
      expect(rec.outcome).toBe('graviton-only');
      expect(rec.proposed).toBeUndefined();
      expect(rec.reason).toContain('less than the 30.72 GiB needed');
      expect(rec.graviton?.instanceType).toBe('m6g.2xlarge');
      expect(rec.monthlySavingsUsd).toBeCloseTo(55.48, 2);
      expect(rec.monthlyHours).toBe(730);
    });

    it('says when there is no smaller size, and offers a smaller Graviton (m5.large → m6g.medium)', () => {
      // Prepare: p95 20% → m6g.medium (1 vCPU) 40%; memory 40% of 8 = 3.2 GiB, needs 3.84 ≤ 4 GiB.
      const series = {
        cpu: points(WEEKDAYS, 20),
        cpuAverage: points(WEEKDAYS, 8),
        memoryUsedPercent: points(WEEKDAYS, 40),
      };

      // Act
      const rec = recommend(input('m5.large', series));

      // Assess
      expect(rec.outcome).toBe('graviton-only');
      expect(rec.reason).toContain('m5.large is the smallest size of m5 offered');
      expect(rec.graviton).toMatchObject({ instanceType: 'm6g.medium', projectedCpuPercent: 40, usdPerHour: 0.0385 });
    });

    it('makes no recommendation when the CPU statistic is already above the target', () => {
      // Act
      const rec = recommend(input('m5.xlarge', { cpu: points(WEEKDAYS, 75), cpuAverage: points(WEEKDAYS, 50) }));

      // Assess
      expect(rec.outcome).toBe('no-change');
      expect(rec.reason).toContain('75% is already above the target 60%');
      expect(rec.status).toBeUndefined();
      expect(rec.monthlySavingsUsd).toBe(0);
    });

    it('records insufficient data when there are no datapoints', () => {
      // Act
      const rec = recommend(input('m5.xlarge', {}));

      // Assess
      expect(rec.outcome).toBe('insufficient-data');
      expect(rec.reason).toContain('no CPUUtilization datapoints in the last 14 days');
    });

    it('records insufficient data below the coverage threshold (6 of 10 weekdays = 60% < 80%)', () => {
      // Act
      const rec = recommend(input('m5.xlarge', { cpu: points(WEEKDAYS.slice(0, 6), 5) }));

      // Assess
      expect(rec.outcome).toBe('insufficient-data');
      expect(rec.reason).toBe('CPU data on 6 of 10 expected days (60% < minCoveragePercent 80%)');
    });

    it('counts 14 expected days for an instance without a weekday schedule (10 of 14 = 71.4% → insufficient)', () => {
      // Act
      const rec = recommend(input('m5.xlarge', { cpu: points(WEEKDAYS, 5) }, { tags: { Rightsize: 'recommend' } }));

      // Assess
      expect(rec.outcome).toBe('insufficient-data');
      expect(rec.evidence).toMatchObject({ datapoints: 10, expectedDatapoints: 14, coveragePercent: 71.4 });
    });

    it('reports the GetMetricData error as the reason for missing data', () => {
      // Act
      const rec = recommend(input('m5.xlarge', {}, { seriesError: 'GetMetricData failed: Throttling: Rate exceeded' }));

      // Assess
      expect(rec.outcome).toBe('insufficient-data');
      expect(rec.reason).toBe('no CPU data: GetMetricData failed: Throttling: Rate exceeded');
    });

    it('halves at most once when memory is not measured, with low confidence (m5.4xlarge → m5.2xlarge)', () => {
      // Prepare: p95 5% would allow m5.xlarge (20%), but without memory data only one halving: m5.2xlarge (10%).
      const series = { cpu: points(WEEKDAYS, 5), cpuAverage: points(WEEKDAYS, 2) };

      // Act
      const rec = recommend(input('m5.4xlarge', series));

      // Assess
      expect(rec.proposed?.instanceType).toBe('m5.2xlarge');
      expect(rec.proposed?.projectedCpuPercent).toBe(10);
      expect(rec.confidence).toBe('low');
      expect(rec.reason).toContain('memory not measured');
    });

    describe('burstable families', () => {
      it('downsizes t3.large to t3.medium when the busiest day stays under the 20% baseline of t3.medium', () => {
        // Prepare: 2 vCPU both; p95 25%, busiest daily average 12% ≤ 20% (t3.medium baseline); memory 30% of
        // 8 GiB = 2.4 → 2.88 GiB needed ≤ 4 GiB; t3.small (2 GiB) too small. Always 730 h:
        // (0.0832 − 0.0416) × 730 = 30.37 USD. Graviton: t4g.medium 0.0336 → (0.0832 − 0.0336) × 730 = 36.21.
        const series = {
          cpu: points(ALL_DAYS, 25),
          cpuAverage: points(ALL_DAYS, [8, 12, 10]),
          memoryUsedPercent: points(ALL_DAYS, 30),
        };

        // Act
        const rec = recommend(input('t3.large', series, { tags: { Rightsize: 'recommend' } }));

        // Assess
        expect(rec.proposed?.instanceType).toBe('t3.medium');
        expect(rec.proposed?.monthlySavingsUsd).toBeCloseTo(30.37, 2);
        expect(rec.graviton?.instanceType).toBe('t4g.medium');
        expect(rec.graviton?.monthlySavingsUsd).toBeCloseTo(36.21, 2);
        expect(rec.evidence?.burstable).toEqual({ currentBaselinePercent: 30, proposedBaselinePercent: 20 });
        expect(rec.confidence).toBe('medium');
      });

      it('keeps a t3.large whose busiest day averages at or above its 30% baseline (spending credits)', () => {
        // Act
        const rec = recommend(
          input(
            't3.large',
            {
              cpu: points(ALL_DAYS, 45),
              cpuAverage: points(ALL_DAYS, [20, 31]),
              memoryUsedPercent: points(ALL_DAYS, 10),
            },
            { tags: { Rightsize: 'auto' } },
          ),
        );

        // Assess
        expect(rec.outcome).toBe('no-change');
        expect(rec.reason).toContain('at or above its baseline 30%');
        expect(rec.graviton).toBeUndefined();
      });

      it('refuses t3.medium when the projected average exceeds its 20% baseline, but offers t4g.large (30%)', () => {
        // Prepare: busiest day average 25%: above t3.medium's 20%, under t4g.large's 30%;
        // t4g.large 0.0672 < t3.large 0.0832: (0.0832 − 0.0672) × 730 = 11.68 USD.
        const series = {
          cpu: points(ALL_DAYS, 40),
          cpuAverage: points(ALL_DAYS, 25),
          memoryUsedPercent: points(ALL_DAYS, 30),
        };

        // Act
        const rec = recommend(input('t3.large', series, { tags: { Rightsize: 'recommend' } }));

        // Assess
        expect(rec.outcome).toBe('graviton-only');
        expect(rec.reason).toContain('projected on t3.medium would be 25%, above its CPU-credit baseline 20%');
        expect(rec.graviton?.instanceType).toBe('t4g.large');
        expect(rec.graviton?.monthlySavingsUsd).toBeCloseTo(11.68, 2);
      });

      it('proposes no smaller burstable size without daily averages', () => {
        // Act
        const rec = recommend(
          input(
            't3.large',
            { cpu: points(ALL_DAYS, 10), memoryUsedPercent: points(ALL_DAYS, 10) },
            { tags: { Rightsize: 'recommend' } },
          ),
        );

        // Assess
        expect(rec.proposed).toBeUndefined();
        expect(rec.reason).toContain('no daily average CPU to check the CPU-credit baseline');
      });
    });

    describe('status of auto mode', () => {
      const series = {
        cpu: points(WEEKDAYS, 10),
        cpuAverage: points(WEEKDAYS, 5),
        memoryUsedPercent: points(WEEKDAYS, 20),
      };
      const allSeries = {
        cpu: points(ALL_DAYS, 10),
        cpuAverage: points(ALL_DAYS, 5),
        memoryUsedPercent: points(ALL_DAYS, 20),
      };

      it('is pending-apply for a scheduled instance the scheduler stops anyway', () => {
        // Act
        const rec = recommend(input('m5.2xlarge', series, { mode: 'auto' }));

        // Assess
        expect(rec.outcome).toBe('downsize');
        expect(rec.status).toBe('pending-apply');
      });

      it('stays open for always-on instances (no extra downtime)', () => {
        // Act
        const rec = recommend(
          input('m5.2xlarge', allSeries, { mode: 'auto', tags: { Schedule: '24/7 Always Running' } }),
        );

        // Assess
        expect(rec.schedule).toBe('always-on');
        expect(rec.status).toBe('open');
        expect(rec.statusReason).toContain('always-on instances are never stopped');
      });

      it('stays open without a Schedule tag, in an Auto Scaling group, and for spot', () => {
        // Act
        const untagged = recommend(input('m5.2xlarge', allSeries, { mode: 'auto', tags: { Rightsize: 'auto' } }));
        const asg = recommend(
          input('m5.2xlarge', series, {
            mode: 'auto',
            tags: { Schedule: 'office-hours', 'aws:autoscaling:groupName': 'web' },
          }),
        );
        const spot = recommend({
          ...input('m5.2xlarge', series, { mode: 'auto' }),
          instance: {
            instanceId: 'i-0abc',
            region: 'us-east-1',
            instanceType: 'm5.2xlarge',
            tags: { Schedule: 'office-hours' },
            lifecycle: 'spot',
          },
        });

        // Assess
        expect(untagged.status).toBe('open');
        expect(untagged.statusReason).toContain('no Schedule tag');
        expect(asg.statusReason).toContain('Auto Scaling group');
        expect(spot.statusReason).toContain('spot');
      });

      it('never auto-applies an architecture change', () => {
        // Prepare: m5.large has no smaller m5 → graviton-only
        const rec = recommend(
          input(
            'm5.large',
            { cpu: points(WEEKDAYS, 20), cpuAverage: points(WEEKDAYS, 8), memoryUsedPercent: points(WEEKDAYS, 40) },
            { mode: 'auto' },
          ),
        );

        // Assess
        expect(rec.outcome).toBe('graviton-only');
        expect(rec.status).toBe('open');
        expect(rec.statusReason).toContain('never applied automatically');
      });
    });

    it('is not-analysed for an unknown type and for bare metal', () => {
      // Act
      const unknown = recommend(input('m99.large', {}));
      const metal = recommend(input('m5.metal', { cpu: points(WEEKDAYS, 5) }));

      // Assess
      expect(unknown.outcome).toBe('not-analysed');
      expect(metal.outcome).toBe('not-analysed');
      expect(metal.reason).toContain('bare metal');
    });

    it('skips candidates without a price in the region', () => {
      // Prepare: only the current type is priced
      const series = {
        cpu: points(WEEKDAYS, 10),
        cpuAverage: points(WEEKDAYS, 5),
        memoryUsedPercent: points(WEEKDAYS, 20),
      };

      // Act
      const rec = recommend(
        input('m5.2xlarge', series, { prices: staticPriceBook({ 'us-east-1': { 'm5.2xlarge': 0.384 } }) }),
      );

      // Assess
      expect(rec.outcome).toBe('no-change');
      expect(rec.reason).toContain('has no on-demand price in us-east-1');
    });
  });
});

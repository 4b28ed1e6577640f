import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import {
  bucketStats,
  downsampleMinMax,
  pauseBands,
  renderBacktestHtml,
  spanCount,
} from '../../../cli/backtest/html-page';
import { simulatePause } from '../../../cli/backtest/pause';
import type { BacktestReport } from '../../../cli/backtest/report';
import { formatBacktestSummary } from '../../../cli/backtest/summary-text';
import { hourlySeries, viewOf } from './support';

const VALUES = [250, 310, 290, 280, 260, 295, 200, 310];

/** The pause example of pause.test.ts (paused hours 1, 2, 3 and 7) wrapped as a report. */
function pauseReport(file = 'de.csv') {
  const series = hourlySeries('DE', '2023-06-01T00:00:00Z', VALUES);
  const result = simulatePause({
    view: viewOf(series),
    params: { thresholdGCO2ePerKWh: 300, hysteresisGCO2ePerKWh: 30, minRunMinutes: 0, minStopMinutes: 0 },
    timezone: 'UTC',
    kWhPerHour: 1,
    usdPerHour: 0.1,
  });
  const report: BacktestReport = {
    schemaVersion: 1,
    forecast: 'perfect',
    seed: null,
    lagMinutes: 0,
    timezone: 'UTC',
    traces: [{ file, format: 'generic', zones: ['DE'], rows: 8 }],
    period: { from: '2023-06-01T00:00:00.000Z', to: '2023-06-01T08:00:00.000Z' },
    stepMinutes: 60,
    energy: { instanceType: 'm5.large', region: 'eu-central-1', pue: 1.135, kWhPerHour: 1 },
    settings: {},
    notes: [],
    ...result,
  };
  return { report, series };
}

/** Run the page's own script with a stand-in Chart that records the chart configurations. */
function runPageScript(html: string): Array<{ canvas: string; datasets: Array<{ label: string; data: unknown[] }> }> {
  const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
  const data = scripts.find((s) => s[1]!.includes('backtest-data'))![2]!;
  const charts: Array<{ canvas: string; datasets: Array<{ label: string; data: unknown[] }> }> = [];
  const context = {
    document: {
      getElementById: (id: string) => (id === 'backtest-data' ? { textContent: data } : { id }),
      documentElement: { setAttribute: () => {} },
    },
    Chart: function Chart(
      canvas: { id: string },
      config: { data: { datasets: Array<{ label: string; data: unknown[] }> } },
    ) {
      charts.push({ canvas: canvas.id, datasets: config.data.datasets });
    },
  };
  vm.runInNewContext(scripts[scripts.length - 1]![2]!, context);
  return charts;
}

describe('Module: html-page', () => {
  describe('Function: renderBacktestHtml', () => {
    it('embeds Chart.js, the report and the timeline, and draws the paused periods over the intensity', () => {
      // Prepare
      const { report, series } = pauseReport();

      // Act
      const html = renderBacktestHtml(
        report,
        '/*! Chart.js stand-in */ var Chart;\n//# sourceMappingURL=chart.umd.js.map',
        series,
      );
      const charts = runPageScript(html);

      // Assess
      expect(html).toContain('/*! Chart.js stand-in */');
      expect(html).not.toContain('sourceMappingURL');
      expect(html).not.toMatch(/<script[^>]+src=/); // nothing loaded from the network
      const timeline = charts.find((c) => c.canvas === 'timeline')!;
      const paused = timeline.datasets.find((d) => d.label === 'paused')!;
      // Paused hours 1–3 and 7 (pause.test.ts) as two bands, each drawn as a box: rise, top, top, fall.
      const h = (hour: number) => Date.parse('2023-06-01T00:00:00Z') + hour * 3_600_000;
      const xs = (paused.data as Array<{ x: number; y: number | null }>).map((p) => [p.x, p.y === null]);
      expect(xs).toEqual([
        [h(1), true],
        [h(1), false],
        [h(4), false],
        [h(4), true],
        [h(7), true],
        [h(7), false],
        [h(8), false],
        [h(8), true],
      ]);
      // The page names the instance-hours, not "jobs", and no local path.
      expect(html).toContain('<tr><th>Instance-hours simulated</th><td>8</td></tr>');
    });

    it('keeps a five-year, five-minute page small and readable: spans of whole days, pause share per span', () => {
      // Prepare: 525,600 readings with a daily cycle; the report's pauses are those of the short example.
      const { report } = pauseReport();
      const start = Date.parse('2019-01-01T00:00:00Z');
      const n = 5 * 365 * 288;
      const times = Float64Array.from({ length: n }, (_, i) => start + i * 300_000);
      const values = Float64Array.from({ length: n }, (_, i) => 300 + 100 * Math.sin((i / 288) * 2 * Math.PI));
      const long = {
        ...report,
        period: { from: new Date(start).toISOString(), to: new Date(start + n * 300_000).toISOString() },
      };

      // Act
      const html = renderBacktestHtml(long, '', { zone: 'DE', times, values });

      // Assess: 1,825 days in 913 spans of 2 days (not 43.8 hours, which would alias the daily cycle).
      expect(Buffer.byteLength(html)).toBeLessThan(400_000);
      expect(html).toContain('525,600 readings in 913 spans of 48.0 hours');
      const charts = runPageScript(html);
      const labels = charts.find((c) => c.canvas === 'timeline')!.datasets.map((d) => d.label);
      expect(labels).toEqual([
        'lowest reading',
        'highest reading',
        'mean DE (gCO2e/kWh)',
        'threshold',
        'share of time paused (%)',
      ]);
    });

    it('escapes text so a file name cannot break out of the page, and shows no directory', () => {
      // Prepare
      const { report } = pauseReport('/home/someone/<img src=x onerror=alert(1)>.csv');

      // Act
      const html = renderBacktestHtml(report, '');

      // Assess
      expect(html).not.toContain('<img');
      expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;.csv');
      expect(html).not.toContain('/home/someone');
    });
  });

  describe('Functions: downsampleMinMax, bucketStats, pauseBands, spanCount', () => {
    it('keeps the lowest and highest point of each bucket, so a one-point peak survives', () => {
      // Prepare: 10,000 points at 100 with one spike of 900
      const times = Array.from({ length: 10_000 }, (_, i) => i * 60_000);
      const values = times.map((_, i) => (i === 4321 ? 900 : 100));

      // Act
      const out = downsampleMinMax(times, values, 100);

      // Assess
      expect(out.times.length).toBeLessThanOrEqual(100);
      expect(Math.max(...out.values)).toBe(900);
      expect(out.times).toContain(4321 * 60_000);
    });

    it('gives each span its range, mean and the share of it paused', () => {
      // Prepare: four hours of 15-minute readings, paused 01:00–01:30
      const t0 = Date.parse('2023-01-01T00:00:00Z');
      const times = Array.from({ length: 16 }, (_, i) => t0 + i * 900_000);
      const values = times.map((_, i) => 100 + i);
      const periods = [{ from: '2023-01-01T01:00:00Z', to: '2023-01-01T01:30:00Z' }];

      // Act
      const stats = bucketStats(times, values, t0, t0 + 4 * 3_600_000, 4, periods);

      // Assess: hour 1 holds readings 104–107 (mean 105.5) and is half paused
      expect(stats.min).toEqual([100, 104, 108, 112]);
      expect(stats.max).toEqual([103, 107, 111, 115]);
      expect(stats.mean).toEqual([101.5, 105.5, 109.5, 113.5]);
      expect(stats.pausedPercent).toEqual([0, 50, 0, 0]);
    });

    it('merges pauses closer than the minimum width and widens short ones', () => {
      // Act
      const bands = pauseBands(
        [
          { from: '2023-01-01T00:00:00Z', to: '2023-01-01T00:10:00Z' },
          { from: '2023-01-01T00:30:00Z', to: '2023-01-01T00:40:00Z' },
          { from: '2023-01-01T05:00:00Z', to: '2023-01-01T05:05:00Z' },
        ],
        3_600_000,
      );

      // Assess
      const t = (iso: string) => Date.parse(iso);
      expect(bands).toEqual([
        [t('2023-01-01T00:00:00Z'), t('2023-01-01T01:30:00Z')],
        [t('2023-01-01T05:00:00Z'), t('2023-01-01T06:00:00Z')],
      ]);
    });

    it('cuts long charts into spans of whole days', () => {
      // Act & Assess
      expect(spanCount(7 * 86_400_000)).toBe(1000);
      expect(spanCount(1825 * 86_400_000)).toBe(913);
    });
  });

  describe('Function: formatBacktestSummary', () => {
    it('states the three runs, the share of the oracle and the pause figures', () => {
      // Prepare
      const { report } = pauseReport();

      // Act
      const text = formatBacktestSummary(report);

      // Assess: numbers from the hand-worked example in pause.test.ts.
      expect(text).toContain('threshold 300 gCO2e/kWh, resume below 270');
      expect(text).toMatch(/baseline \(always on\)\s+274\.4\s+2195\.0 g/);
      expect(text).toMatch(/policy\s+251\.3\s+1005\.0 g\s+54\.2%/);
      expect(text).toContain("policy's share of the oracle's savings: 98.8%");
      expect(text).toContain('hours paused: 4 of 8 (50.0%) in 2 pauses');
      expect(text).toContain('USD saved: $0.40 at $0.1/h');
    });
  });
});

import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { renderBacktestHtml } from '../../../cli/backtest/html-page';
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
    document: { getElementById: (id: string) => (id === 'backtest-data' ? { textContent: data } : { id }) },
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
      // Paused hours 1, 2, 3, 7 carry their intensity; the others are null (not filled).
      expect((paused.data as Array<{ y: number | null }>).map((p) => p.y)).toEqual([
        null,
        310,
        290,
        280,
        null,
        null,
        null,
        310,
      ]);
      const daily = charts.find((c) => c.canvas === 'daily')!;
      expect(daily.datasets.map((d) => d.label)).toEqual(['baseline', 'policy', 'oracle']);
      expect((daily.datasets[0]!.data as Array<{ y: number }>)[0]!.y).toBe(2195);
    });

    it('escapes text so a file name cannot break out of the page', () => {
      // Prepare
      const { report } = pauseReport('</script><script>alert(1)</script>.csv');

      // Act
      const html = renderBacktestHtml(report, '');

      // Assess
      expect(html).not.toContain('<script>alert(1)');
      expect(html).toContain('&lt;/script&gt;');
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

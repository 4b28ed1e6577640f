import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { reportChartData } from '../../../cli/report/chart-data';
import { renderReportHtml } from '../../../cli/report/html';
import { escapeHtml, jsonForScript, scriptSource } from '../../../cli/report/html-escape';
import { buildReport } from '../../../lambdas/core/report/build-report';
import type { ReportModel } from '../../../lambdas/core/report/model';
import { reportPeriod } from '../../../lambdas/core/report/period';

const HOSTILE_ID = 'i-"><img src=x onerror=alert(1)>';
const HOSTILE_SCHEDULE = '<script>alert("tag")</script>';
const HOSTILE_REGION = '</script><script>alert("region")</script>';

function hostileModel(): ReportModel {
  return buildReport(
    {
      period: reportPeriod('2026-11-23', '2026-11-23'),
      source: { kind: 'table-export', description: 'export<b>.json' },
      carbonRegions: [],
      managedRegions: ['eu-central-1'],
      savings: [],
      readings: [
        {
          region: HOSTILE_REGION,
          zone: 'X',
          provider: 'static',
          signal: 'average',
          gCO2ePerKWh: 5,
          observedAt: '2026-11-23T01:00:00.000Z',
          isEstimated: false,
        },
      ],
      instances: [
        {
          instanceId: HOSTILE_ID,
          region: 'eu-central-1',
          schedule: HOSTILE_SCHEDULE,
          instanceType: 'm5.large',
          savedUsd: 1,
          savedGCO2e: 1,
          savedKWh: 0,
          stoppedHours: 1,
        },
      ],
      history: [],
      recommendations: [],
      decisions: [],
      outcomes: [],
      warnings: ['<i>warning</i>'],
      accessPaths: [],
    },
    { generatedAt: new Date('2026-11-24T00:00:00.000Z'), title: '</title><script>alert("title")</script>' },
  );
}

function dataOf(html: string): unknown {
  const match = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html);
  return JSON.parse(match![1]!);
}

describe('Module: report html', () => {
  describe('Function: renderReportHtml', () => {
    it('escapes every string from the data in text, attributes and the inline chart data', () => {
      // Prepare
      const model = hostileModel();
      const chartJs = 'window.Chart = function () {}; // "</script><script>alert(\'lib\')</script>" <!-- x';

      // Act
      const html = renderReportHtml(model, { chartJsSource: chartJs });

      // Assess
      expect(html).not.toContain('<img src=x');
      expect(html).not.toContain('<script>alert("');
      expect(html).not.toContain('<b>');
      expect(html).not.toContain('<i>warning');
      // Only the three script elements close; the library's own "</script>" text is broken up.
      expect(html.match(/<\/script>/g)).toHaveLength(3);
      expect(html).toContain("<\\/script><script>alert('lib')<\\/script>\" <\\!-- x");
      expect(html).toContain('&lt;script&gt;alert(&quot;tag&quot;)&lt;/script&gt;');
      expect(html).toContain('i-&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
      expect(dataOf(html)).toEqual(reportChartData(model));
    });

    it('is self-contained: a Content-Security-Policy forbidding requests and no external reference', () => {
      // Prepare
      const model = hostileModel();

      // Act
      const html = renderReportHtml(model);

      // Assess
      expect(html).toContain(
        `content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:"`,
      );
      expect(html).not.toMatch(/\s(src|href)="(?!#)/);
      expect(html).not.toMatch(/@import|url\(/);
      expect(html).toContain('<html lang="en"');
    });

    it('shows every section of a table report and the backtest section only for backtests', () => {
      // Prepare
      const model = hostileModel();

      // Act
      const html = renderReportHtml(model);
      const withBacktest = renderReportHtml({
        ...model,
        backtest: { scenario: 'pause', savingsPercent: 17.15, parameters: [{ name: 'Trace zone', value: 'DE' }] },
      });

      // Assess
      for (const id of [
        'h-headline',
        'h-charts',
        'h-regions',
        'h-actions',
        'h-dispatch',
        'h-rightsizing',
        'h-method',
      ]) {
        expect(html).toContain(`id="${id}"`);
      }
      expect(html).not.toContain('id="h-backtest"');
      expect(withBacktest).toContain('id="h-backtest"');
      expect(withBacktest).toContain('<td>Emissions avoided by the policy</td><td>17.2%</td>');
    });
  });

  describe('Function: escapeHtml', () => {
    it('leaves no markup character and can be undone (property)', () => {
      // Prepare
      const decode = (s: string) =>
        s
          .replaceAll('&lt;', '<')
          .replaceAll('&gt;', '>')
          .replaceAll('&quot;', '"')
          .replaceAll('&#39;', "'")
          .replaceAll('&amp;', '&');

      // Act, Assess
      fc.assert(
        fc.property(fc.string(), (text) => {
          const escaped = escapeHtml(text);
          expect(escaped).not.toMatch(/[<>"']/);
          expect(decode(escaped)).toBe(text);
        }),
      );
    });
  });

  describe('Function: jsonForScript', () => {
    it('never contains "<" and parses back to the same value (property)', () => {
      // Prepare, Act, Assess
      fc.assert(
        fc.property(fc.jsonValue(), (value) => {
          const text = jsonForScript(value);
          expect(text).not.toContain('<');
          expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
        }),
      );
    });
  });

  describe('Function: scriptSource', () => {
    it('breaks up </script and <!-- in any case', () => {
      // Prepare, Act
      const safe = scriptSource('a("</SCRIPT>"); b("<!--")');

      // Assess
      expect(safe).toBe('a("<\\/SCRIPT>"); b("<\\!--")');
    });
  });
});

import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { CliContext } from '../../cli/context';
import { main } from '../../cli/main';
import { fixedClock } from '../../lambdas/core/clock';
import {
  FIXTURE_CLI_PERIOD,
  HOSTILE_SCHEDULE,
  loadReportFixture,
  REGION_A,
  REGION_B,
} from '../fixtures/report/table-fixture';
import { launchChromium, skipWithoutChromium } from '../support/chromium';
import { createTestTable } from '../support/dynamodb';

/**
 * The HTML report in a real browser: Debian's headless Chromium driven by playwright-core. Skipped only when
 * /usr/bin/chromium is absent and CHROMIUM_UNAVAILABLE is set (.ci/run sets it, with a warning, only when Debian's
 * chromium package could not be installed); otherwise a missing Chromium fails the test with a clear message.
 */
/** A copy of the screenshot kept for people to look at. */
const SCREENSHOT_COPY = '/tmp/report-screenshot.png';

/** The few browser globals the page functions use (the project compiles without the DOM library). */
interface PageElement {
  readonly firstChild: { readonly textContent: string | null } | null;
  getAttribute(name: string): string | null;
}
interface PageCanvas {
  readonly width: number;
  readonly height: number;
  getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } };
}
interface PageWindow {
  readonly document: {
    readonly documentElement: { readonly dataset: Record<string, string | undefined> };
    getElementById(id: string): PageElement | null;
  };
  readonly Chart: { getChart(canvas: PageCanvas): unknown };
  readonly __pwned?: boolean;
}

let dir: string;
let htmlPath: string;
let browser: Browser | undefined;
let table: Awaited<ReturnType<typeof createTestTable>>;

describe.skipIf(skipWithoutChromium)('Module: report HTML in Chromium', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'report-browser-'));
    htmlPath = join(dir, 'report.html');
    table = await createTestTable();
    await loadReportFixture(table.doc, table.tableName);
    const ctx: CliContext = {
      clock: fixedClock('2026-11-26T12:00:00.000Z'),
      env: { AWS_ENDPOINT_URL_DYNAMODB: inject('dynamodbEndpoint') },
      cwd: dir,
      out: () => {},
      err: (text) => process.stderr.write(text),
      isTTY: false,
    };
    const code = await main(
      [
        'report',
        '--from',
        FIXTURE_CLI_PERIOD.from,
        '--to',
        FIXTURE_CLI_PERIOD.to,
        '--table',
        table.tableName,
        '--regions',
        `${REGION_A},${REGION_B}`,
        '--out',
        htmlPath,
      ],
      ctx,
    );
    if (code !== 0) throw new Error(`report exited ${code}`);
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await table?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  describe('Function: renderReportHtml (in the browser)', () => {
    it('renders the hand-computed headline numbers, draws every chart, makes no request and logs no error', async () => {
      // Prepare
      const context = await browser!.newContext({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
      const page = await context.newPage();
      const fileUrl = pathToFileURL(htmlPath).href;
      const requests: string[] = [];
      const errors: string[] = [];
      page.on('request', (request) => requests.push(request.url()));
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      page.on('pageerror', (error) => errors.push(error.message));

      // Act
      await page.goto(fileUrl, { waitUntil: 'load' });
      await page.waitForFunction(
        () => (globalThis as unknown as PageWindow).document.documentElement.dataset.charts !== 'pending',
        undefined,
        {
          timeout: 10_000,
        },
      );
      const headline = await page.evaluate(() => {
        const { document } = globalThis as unknown as PageWindow;
        const text = (id: string) => document.getElementById(id)?.firstChild?.textContent?.trim();
        const value = (id: string) => document.getElementById(id)?.getAttribute('data-value');
        return {
          charts: document.documentElement.dataset.charts,
          usd: text('total-usd'),
          usdValue: value('total-usd'),
          schedules: text('total-gco2e-schedules'),
          schedulesValue: value('total-gco2e-schedules'),
          dispatch: text('total-gco2e-dispatch'),
          rightsizing: text('total-rightsizing'),
          combined: text('total-gco2e-combined'),
          starts: text('total-starts'),
          stops: text('total-stops'),
          period: text('period'),
        };
      });
      const charts = await page.evaluate(() => {
        const { document, Chart } = globalThis as unknown as PageWindow;
        return ['chart-intensity', 'chart-actions', 'chart-savings'].map((id) => {
          const canvas = document.getElementById(id) as unknown as PageCanvas | null;
          if (!canvas) return { id, exists: false, chart: false, inked: 0 };
          const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
          let inked = 0;
          for (let i = 3; i < pixels.length; i += 4) if (pixels[i]! > 0) inked += 1;
          return { id, exists: true, chart: Chart.getChart(canvas) !== undefined, inked };
        });
      });
      const injected = await page.evaluate(() => (globalThis as unknown as PageWindow).__pwned === true);
      const scheduleCells = await page.locator('#top-instances-table td').allTextContents();
      const shot = join(dir, 'report.png');
      await page.screenshot({ path: shot, fullPage: true });
      copyFileSync(shot, SCREENSHOT_COPY);
      await context.close();

      // Assess
      expect(errors).toEqual([]);
      expect(requests).toEqual([fileUrl]);
      expect(headline).toEqual({
        charts: 'ready',
        usd: '$9.00',
        usdValue: '9',
        schedules: '1.66 kg CO₂e',
        schedulesValue: '1660',
        dispatch: '400 g CO₂e',
        rightsizing: '$40.37/month',
        combined: '2.06 kg CO₂e',
        starts: '3',
        stops: '3',
        period: '2026-11-23 to 2026-11-25',
      });
      for (const chart of charts) {
        expect(chart, chart.id).toMatchObject({ exists: true, chart: true });
        expect(chart.inked, `${chart.id} has drawn pixels`).toBeGreaterThan(1000);
      }
      expect(injected).toBe(false);
      expect(scheduleCells).toContain(HOSTILE_SCHEDULE);
      expect(statSync(SCREENSHOT_COPY).size).toBeGreaterThan(10_000);
    });

    it('reads as an ESG update: narrative with the previous period, boundary statement; prints every column on A4', async () => {
      // Prepare: A4 less the 12 mm side margins of the print CSS, in CSS pixels
      const width = Math.floor(((210 - 24) / 25.4) * 96);
      const context = await browser!.newContext({ viewport: { width, height: 1100 }, deviceScaleFactor: 1 });
      const page = await context.newPage();
      await page.emulateMedia({ media: 'print' });

      // Act
      await page.goto(pathToFileURL(htmlPath).href, { waitUntil: 'load' });
      await page.waitForFunction('document.documentElement.dataset.charts !== "pending"');
      const text = (await page.evaluate('document.body.innerText')) as string;
      const overflow = (await page.evaluate(`[...document.querySelectorAll('table')]
        .filter((t) => t.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
        .map((t) => t.id)`)) as string[];
      const pdf = join(dir, 'report.pdf');
      await page.pdf({ path: pdf, format: 'A4', printBackground: true, preferCSSPageSize: true });
      await context.close();

      // Assess: the fixture's period 2026-11-23..25 saved $9.00 (1.25 + 0.75 + 0.5 + 3 + 1 + 2.5); the 3 days
      // before it, 2026-11-20..22, saved $100 (the 2026-11-22 row): 9 / 100 − 1 = −91%.
      expect(text).toContain('From 2026-11-23 to 2026-11-25 (3 days) the scheduler kept instances stopped for 80');
      expect(text).toContain('Against the previous 3 days (2026-11-20 to 2026-11-22): dollars saved down 91%');
      expect(text).toMatch(/What these numbers cover[\s\S]*lower bound[\s\S]*location-based/);
      expect(text).toMatch(/−91\.0% vs the previous 3 days/);
      expect(overflow).toEqual([]);
      expect(statSync(pdf).size).toBeGreaterThan(20_000);
      if (existsSync('/usr/bin/pdftoppm')) {
        execFileSync('/usr/bin/pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '3', pdf, '/tmp/report-print']);
      }
    });
  });
});

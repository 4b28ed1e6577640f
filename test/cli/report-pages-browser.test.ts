import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chartJsSource } from '../../cli/commands/report';
import { renderReportHtml } from '../../cli/report/html';
import { buildReport } from '../../lambdas/core/report/build-report';
import { reportPeriodHalfOpen } from '../../lambdas/core/report/period';
import { emptyReportInput } from '../../lambdas/core/report/report-input';
import { launchChromium, skipWithoutChromium } from '../support/chromium';

/**
 * The report pages as a reader sees them, in Debian's headless Chromium: the backtest report, the dispatch report,
 * the backtest page of a five-year, five-minute trace, and a report with a 10 KB tag value; each on screen and in
 * print (A4, every column on the page). Screenshots and the first PDF page are copied to /tmp/report-pages/ for
 * people to look at.
 */
const REPO = join(import.meta.dirname, '../..');
const BIN = join(REPO, 'cli/bin.mjs');
const KEEP = '/tmp/report-pages';
/** A4 in CSS pixels (96 dpi) less the 12 mm side margins of the print CSS. */
const A4_PRINTABLE_WIDTH_PX = Math.floor(((210 - 24) / 25.4) * 96);

let dir: string;
let browser: Browser | undefined;

function cli(args: readonly string[]): void {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd: REPO, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`carbon-scheduler ${args.join(' ')}: ${result.stderr}`);
}

async function open(file: string, media: 'screen' | 'print', width = 1280): Promise<Page> {
  const page = await browser!.newPage({ viewport: { width, height: 900 } });
  await page.emulateMedia({ media });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('request', (request) => {
    if (!request.url().startsWith('file:')) errors.push(`request ${request.url()}`);
  });
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  await page.waitForFunction('document.documentElement.dataset.charts !== "pending"', undefined, { timeout: 10_000 });
  expect(errors).toEqual([]);
  expect(await page.evaluate('document.documentElement.dataset.charts')).toBe('ready');
  return page;
}

/** Tables wider than their box (a column pushed off the page). */
function overflowingTables(page: Page): Promise<string[]> {
  return page.evaluate(`[...document.querySelectorAll('table')]
    .filter((t) => t.getBoundingClientRect().right > document.documentElement.clientWidth + 1 || t.scrollWidth > t.parentElement.clientWidth + 1)
    .map((t) => t.id || t.querySelector('th')?.textContent || 'table')`) as Promise<string[]>;
}

/** Canvases with hardly any painted pixel (a chart that drew nothing readable). */
function blankCanvases(page: Page): Promise<string[]> {
  return page.evaluate(`[...document.querySelectorAll('canvas')].filter((c) => {
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let painted = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i] > 0) painted += 1;
      return painted < c.width * c.height * 0.01;
    }).map((c) => c.id)`) as Promise<string[]>;
}

/** Print to PDF (A4) and keep its first page as a PNG for people to look at. */
async function printed(page: Page, name: string): Promise<number> {
  const pdf = join(dir, `${name}.pdf`);
  await page.pdf({ path: pdf, format: 'A4', printBackground: true, preferCSSPageSize: true });
  if (existsSync('/usr/bin/pdftoppm')) {
    execFileSync('/usr/bin/pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '2', pdf, join(KEEP, `${name}-print`)]);
  }
  return readFileSync(pdf).length;
}

describe.skipIf(skipWithoutChromium)('Report pages in Chromium (screen and print)', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'report-pages-'));
    execFileSync('mkdir', ['-p', KEEP]);
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('reports a pause backtest with a headline, a narrative, the boundary, and no internal words or paths', async () => {
    // Prepare
    const html = join(dir, 'pause.html');
    cli(['report', '--input', join(REPO, 'test/fixtures/report/backtest-pause.json'), '--out', html]);

    // Act
    const page = await open(html, 'screen');
    const text = (await page.evaluate('document.body.innerText')) as string;
    await page.screenshot({ path: join(KEEP, 'pause-report.png'), fullPage: true });

    // Assess: the fixture's figures (pause.test.ts example on the DE trace): 21 g avoided, $1.50, 17.2%, 98.8%.
    expect(text).toMatch(/Simulated on historical grid data for 2023-06-01 to 2023-06-04 \(4 days\)/);
    expect(text).toContain('What these numbers cover');
    expect(text).toMatch(/CPU[\s\S]*lower bound[\s\S]*location-based/);
    expect(text).toMatch(/Share of the best possible\s+98\.8%/);
    expect(text).not.toMatch(/SPEC|section 8|kWhPerHour|jobHours|Jobs\s+96|test\/fixtures|\/work\//);
    expect(text).not.toContain('Gaps in the data');
    for (const empty of ['Actions by type', 'Top instances by savings', 'Rightsizing still open']) {
      expect(text).not.toContain(empty);
    }
    expect(await blankCanvases(page)).toEqual([]);
    await page.close();
  });

  it('charts a dispatch backtest by destination and does not headline $0.00', async () => {
    // Prepare
    const html = join(dir, 'dispatch.html');
    cli(['report', '--input', join(REPO, 'test/fixtures/report/backtest-dispatch.json'), '--out', html]);

    // Act
    const page = await open(html, 'screen');
    const text = (await page.evaluate('document.body.innerText')) as string;
    await page.screenshot({ path: join(KEEP, 'dispatch-report.png'), fullPage: true });

    // Assess
    expect(await page.evaluate(`document.getElementById('chart-destinations') !== null`)).toBe(true);
    expect(await blankCanvases(page)).toEqual([]);
    expect(text).toMatch(/Where the jobs went[\s\S]*FR\s+3\s+3/);
    expect(text).not.toContain('MONEY SAVED');
    expect(text).toContain('saves no compute dollars');
    await page.close();
  });

  it('draws a five-year, five-minute backtest page that stays small, with the paused share visible', async () => {
    // Prepare: a synthetic five-year trace with a daily cycle (DE-like values), 525,600 rows
    const trace = join(dir, 'de-5y.csv');
    const lines = ['datetime,zone,carbon_intensity'];
    const start = Date.UTC(2019, 0, 1);
    for (let i = 0; i < 5 * 365 * 288; i += 1) {
      const t = start + i * 300_000;
      const hour = (t / 3_600_000) % 24;
      lines.push(
        `${new Date(t).toISOString()},DE,${(300 + 120 * Math.sin(((hour - 6) / 24) * 2 * Math.PI)).toFixed(1)}`,
      );
    }
    writeFileSync(trace, `${lines.join('\n')}\n`);
    const html = join(dir, 'backtest-5y.html');
    cli(['backtest', '--trace', trace, '--scenario', 'pause', '--region', 'eu-central-1', '--html', html]);

    // Act
    const page = await open(html, 'screen');
    await page.screenshot({ path: join(KEEP, 'backtest-5y.png'), fullPage: true });
    const labels = await page.evaluate(
      `Chart.getChart(document.getElementById('timeline')).data.datasets.map((d) => d.label)`,
    );

    // Assess
    expect(readFileSync(html).length).toBeLessThan(600_000);
    expect(labels).toContain('share of time paused (%)');
    expect(await blankCanvases(page)).toEqual([]);
    const text = (await page.evaluate('document.body.innerText')) as string;
    expect(text).toContain('525,600 readings in 913 spans of 48.0 hours');
    expect(text).not.toContain(dir);
    await page.close();
    const print = await open(html, 'print', A4_PRINTABLE_WIDTH_PX);
    expect(await printed(print, 'backtest-5y')).toBeGreaterThan(10_000);
    await print.close();
  }, 60_000);

  it('keeps every column on A4 and cuts a 10 KB tag value in its cell, on screen and in print', async () => {
    // Prepare: a report whose top instance carries a 10 KB Schedule tag
    const period = reportPeriodHalfOpen('2026-11-01', '2026-12-01');
    const base = buildReport(emptyReportInput(period, { kind: 'dynamodb', description: 'table (eu-central-1)' }), {
      generatedAt: new Date('2026-12-01T08:00:00Z'),
    });
    const longTag = `office-hours-${'x'.repeat(10_000)}`;
    const model = {
      ...base,
      topInstances: [
        {
          instanceId: 'i-0123456789abcdef0',
          region: 'eu-central-1',
          schedule: longTag,
          instanceType: 'm5.large',
          savedUsd: 1234.5,
          savedGCO2e: 98_765,
          stoppedHours: 10_000,
          actionsInPeriod: 1_000,
          lastAction: 'stop',
          lastActionAt: '2026-11-30T18:00:00Z',
        },
      ],
    };
    const html = join(dir, 'long-tag.html');
    writeFileSync(html, renderReportHtml(model, { chartJsSource: chartJsSource() }));

    // Act
    const screen = await open(html, 'screen');
    await screen.screenshot({ path: join(KEEP, 'long-tag-screen.png'), fullPage: true });
    const cell = (await screen.evaluate(
      `(() => { const c = document.querySelector('#top-instances-table .clip'); const r = c.getBoundingClientRect(); return { width: r.width, title: c.getAttribute('title').length }; })()`,
    )) as { width: number; title: number };
    const screenOverflow = await overflowingTables(screen);
    await screen.close();
    const print = await open(html, 'print', A4_PRINTABLE_WIDTH_PX);
    const printOverflow = await overflowingTables(print);
    const usd = await print.evaluate(
      `[...document.querySelectorAll('#top-instances-table td')].map((td) => td.getBoundingClientRect().right <= document.documentElement.clientWidth + 1)`,
    );
    await printed(print, 'long-tag');
    await print.close();

    // Assess: the cell is cut (the full value stays in the tooltip); nothing is pushed off the page.
    expect(cell.width).toBeLessThan(300);
    expect(cell.title).toBe(longTag.length);
    expect(screenOverflow).toEqual([]);
    expect(printOverflow).toEqual([]);
    expect(usd).toEqual(Array(9).fill(true));
    expect(readFileSync(html, 'utf8')).toContain('$1,234.50');
  }, 60_000);
});

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../cli/main';
import { captureCli } from '../support/cli';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/traces/${name}`, import.meta.url));
const EXPORT_DE = fixture('electricitymaps-de-2023-06-01-4days.csv');
const DE_FR = fixture('generic-de-fr-6h.csv');
const DE_8H = fixture('generic-de-8h-no-offset.csv');

/** m5.large at 50% CPU with PUE 1.135: 2 × (0.6130 + 0.5 × 3.4912) W × 1.135 = 5.354 Wh per hour (docs/accounting.md). */
const M5_LARGE_KWH_PER_HOUR = 0.005354;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'backtest-cli-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const captured = captureCli({ cwd: dir, now: '2026-01-01T00:00:00Z' }); // no config file in dir: defaults
  const code = await main(['backtest', ...args], captured.ctx);
  return { code, out: captured.out(), err: captured.err() };
}

async function runJson(args: string[]): Promise<Record<string, unknown>> {
  const { code, out, err } = await run([...args, '--json']);
  expect(err).toBe('');
  expect(code).toBe(0);
  return JSON.parse(out) as Record<string, unknown>;
}

describe('Module: cli backtest', () => {
  describe('Command: backtest --scenario shift', () => {
    it('prints the documented JSON fields with the hand-checked figures of a real day', async () => {
      // Prepare: DE 2023-06-04, 1 h job due 17:00 ± 2 h, persistence: yesterday's best hour 15:00 (195.62) → today
      // 203.52 at 15:00, which is also the oracle; baseline 301.11 → savings 32.41%.

      // Act
      const json = await runJson([
        '--trace',
        EXPORT_DE,
        '--scenario',
        'shift',
        '--duration',
        '1h',
        '--start',
        '17:00',
        '--window',
        '2h',
        '--forecast',
        'persistence',
        '--from',
        '2023-06-04',
      ]);

      // Assess
      for (const key of [
        'schemaVersion',
        'scenario',
        'forecast',
        'jobs',
        'baselineIntensity',
        'policyIntensity',
        'oracleIntensity',
        'savingsPercent',
        'oracleSavingsPercent',
        'shareOfOracle',
        'baselineGCO2e',
        'policyGCO2e',
        'oracleGCO2e',
        'daily',
        'perJob',
        'period',
        'traces',
        'energy',
      ]) {
        expect(json).toHaveProperty(key);
      }
      expect(json).toMatchObject({
        schemaVersion: 1,
        scenario: 'shift',
        forecast: 'persistence',
        seed: null,
        zone: 'DE',
        jobs: 1,
        baselineIntensity: 301.11,
        policyIntensity: 203.52,
        oracleIntensity: 203.52,
        shareOfOracle: 1,
        period: { from: '2023-06-04T00:00:00.000Z', to: '2023-06-05T00:00:00.000Z' },
        traces: [{ file: EXPORT_DE, format: 'electricitymaps-export', zones: ['DE'], rows: 96 }],
        settings: { durationMinutes: 60, start: '17:00', windowMinutes: 120 },
      });
      expect(json.savingsPercent as number).toBeCloseTo(32.41, 2);
      expect(json.baselineGCO2e as number).toBeCloseTo(301.11 * M5_LARGE_KWH_PER_HOUR, 3);
    });

    it('with a perfect forecast has a share of exactly 1 on every job of the real fixture', async () => {
      // Prepare

      // Act
      const json = await runJson([
        '--trace',
        EXPORT_DE,
        '--scenario',
        'shift',
        '--duration',
        '2h',
        '--start',
        '12:00',
        '--window',
        '6h',
      ]);

      // Assess
      const jobs = json.perJob as Array<{ policyStart: string; oracleStart: string }>;
      expect(jobs.length).toBe(4);
      expect(jobs.every((j) => j.policyStart === j.oracleStart)).toBe(true);
      expect(json.shareOfOracle).toBe(1);
    });

    it('repeats a noise forecast with the same --seed and prints the seed', async () => {
      // Prepare
      const args = [
        '--trace',
        EXPORT_DE,
        '--scenario',
        'shift',
        '--duration',
        '1h',
        '--start',
        '12:00',
        '--window',
        '6h',
      ];

      // Act
      const first = await runJson([...args, '--forecast', 'noise:10', '--seed', '7']);
      const again = await runJson([...args, '--forecast', 'noise:10', '--seed', '7']);
      const unseeded = await runJson([...args, '--forecast', 'noise:10']);

      // Assess
      expect(again).toEqual(first);
      expect(first.seed).toBe(7);
      expect(Number.isInteger(unseeded.seed)).toBe(true);
    });

    it('reads --start and generic times without offset in --timezone, but keeps the export’s UTC column as UTC', async () => {
      // Prepare: Europe/Berlin is UTC+2 in June. The export's first row is 2023-06-01 00:00 UTC whatever the zone;
      // the generic file's first row "2023-06-01 00:00:00" becomes 2023-05-31 22:00 UTC.

      // Act
      const shift = await runJson([
        ...['--trace', EXPORT_DE, '--scenario', 'shift', '--duration', '1h', '--start', '19:00', '--window', '2h'],
        ...['--timezone', 'Europe/Berlin', '--from', '2023-06-04'],
      ]);
      const pause = await runJson([
        '--trace',
        DE_8H,
        '--scenario',
        'pause',
        '--region',
        'eu-central-1',
        '--timezone',
        'Europe/Berlin',
      ]);

      // Assess: 19:00 Berlin = 17:00 UTC, the same job as in the first test.
      expect((shift.perJob as Array<{ due: string }>)[0]!.due).toBe('2023-06-04T17:00:00.000Z');
      expect(shift.policyIntensity).toBe(203.52);
      expect(pause.period).toEqual({ from: '2023-05-31T22:00:00.000Z', to: '2023-06-01T06:00:00.000Z' });
    });
  });

  describe('Command: backtest --scenario dispatch', () => {
    it('sends each job to the cleanest zone, with zones given as regions', async () => {
      // Prepare: DE (home) 300 flat; FR 100, 500, 100, 500, 100, 500. Oracle/perfect: FR, DE, FR, DE, FR, DE →
      // 1200 vs 1800 g·kWh⁻¹·h: savings 33.33%. eu-west-3 is zone FR, eu-central-1 zone DE.

      // Act
      const json = await runJson([
        ...['--trace', DE_FR, '--scenario', 'dispatch', '--duration', '1h', '--every', '1h'],
        ...['--zones', 'eu-west-3,eu-central-1', '--home', 'eu-central-1'],
      ]);

      // Assess
      expect(json).toMatchObject({
        scenario: 'dispatch',
        home: 'DE',
        zones: ['FR', 'DE'],
        jobs: 6,
        baselineIntensity: 300,
        policyIntensity: 200,
        oracleIntensity: 200,
        shareOfOracle: 1,
        policyZoneCounts: { FR: 3, DE: 3 },
      });
      expect(json.savingsPercent as number).toBeCloseTo(33.333, 2);
    });

    it('uses the configured home region’s zone when --home is not given', async () => {
      // Prepare: the default homeRegion is eu-central-1 → zone DE. With `latest` and lag 0: jobs 1, 3, 5 go to FR
      // and get 500; the others run in DE (300): 2400 vs 1800 → −33.33%.

      // Act
      const json = await runJson([
        '--trace',
        DE_FR,
        '--scenario',
        'dispatch',
        '--duration',
        '1h',
        '--forecast',
        'latest',
      ]);

      // Assess
      expect(json.home).toBe('DE');
      expect(json.savingsPercent as number).toBeCloseTo(-33.333, 2);
      expect(json.shareOfOracle).toBe(-1);
    });
  });

  describe('Command: backtest --scenario pause', () => {
    it('reports hours paused, CO2e avoided and dollars saved for the instance in its region', async () => {
      // Prepare: eu-central-1 defaults: threshold 300, hysteresis 10% = 30, min run/stop 30 min (do not bind at
      // hourly steps). Paused hours 1, 2, 3, 7 (see test/core/backtest/pause.test.ts): 4 h × 0.115 USD/h
      // (m5.large, bundled snapshot) = 0.46 USD; 1190 g·kWh⁻¹·h × 0.005354 kWh/h = 6.371 g.

      // Act
      const json = await runJson([
        '--trace',
        DE_8H,
        '--scenario',
        'pause',
        '--instance-type',
        'm5.large',
        '--region',
        'eu-central-1',
      ]);

      // Assess
      expect(json).toMatchObject({
        scenario: 'pause',
        zone: 'DE',
        hoursPaused: 4,
        oracleHoursPaused: 4,
        usdPerHour: 0.115,
        thresholdGCO2ePerKWh: 300,
        hysteresisGCO2ePerKWh: 30,
        minRunMinutes: 30,
        minStopMinutes: 30,
        baselineIntensity: 274.375,
        policyIntensity: 251.25,
        oracleIntensity: 247.5,
      });
      expect(json.usdSaved as number).toBeCloseTo(0.46, 6);
      expect(json.gCO2eAvoided as number).toBeCloseTo(1190 * M5_LARGE_KWH_PER_HOUR, 3);
      expect(json.shareOfOracle as number).toBeCloseTo(1190 / 1205, 4);
    });

    it('takes --threshold, --hysteresis and --min-stop over the configuration', async () => {
      // Prepare: threshold 280, hysteresis 0 (resume below 280), min stop 3 h, min run 30 min (config):
      // 00 250 run; 01 310 pause; 02 290 and 03 280 stay (not below 280); 04 260 after 3 h → resume;
      // 05 295 → pause (ran 1 h ≥ 30 min); 06 200 only 1 h into the pause → stay; 07 310 stay.
      // Paused 1, 2, 3, 5, 6, 7 = 6 h.

      // Act
      const json = await runJson([
        ...['--trace', DE_8H, '--scenario', 'pause', '--region', 'eu-central-1'],
        ...['--threshold', '280', '--hysteresis', '0', '--min-stop', '3h'],
      ]);

      // Assess
      expect(json.hoursPaused).toBe(6);
      expect(json.thresholdGCO2ePerKWh).toBe(280);
      expect(json.minStopMinutes).toBe(180);
    });

    it('writes a self-contained HTML page holding Chart.js and the same data as --json', async () => {
      // Prepare
      const html = join(dir, 'out.html');

      // Act
      const json = await runJson(['--trace', DE_8H, '--scenario', 'pause', '--region', 'eu-central-1', '--html', html]);
      const page = readFileSync(html, 'utf8');

      // Assess
      expect(page.startsWith('<!doctype html>')).toBe(true);
      expect(page).toContain('Chart.js v4'); // the inlined UMD build's banner
      expect(page).not.toMatch(/<script[^>]+src=/);
      const embedded = /<script type="application\/json" id="backtest-data">([\s\S]*?)<\/script>/.exec(page)![1]!;
      const data = JSON.parse(embedded) as { summary: unknown; timeline: { values: number[] } };
      // The page carries the figures of --json, without the per-day and per-pause lists (charted instead).
      const { daily: _daily, pausedPeriods: _paused, traces, ...figures } = json as Record<string, unknown>;
      expect(data.summary).toEqual({
        ...figures,
        traces: (traces as { file: string }[]).map((t) => ({ ...t, file: basename(t.file) })),
      });
      expect(data.timeline.values).toEqual([250, 310, 290, 280, 260, 295, 200, 310]);
    });

    it('prints a readable summary without --json', async () => {
      // Prepare

      // Act
      const { code, out } = await run(['--trace', DE_8H, '--scenario', 'pause', '--region', 'eu-central-1']);

      // Assess
      expect(code).toBe(0);
      expect(out).toContain('Backtest pause: zone DE');
      expect(out).toContain('hours paused: 4 of 8 (50.0%) in 2 pauses');
      expect(out).toContain('USD saved: $0.46 at $0.115/h');
    });
  });

  describe('Command: backtest (bad input)', () => {
    it.each([
      [
        ['--trace', DE_8H, '--scenario', 'sleep'],
        /--scenario "sleep" is not allowed; expected one of shift, dispatch, pause/,
      ],
      [['--scenario', 'pause', '--region', 'eu-central-1'], /--trace FILE is required/],
      [['--trace', DE_8H, '--scenario', 'shift', '--start', '09:00', '--window', '1h'], /needs --duration/],
      [
        ['--trace', DE_8H, '--scenario', 'shift', '--duration', '1.5h', '--start', '09:00', '--window', '1h'],
        /--duration "1.5h" is not a duration/,
      ],
      [
        ['--trace', DE_8H, '--scenario', 'shift', '--duration', '1h', '--start', '9am', '--window', '1h'],
        /--start "9am" is not a time HH:MM/,
      ],
      [
        ['--trace', DE_8H, '--scenario', 'pause', '--region', 'eu-central-1', '--forecast', 'noise:x'],
        /--forecast "noise:x"/,
      ],
      [['--trace', DE_8H, '--scenario', 'pause'], /needs --region/],
      [
        ['--trace', DE_8H, '--scenario', 'pause', '--region', 'us-east-1'],
        /us-east-1 is grid zone US-MIDA-PJM.*--zone/,
      ],
      [
        ['--trace', DE_FR, '--scenario', 'pause', '--region', 'eu-central-1', '--zone', 'GB'],
        /--zone "GB" is not in the traces; zones: DE, FR/,
      ],
      [
        ['--trace', DE_FR, '--scenario', 'dispatch', '--duration', '1h', '--home', 'GB'],
        /--home GB is zone GB.*DE, FR/,
      ],
      [
        ['--trace', 'missing.csv', '--scenario', 'pause', '--region', 'eu-central-1'],
        /--trace missing.csv: no such file/,
      ],
      [
        ['--trace', DE_8H, '--scenario', 'pause', '--region', 'eu-central-1', '--timezone', 'Mars/Base'],
        /not an IANA time zone/,
      ],
      [
        ['--trace', DE_8H, '--scenario', 'pause', '--region', 'eu-central-1', '--from', '2030-01-01'],
        /no data between --from and --to/,
      ],
      [['--trace', DE_8H, '--scenario', 'pause', '--region', 'eu-central-1', '--instance-type', 'x9.huge'], /x9\.huge/],
    ])('refuses %j with exit code 2 and says why', async (args, message) => {
      // Prepare

      // Act
      const { code, err, out } = await run(args as string[]);

      // Assess
      expect(code).toBe(2);
      expect(out).toBe('');
      expect(err).toMatch(message);
    });

    it('names the file and line of a malformed trace', async () => {
      // Prepare
      const bad = join(dir, 'bad.csv');
      writeFileSync(bad, 'datetime,zone,carbon_intensity\n2023-01-01T00:00Z,DE,abc\n');

      // Act
      const { code, err } = await run(['--trace', bad, '--scenario', 'pause', '--region', 'eu-central-1']);

      // Assess
      expect(code).toBe(2);
      expect(err).toContain('bad.csv line 2');
    });
  });
});

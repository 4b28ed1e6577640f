import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** A raw control, escape or bidi character other than a newline . */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the test looks for exactly these characters
const RAW_CONTROL_EXCEPT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/**
 * The CLI as a person runs it: `node cli/bin.mjs` in a real process (compiled build, real pipes, real exit codes).
 */
const REPO = join(import.meta.dirname, '../..');
const BIN = join(REPO, 'cli/bin.mjs');
const FLEET = join(REPO, 'examples/fleet.json');

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run the CLI; `stdin` is written to its standard input; `closeAfter` bytes of stdout are read, then the pipe closed. */
function run(
  args: readonly string[],
  options: { env?: Record<string, string>; stdin?: string; closeAfterBytes?: number; cwd?: string } = {},
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' };
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd ?? REPO,
      env: { ...env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let received = 0;
    if (options.closeAfterBytes === 0) child.stdout.destroy();
    child.stdout.on('data', (chunk: Buffer) => {
      received += chunk.length;
      stdout += chunk.toString('utf8');
      if (options.closeAfterBytes !== undefined && received >= options.closeAfterBytes) child.stdout.destroy();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });
}

/** A describe-instances document with one instance whose tags come from outside. */
function fleetWith(tags: unknown, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    Reservations: [
      {
        Instances: [
          {
            InstanceId: 'i-0123456789abcdef0',
            InstanceType: 'm5.large',
            State: { Name: 'running' },
            Placement: { AvailabilityZone: 'eu-central-1a' },
            Tags: tags,
            ...extra,
          },
        ],
      },
    ],
  });
}

let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cli-process-'));
  // Build once before the tests run in parallel (the first start compiles the CLI into node_modules/.cache).
  await run(['--version']);
}, 60_000);
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('Process: carbon-scheduler (compiled, real pipes)', () => {
  it('prints --version and --help quickly, and --help documents the common options', async () => {
    // Act
    const version = await run(['--version']);
    const help = await run(['--help']);

    // Assess
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string };
    expect(version).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
    expect(help.code).toBe(0);
    for (const text of ['--output <format>', '--json', '--region <region>', '--profile <name>', '--endpoint-url']) {
      expect(help.stdout).toContain(text);
    }
    expect(help.stdout).toContain('--from is included, --to excluded');
    expect(help.stdout).toContain('30m, 2h, 1h30m, 1d');
    for (const command of ['regions', 'status', 'schedule', 'plan', 'estimate', 'rightsizing', 'backtest', 'report']) {
      expect(help.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    }
    const planHelp = await run(['plan', '--help']);
    expect(planHelp.stdout).toContain('--fleet <file>');
    expect(planHelp.stdout).toContain('Global Options:');
  });

  it('runs the README demo: a carbon pause at the stated time, with the day’s dollars and CO2e', async () => {
    // Act: the exact command of `npm run demo`
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { scripts: { demo: string } };
    const args = pkg.scripts.demo.replace('node cli/bin.mjs ', '').split(' ');
    const demo = await run(args);

    // Assess: DE was at 403 gCO2e/kWh at 09:00 UTC on 2023-01-09 (trace row), above eu-central-1's 300 threshold.
    expect(demo.code).toBe(0);
    expect(demo.stdout).toMatch(
      /i-05eb5311b0b7b2fa8\s+eu-central-1\s+c6g\.large\s+carbon-aware\s+running\s+pause\s+403/,
    );
    expect(demo.stdout).toContain('pause-when-dirty: 403 gCO2e/kWh is above the threshold 300 → pause');
    expect(demo.stdout).toMatch(/i-01276addef597b95b\s+eu-central-1\s+m5\.large\s+office-hours\s+stopped\s+start/);
    // Total row: the sums of the rows above it (84.0 h; 1.61+0.67+1.86+1.93+0.96+0.00+1.34 = 8.37; grams likewise).
    expect(demo.stdout).toMatch(/Total \(7 managed\)\s+84\.0\s+8\.37\s+166\.2/);
    for (const line of demo.stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(120);
    // The README's first screen shows this output: every line it quotes is a line of the demo.
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
    const quoted = /```console\n\$ npm run demo\n([\s\S]*?)```/.exec(readme)![1]!.trimEnd().split('\n');
    const lines = new Set(demo.stdout.split('\n'));
    expect(quoted.filter((line) => line !== '…' && !lines.has(line))).toEqual([]);
    expect(quoted.length).toBeGreaterThan(15);
  });

  it('fits $COLUMNS, and defaults to 120 columns on a pipe', async () => {
    // Act
    const narrow = await run(['plan', '--fleet', FLEET, '--at', '2026-11-23T09:00Z', '--carbon', 'static'], {
      env: { COLUMNS: '80' },
    });
    const wide = await run(['plan', '--fleet', FLEET, '--at', '2026-11-23T09:00Z', '--carbon', 'static']);

    // Assess
    expect(narrow.code).toBe(0);
    const narrowLines = narrow.stdout.split('\n');
    expect(Math.max(...narrowLines.map((l) => [...l].length))).toBeLessThanOrEqual(80);
    expect(narrow.stdout).toContain('i-05eb5311b0b7b2fa8');
    const wideLines = wide.stdout.split('\n');
    expect(Math.max(...wideLines.map((l) => [...l].length))).toBeLessThanOrEqual(120);
    expect(Math.max(...wideLines.map((l) => [...l].length))).toBeGreaterThan(100);
  });

  it('truncates a 10 KB tag value with an ellipsis and keeps every row within the width', async () => {
    // Prepare
    const file = join(dir, 'long-tag.json');
    writeFileSync(file, fleetWith([{ Key: 'Schedule', Value: `office-hours-${'x'.repeat(10_000)}` }]));

    // Act
    const result = await run(['plan', '--fleet', file, '--at', '2026-11-23T09:00Z', '--carbon', 'static']);

    // Assess: the bad tag is reported (unknown schedule), the cell is cut, the reason wraps beneath the row.
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(Math.max(...lines.map((l) => [...l].length))).toBeLessThanOrEqual(120);
    expect(result.stdout).toMatch(/i-0123456789abcdef0\s+eu-central-1\s+m5\.large\s+office-hou\S*…/);
  });

  it('shows escape, control and bidi characters of tag values escaped, never raw', async () => {
    // Prepare: a tag that would clear the screen, set the window title, forge a row and reverse text.
    const hostile = 'office-hours\u001b[2J\u001b]0;pwned\u0007\r\ni-forged  running  start\u202eevil';
    const file = join(dir, 'hostile.json');
    writeFileSync(file, fleetWith([{ Key: 'Schedule', Value: hostile }]));

    // Act
    const result = await run(['plan', '--fleet', file, '--at', '2026-11-23T09:00Z', '--carbon', 'static']);
    const json = await run(['plan', '--fleet', file, '--at', '2026-11-23T09:00Z', '--carbon', 'static', '--json']);

    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout).not.toMatch(RAW_CONTROL_EXCEPT_NEWLINE);
    expect(result.stdout).toContain('\\x1b[2J');
    expect(result.stdout).toContain('\\x0d\\x0ai-forged');
    expect(result.stdout).toContain('\\u202eevil');
    expect(result.stdout.split('\n').filter((l) => l.startsWith('i-forged'))).toEqual([]);
    // JSON keeps the exact value (escaped by JSON itself).
    const plan = JSON.parse(json.stdout) as { instances: { schedule: string | null; reason: string }[] };
    expect(plan.instances[0]!.reason).toContain(hostile);
  });

  it('escapes control characters of zone names read from a trace in the backtest summary', async () => {
    // Prepare
    const zone = 'DE\u001b]0;pwned\u0007';
    const rows = [0, 1, 2, 3].map((h) => `2023-01-01T0${h}:00Z,${zone},${h % 2 === 0 ? 250 : 350}`);
    const trace = write('hostile-zone.csv', ['datetime,zone,carbon_intensity', ...rows].join('\n'));

    // Act
    const result = await run([
      'backtest',
      '--trace',
      trace,
      '--scenario',
      'pause',
      '--region',
      'eu-central-1',
      '--zone',
      zone,
    ]);

    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('zone DE\\x1b]0;pwned\\x07');
    expect(result.stdout).not.toMatch(RAW_CONTROL_EXCEPT_NEWLINE);
  });

  it('ends quietly with exit code 0 when the reader closes the pipe (| head, a pager that quits)', async () => {
    // Act: a reader that has gone before the CLI writes (a pager that quit), and one that stops after the first
    // chunk of an output larger than a pipe's buffer (a year of schedule usage as JSON, 74 KB): writes fail with EPIPE.
    const result = await run(
      [
        'schedule',
        'usage',
        '--schedule',
        'office-hours',
        '--from',
        '2026-01-01',
        '--to',
        '2026-12-31',
        '--output',
        'csv',
      ],
      {
        closeAfterBytes: 0,
      },
    );
    const plan = await run(['plan', '--fleet', FLEET, '--carbon', 'static'], { closeAfterBytes: 0 });

    // Assess
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(plan).toMatchObject({ code: 0, stderr: '' });
  });

  it('reads --fleet - from standard input', async () => {
    // Act
    const result = await run(
      ['plan', '--fleet', '-', '--at', '2026-11-23T09:00Z', '--carbon', 'static', '--output', 'csv'],
      {
        stdin: readFileSync(FLEET, 'utf8'),
      },
    );

    // Assess
    expect(result.code).toBe(0);
    const rows = result.stdout.trimEnd().split('\r\n');
    expect(rows[0]).toBe(
      'instance_id,region,instance_type,state,schedule,desired,action,carbon_driven,kind,gco2e_per_kwh,carbon_provider,stopped_hours_24h,usd_avoided_24h,gco2e_avoided_24h,reason,resource_type',
    );
    expect(rows).toHaveLength(13);
  });

  it.each([
    [
      '"Tags": {…} instead of a list',
      () => ['plan', '--fleet', write('tags.json', fleetWith({ Schedule: 'office-hours' }))],
      /--fleet \S+tags\.json: no instance could be read:\n {2}- i-0123456789abcdef0: Tags is not a list/,
    ],
    [
      'a one-row trace',
      () => [
        'backtest',
        '--trace',
        write('one.csv', 'datetime,zone,carbon_intensity\n2023-01-01T00:00Z,DE,300\n'),
        '--scenario',
        'pause',
        '--region',
        'eu-central-1',
      ],
      /--trace \S+one\.csv: zone DE: only one row \(line 2\)/,
    ],
    ['a directory as the fleet', () => ['plan', '--fleet', dir], /--fleet \S+: is a directory; give a file/],
    [
      'a directory as the trace',
      () => ['backtest', '--trace', dir, '--scenario', 'pause', '--region', 'eu-central-1'],
      /--trace \S+: is a directory/,
    ],
    [
      '--at 2026-02-30',
      () => ['plan', '--fleet', FLEET, '--at', '2026-02-30T09:00Z'],
      /--at "2026-02-30T09:00Z" is not a real date or time: February 2026 has 28 days/,
    ],
    [
      '--from 2026-02-30',
      () => ['schedule', 'usage', '--schedule', 'office-hours', '--from', '2026-02-30'],
      /--from "2026-02-30" is not a real date or time/,
    ],
    [
      'a fleet whose instances cannot be read',
      () => [
        'plan',
        '--fleet',
        write('unreadable.json', JSON.stringify({ Reservations: [{ Instances: [{ InstanceType: 'm5.large' }] }] })),
      ],
      /no instance could be read:\n {2}- an instance has no InstanceId/,
    ],
    [
      'an unknown region, with the nearest names',
      () => ['status', '--region', 'eu-centrall-1'],
      /--region "eu-centrall-1" is not an AWS region the product knows\. Did you mean eu-central-1/,
    ],
    [
      'an unknown --region on a command that makes no AWS call with it',
      () => ['regions', '--region', 'eu-centrall-1'],
      /--region "eu-centrall-1" is not an AWS region the product knows\. Did you mean eu-central-1/,
    ],
    [
      'a bad --endpoint-url',
      () => [
        'report',
        '--from',
        '2026-11-01',
        '--to',
        '2026-12-01',
        '--table',
        't',
        '--endpoint-url',
        'localhost:4566',
      ],
      /--endpoint-url "localhost:4566" has the scheme localhost; use http or https/,
    ],
    [
      'an unknown --output',
      () => ['regions', '--output', 'yaml'],
      /--output "yaml" is not a format; allowed: table, json, csv/,
    ],
    [
      '--output csv where there are no rows',
      () => ['status', '--region', 'eu-central-1', '--output', 'csv'],
      /status does not print --output csv; allowed: table, json/,
    ],
    [
      'a conflicting trace duplicate',
      () => [
        'backtest',
        '--trace',
        write(
          'dupe.csv',
          'datetime,zone,carbon_intensity\n2023-01-01T00:00Z,DE,300\n2023-01-01T01:00Z,DE,310\n2023-01-01T01:00Z,DE,320\n2023-01-01T02:00Z,DE,300\n',
        ),
        '--scenario',
        'pause',
        '--region',
        'eu-central-1',
      ],
      /2023-01-01T01:00Z = 310 or 320 on lines 3 and 4\. Fix these rows, or pass --drop-bad-rows/,
    ],
  ])('exits 2 with a message naming the input, never a stack trace: %s', async (_name, args, message) => {
    // Act
    const result = await run(args());

    // Assess
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('honours --no-color and NO_COLOR, and colours only when asked on a pipe', async () => {
    // Act
    const args = ['plan', '--fleet', FLEET, '--at', '2026-11-23T09:00Z', '--carbon', 'static'];
    const forced = await run(args, { env: { FORCE_COLOR: '1' } });
    const noColorFlag = await run([...args, '--no-color'], { env: { FORCE_COLOR: '1' } });
    const noColorEnv = await run(args, { env: { FORCE_COLOR: '1', NO_COLOR: '1' } });

    // Assess
    expect(forced.stdout).toContain('\u001b[32mstart');
    expect(noColorFlag.stdout).not.toContain('\u001b[');
    expect(noColorEnv.stdout).not.toContain('\u001b[');
  });
});

function write(name: string, text: string): string {
  const file = join(dir, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, text);
  return file;
}

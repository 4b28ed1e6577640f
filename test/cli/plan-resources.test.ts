import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlanJson } from '../../cli/commands/plan';

/**
 * `plan` on the describe outputs of RDS, Aurora (and Neptune, DocumentDB) and Auto Scaling, as a person runs it:
 * `node cli/bin.mjs` in a real process. Expectations are worked out by hand from the example files, the built-in
 * schedules (office-hours Mon–Fri 08:00–18:00, extended-dev 07:00–22:00, UTC) and the bundled prices.
 */
const REPO = join(import.meta.dirname, '../..');
const BIN = join(REPO, 'cli/bin.mjs');
const EXAMPLES = join(REPO, 'examples');
const MONDAY_0900 = '2026-11-23T09:00:00Z';
const SATURDAY_1200 = '2026-11-21T12:00:00Z';

function run(args: readonly string[], options: { stdin?: string; env?: Record<string, string> } = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });
}

const example = (name: string) => JSON.parse(readFileSync(join(EXAMPLES, name), 'utf8')) as Record<string, unknown[]>;
let dir: string;

async function planJson(file: string, at: string, extra: string[] = []): Promise<PlanJson> {
  const result = await run(['plan', '--fleet', file, '--at', at, '--carbon', 'static', '--json', ...extra]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as PlanJson;
}

const byId = (plan: PlanJson) => new Map(plan.instances.map((i) => [i.id, i]));

describe('Process: carbon-scheduler plan on RDS, Aurora and Auto Scaling describe outputs', () => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'plan-resources-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('plans examples/rds-instances.json on Monday 09:00 with the day ahead priced by hand', async () => {
    // Act
    const plan = await planJson(join(EXAMPLES, 'rds-instances.json'), MONDAY_0900);

    // Assess
    const ids = byId(plan);
    expect(Object.keys(plan.instances[0]!)).toEqual([
      'resourceType',
      'id',
      'region',
      'instanceType',
      'schedule',
      'desired',
      'action',
      'reason',
      'carbon',
    ]);
    expect(ids.get('shop-orders-db')).toMatchObject({
      resourceType: 'rds-instance',
      instanceType: 'db.m5.large',
      schedule: 'office-hours',
      desired: 'running',
      action: 'none',
      carbon: { gCO2ePerKWh: 342, provider: 'static', ageSeconds: 0 },
    });
    expect(ids.get('dev-mysql')).toMatchObject({ action: 'start', desired: 'running' });
    expect(ids.get('reports-db')?.reason).toContain('RDS cannot stop a DB instance that has read replicas');
    expect(ids.get('reports-db-replica')?.reason).toContain('RDS cannot stop a read replica');
    expect(ids.get('legacy-sqlserver')?.reason).toContain('RDS cannot stop a Multi-AZ SQL Server DB instance');
    expect(ids.get('ci-db')?.reason).toBe('Schedule tag "ignore" opts out: never touched');
    expect(ids.get('shop-aurora-instance-1')).toMatchObject({ schedule: null, action: 'none', desired: null });
    expect(plan.totals).toMatchObject({
      instances: 10,
      managed: 4,
      start: 1,
      stop: 0,
      skipped: 3,
      optedOut: 1,
      unmanaged: 2,
      invalidTags: 0,
      byType: { 'rds-instance': 10 },
    });
    // Stopped hours: office-hours 14 h (shop-orders-db, stock-db), extended-dev 9 h (dev-mysql), carbon-aware 0 on
    // static data. USD: db.m5.large PostgreSQL eu-central-1 0.212 × 14 + db.t3.medium MySQL 0.08 × 9 + db.t3.micro
    // PostgreSQL us-east-1 0.0181 × 14 (analytics-pg is Multi-AZ: not priced) = 2.968 + 0.72 + 0.2534.
    expect(plan.totals.estimatedStoppedHours).toBeCloseTo(37, 6);
    expect(plan.totals.estimatedUsd).toBeCloseTo(3.9414, 6);
  });

  it('stops what office-hours stops on Saturday and prints the table with its reasons and notes', async () => {
    // Act
    const result = await run(
      ['plan', '--fleet', join(EXAMPLES, 'rds-instances.json'), '--at', SATURDAY_1200, '--carbon', 'static'],
      { env: { COLUMNS: '160' } },
    );

    // Assess
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/RESOURCE\s+REGION\s+TYPE\s+SCHEDULE\s+STATE\s+ACTION/);
    expect(result.stdout).toMatch(/shop-orders-db\s+eu-central-1\s+db\.m5\.large\s+office-hours\s+available\s+stop\s/);
    expect(result.stdout).toMatch(/ci-db\s+eu-central-1\s+db\.t3\.small\s+ignore\s+available\s+- opted out\s/);
    const flat = result.stdout.replace(/\s+/g, ' ');
    expect(flat).toContain(
      'Resources: 10 = 4 managed (0 start, 2 stop, 0 resize, 2 already as wanted) + 0 with a bad tag + 3 skipped + ' +
        '1 opted out + 2 without a Schedule tag (none of these 6 is acted on).',
    );
    expect(flat).toContain(
      'analytics-pg: no on-demand price for db.r5.large (postgres, Multi-AZ) in eu-central-1 (not estimated)',
    );
  });

  it('plans examples/rds-clusters.json: Aurora, Neptune and DocumentDB are scheduled, the rest skipped with why', async () => {
    // Act
    const monday = byId(await planJson(join(EXAMPLES, 'rds-clusters.json'), MONDAY_0900));
    const saturday = byId(await planJson(join(EXAMPLES, 'rds-clusters.json'), SATURDAY_1200));

    // Assess
    expect(monday.get('graph-db')).toMatchObject({ resourceType: 'rds-cluster', action: 'start' });
    expect(monday.get('shop-aurora')).toMatchObject({ action: 'none', instanceType: '2 instances' });
    expect(monday.get('reporting-maz')?.reason).toContain('RDS cannot stop and start Multi-AZ DB clusters');
    expect(monday.get('orders-global-eu')?.reason).toContain('global database "orders-global"');
    expect(monday.get('legacy-serverless')?.reason).toContain('Aurora Serverless v1');
    expect(saturday.get('shop-aurora')).toMatchObject({ action: 'stop' });
    expect(saturday.get('catalog-docdb')).toMatchObject({ action: 'stop' });
    expect(saturday.get('graph-db')).toMatchObject({ action: 'none' });
  });

  it('plans examples/autoscaling-groups.json: scale to zero, restore to the sizes tag or 1-1, keep recorded sizes', async () => {
    // Act
    const monday = byId(await planJson(join(EXAMPLES, 'autoscaling-groups.json'), MONDAY_0900));
    const saturday = byId(await planJson(join(EXAMPLES, 'autoscaling-groups.json'), SATURDAY_1200));

    // Assess
    expect(monday.get('shop-web')).toMatchObject({
      resourceType: 'autoscaling-group',
      instanceType: '4×m5.large',
      action: 'none',
      recordSizes: { min: 2, desired: 4, max: 8 },
    });
    expect(monday.get('shop-workers')).toMatchObject({ action: 'start', targetSizes: { min: 1, desired: 2, max: 4 } });
    expect(monday.get('batch-nodes')).toMatchObject({ action: 'start', targetSizes: { min: 1, desired: 1, max: 10 } });
    expect(monday.get('batch-nodes')?.reason).toContain('nothing recorded and no ScheduleSizes tag: start to 1-1-10');
    expect(monday.get('eks-system-nodes')).toMatchObject({ action: 'none', schedule: null });
    expect(saturday.get('shop-web')).toMatchObject({ action: 'stop', recordSizes: { min: 2, desired: 4, max: 8 } });
    expect(saturday.get('kiosk')?.reason).toBe('Schedule tag "ignore" opts out: never touched');
  });

  it('reads several describe outputs merged into one file (jq -s add), from standard input, with the start order', async () => {
    // Prepare: the web stack, with the Aurora cluster stopped (Monday morning) and databases first
    const clusters = example('rds-clusters.json');
    const stack = {
      ...example('rds-instances.json'),
      DBClusters: clusters.DBClusters!.map((c) =>
        (c as { DBClusterIdentifier: string }).DBClusterIdentifier === 'shop-aurora'
          ? { ...(c as object), Status: 'stopped' }
          : c,
      ),
      ...example('autoscaling-groups.json'),
      ...example('fleet.json'),
    };
    writeFileSync(
      join(dir, 'carbon-scheduler.config.json'),
      JSON.stringify({
        resources: { startOrder: ['rds-cluster', 'rds-instance', 'autoscaling-group', 'ec2-instance'] },
      }),
    );

    // Act
    const result = await run(['plan', '--fleet', '-', '--at', MONDAY_0900, '--carbon', 'static', '--json'], {
      stdin: JSON.stringify(stack),
    });

    // Assess
    expect(result.code).toBe(0);
    const plan = JSON.parse(result.stdout) as PlanJson;
    const ids = byId(plan);
    expect(plan.totals.byType).toEqual({
      'ec2-instance': 12,
      'rds-instance': 10,
      'rds-cluster': 6,
      'autoscaling-group': 5,
    });
    // The cluster's member classes come from DBInstances of the same file: 2 × db.r5.large
    expect(ids.get('shop-aurora')).toMatchObject({ action: 'start', instanceType: '2×db.r5.large' });
    expect(ids.get('shop-workers')).toMatchObject({ action: 'none' });
    expect(ids.get('shop-workers')?.reason).toContain(
      'start order 2 in application "shop": waiting for "rds-cluster/shop-aurora" to be up before starting',
    );
    expect(ids.get('i-01276addef597b95b')).toMatchObject({
      resourceType: 'ec2-instance',
      instanceId: 'i-01276addef597b95b',
    });
    rmSync(join(dir, 'carbon-scheduler.config.json'));
  });

  it.each([
    ['{"DBInstances": {}}', /"DBInstances" is missing or not an array/],
    [
      '{"Instances": []}',
      /no top-level key Reservations, DBInstances, DBClusters or AutoScalingGroups \(found "Instances"\)/,
    ],
    [
      '{"AutoScalingGroups": [{"AutoScalingGroupName": "web", "MinSize": -1}]}',
      /web: MinSize -1 is not a whole number/,
    ],
  ])('exits 2 for %s with one line naming the problem', async (text, message) => {
    // Prepare
    writeFileSync(join(dir, 'bad.json'), text);

    // Act
    const result = await run(['plan', '--fleet', 'bad.json', '--carbon', 'static']);

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toContain('    at ');
  });
});

import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { createProductTable } from '../test/support/product-table';
import type { BenchFigure } from './figure';
import { Ec2XmlFake, type FakeInstance } from './scheduler-handler/ec2-xml-fake';

/**
 * The scheduler as Lambda runs it: the real handler and the real SDK in a child process of its own (so its CPU time
 * and peak memory are the handler's alone), against an HTTP EC2 Query/XML fake that pages DescribeInstances with
 * `NextToken` (1,000 a page) and delays every call, and dynalite for DynamoDB (every write, history included, goes
 * through the SDK). Runs at 08:00 (first sight, acts), 08:05 (idle) and 18:00 (acts) on Monday 2026-03-02.
 */
const REGIONS = [
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'ca-central-1',
  'eu-central-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'eu-north-1',
  'ap-south-1',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'sa-east-1',
];
const LATENCY_MS = 100;

function scheduleOf(i: number): string {
  const k = i % 20;
  if (k < 10) return 'office-hours';
  if (k < 14) return 'extended-dev';
  if (k < 17) return 'carbon-aware';
  if (k < 19) return 'always-on';
  return 'office-hourz';
}

function fleet(size: number): Map<string, FakeInstance[]> {
  const byRegion = new Map<string, FakeInstance[]>(REGIONS.map((r) => [r, []]));
  for (let i = 0; i < size; i += 1) {
    byRegion.get(REGIONS[i % REGIONS.length]!)!.push({
      instanceId: `i-${i.toString(16).padStart(17, '0')}`,
      instanceType: i % 2 === 0 ? 'm5.large' : 't3.medium',
      state: 'stopped',
      tags: { Schedule: scheduleOf(i), Name: `bench-${i}` },
    });
  }
  return byRegion;
}

interface ChildReport {
  runs: { at: string; wallMs: number; cpuMs: number; logBytes: number; started: number; stopped: number }[];
  peakRssMiB: number;
  baselineRssMiB: number;
  peakHeapMiB: number;
}

export async function measure(
  size: number,
  times: string[],
): Promise<{ report: ChildReport; calls: Record<string, number> }> {
  const server = dynalite({ createTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const dynamoEndpoint = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const tableName = `bench-${size}`;
  const client = new DynamoDBClient({
    endpoint: dynamoEndpoint,
    region: 'eu-central-1',
    credentials: { accessKeyId: 'b', secretAccessKey: 'b' },
  });
  await createProductTable(client, tableName);
  const ec2 = new Ec2XmlFake(fleet(size), LATENCY_MS);
  const ec2Endpoint = await ec2.start();
  try {
    const child = fork(
      fileURLToPath(new URL('./scheduler-handler/child.ts', import.meta.url)),
      [JSON.stringify({ ec2Endpoint, dynamoEndpoint, tableName, regions: REGIONS, times })],
      { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] },
    );
    const report = await new Promise<ChildReport>((resolve, reject) => {
      child.once('message', (m) => resolve(m as ChildReport));
      child.once('exit', (code) => reject(new Error(`scheduler child exited ${code}`)));
    });
    child.kill();
    return { report, calls: { ...ec2.calls } };
  } finally {
    await ec2.stop();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

export async function bench(): Promise<BenchFigure[]> {
  const times = ['2026-03-02T08:00:00.000Z', '2026-03-02T08:05:00.000Z', '2026-03-02T18:00:00.000Z'];
  const { report, calls } = await measure(10_000, times);
  const [first, idle, evening] = report.runs;
  return [
    {
      name: 'scheduler_handler_10k_idle_wall',
      value: idle!.wallMs,
      unit: `ms (target ≤ 5000; ${LATENCY_MS} ms per EC2 call, 16 regions)`,
    },
    { name: 'scheduler_handler_10k_idle_cpu', value: idle!.cpuMs, unit: 'ms (target ≤ 1000)' },
    { name: 'scheduler_handler_10k_first_run_wall', value: first!.wallMs, unit: 'ms' },
    { name: 'scheduler_handler_10k_evening_wall', value: evening!.wallMs, unit: 'ms' },
    { name: 'scheduler_handler_10k_evening_cpu', value: evening!.cpuMs, unit: 'ms' },
    { name: 'scheduler_handler_10k_idle_log', value: idle!.logBytes / 1000, unit: 'kB' },
    {
      name: 'scheduler_handler_10k_peak_rss',
      value: report.peakRssMiB,
      unit: 'MiB (child process: handler, SDK, tsx)',
    },
    {
      name: 'scheduler_handler_10k_baseline_rss',
      value: report.baselineRssMiB,
      unit: 'MiB (child before the first run)',
    },
    { name: 'scheduler_handler_10k_peak_heap', value: report.peakHeapMiB, unit: 'MiB' },
    { name: 'scheduler_handler_10k_describe_calls', value: calls.DescribeInstances ?? 0, unit: 'calls (3 runs)' },
    {
      name: 'scheduler_handler_10k_start_stop_calls',
      value: (calls.StartInstances ?? 0) + (calls.StopInstances ?? 0),
      unit: 'calls (3 runs)',
    },
  ];
}

import { existsSync, readFileSync } from 'node:fs';
import { CloudWatchClient, GetDashboardCommand } from '@aws-sdk/client-cloudwatch';
import { describe, expect, it } from 'vitest';
import { METRICS, type MetricName } from '../../lambdas/contract';
import { clientConfig } from './support/deployment';
import { controlPlane, deployment, emfLogFile } from './support/fixture';

/** One metric of an EMF document: namespace, name, unit, and the dimension names and values it is published under. */
interface EmittedMetric {
  readonly functionName: string;
  readonly namespace: string;
  readonly name: string;
  readonly unit: string | undefined;
  readonly dimensions: Record<string, string>;
}

/** Captured lines of the run: EMF documents and `metrics` log lines, with the function that printed them. */
function captured(): { functionName: string; document?: Record<string, unknown>; logLine?: Record<string, unknown> }[] {
  const file = emfLogFile();
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line));
}

/** The `metrics` log lines the scenarios printed (lambdas/adapters/metrics/publish.ts). */
function loggedLines(): { functionName: string; fields: Record<string, unknown> }[] {
  return captured().flatMap(({ functionName, logLine }) => (logLine ? [{ functionName, fields: logLine }] : []));
}

function emitted(): EmittedMetric[] {
  const metrics: EmittedMetric[] = [];
  for (const { functionName, document } of captured()) {
    if (!document) continue;
    const directives = (
      document._aws as {
        CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit?: string }[] }[];
      }
    ).CloudWatchMetrics;
    for (const directive of directives) {
      for (const dimensionSet of directive.Dimensions) {
        const dimensions = Object.fromEntries(dimensionSet.map((name) => [name, String(document[name])]));
        for (const metric of directive.Metrics) {
          metrics.push({
            functionName,
            namespace: directive.Namespace,
            name: metric.Name,
            unit: metric.Unit,
            dimensions,
          });
        }
      }
    }
  }
  return metrics;
}

/** A metric a dashboard widget or an alarm reads: explicit dimension values, or a SEARCH over a dimension schema. */
type ReadMetric =
  | {
      readonly kind: 'metric';
      readonly where: string;
      readonly namespace: string;
      readonly name: string;
      readonly dimensions: Record<string, string>;
    }
  | {
      readonly kind: 'search';
      readonly where: string;
      readonly namespace: string;
      readonly name: string;
      readonly dimensionNames: string[];
    };

function readByDashboard(body: string, namespace: string): ReadMetric[] {
  const read: ReadMetric[] = [];
  const widgets = (JSON.parse(body) as { widgets: { properties: { title?: string; metrics?: unknown[][] } }[] })
    .widgets;
  for (const widget of widgets) {
    const where = `dashboard widget "${widget.properties.title ?? '(untitled)'}"`;
    for (const entry of widget.properties.metrics ?? []) {
      const head = entry[0];
      if (typeof head === 'object' && head !== null && 'expression' in head) {
        const expression = String((head as { expression: string }).expression);
        for (const match of expression.matchAll(/SEARCH\('\{([^}]*)\} MetricName="([^"]+)"/g)) {
          const [ns, ...dimensionNames] = match[1]!.split(',');
          if (ns === namespace) read.push({ kind: 'search', where, namespace: ns, name: match[2]!, dimensionNames });
        }
        continue;
      }
      if (typeof head !== 'string' || head !== namespace) continue;
      const parts = entry.filter((p) => typeof p === 'string') as string[];
      const [ns, name, ...pairs] = parts;
      const dimensions: Record<string, string> = {};
      for (let i = 0; i + 1 < pairs.length; i += 2) dimensions[pairs[i]!] = pairs[i + 1]!;
      read.push({ kind: 'metric', where, namespace: ns!, name: name!, dimensions });
    }
  }
  return read;
}

/** A Logs Insights widget: the fields it requires present (`ispresent(X)`) and the ones it groups or filters by. */
interface ReadLogQuery {
  readonly where: string;
  readonly present: string[];
  readonly fields: string[];
}

function logQueriesOf(body: string): ReadLogQuery[] {
  const widgets = (JSON.parse(body) as { widgets: { type: string; properties: { title?: string; query?: string } }[] })
    .widgets;
  return widgets
    .filter((widget) => widget.type === 'log' && widget.properties.query)
    .map((widget) => {
      const query = widget.properties.query!;
      const present = [...query.matchAll(/ispresent\((\w+)\)/g)].map((m) => m[1]!);
      const byClauses = [...query.matchAll(/ by ([^|\n]+)/g)].flatMap((m) =>
        m[1]!.split(',').map((part) => part.trim()),
      );
      const grouped = byClauses.filter((part) => /^[A-Z]\w*$/.test(part));
      const filtered = [...query.matchAll(/ and (\w+) = '/g)].map((m) => m[1]!);
      return {
        where: `dashboard widget "${widget.properties.title ?? '(untitled)'}"`,
        present,
        fields: [...new Set([...present, ...grouped, ...filtered])],
      };
    });
}

type AlarmProps = {
  MetricName?: string;
  Namespace?: string;
  Dimensions?: { Name: string; Value: unknown }[];
  Metrics?: {
    Id: string;
    Expression?: string;
    MetricStat?: { Metric: { MetricName: string; Namespace: string; Dimensions?: { Name: string; Value: unknown }[] } };
  }[];
};

function readByAlarms(namespace: string): ReadMetric[] {
  const read: ReadMetric[] = [];
  for (const stack of deployment().stacks) {
    for (const [logicalId, resource] of Object.entries(stack.template.Resources)) {
      if (resource.Type !== 'AWS::CloudWatch::Alarm') continue;
      const props = resource.Properties as AlarmProps;
      const where = `alarm ${stack.stackName}/${logicalId}`;
      const metrics = props.MetricName
        ? [{ MetricName: props.MetricName, Namespace: props.Namespace!, Dimensions: props.Dimensions }]
        : (props.Metrics ?? []).flatMap((m) => (m.MetricStat ? [m.MetricStat.Metric] : []));
      for (const metric of metrics) {
        if (metric.Namespace !== namespace) continue;
        const dimensions = Object.fromEntries((metric.Dimensions ?? []).map((d) => [d.Name, String(d.Value)]));
        read.push({ kind: 'metric', where, namespace, name: metric.MetricName, dimensions });
      }
    }
  }
  return read;
}

const sameKeys = (a: readonly string[], b: readonly string[]) => [...a].sort().join(',') === [...b].sort().join(',');

describe('Integration: metrics contract between the handlers, the catalogue, the dashboard and the alarms', () => {
  const namespace = 'CarbonAwareScheduler';
  const metrics = emitted();

  it('the scenarios printed EMF documents and `metrics` log lines', () => {
    expect(metrics.length).toBeGreaterThan(0);
    expect(loggedLines().length).toBeGreaterThan(0);
  });

  it('every EMF metric is an `alarm` metric of the catalogue, and every logged figure a `log` one of its service', () => {
    const problems: string[] = [];
    for (const metric of metrics) {
      const entry = METRICS[metric.name as MetricName];
      if (entry && entry.use !== 'alarm')
        problems.push(`${metric.name}: published as EMF but catalogued as ${entry.use}`);
    }
    for (const { functionName, fields } of loggedLines()) {
      for (const key of Object.keys(fields)) {
        const entry = METRICS[key as MetricName];
        if (!entry) continue;
        if (entry.use !== 'log') problems.push(`${functionName}: ${key} logged but catalogued as ${entry.use}`);
        if (fields.service !== entry.service)
          problems.push(`${key}: service ${fields.service}, catalogue ${entry.service}`);
        const dims = Object.keys(fields).filter((k) => !(k in METRICS) && k !== 'message' && k !== 'service');
        const sets = [entry.dimensions, ...('rollups' in entry ? entry.rollups : [])] as readonly (readonly string[])[];
        if (!sets.some((set) => sameKeys(set, dims))) problems.push(`${key}: logged with dimensions ${dims.join(',')}`);
      }
    }
    expect([...new Set(problems)]).toEqual([]);
  });

  it('every emitted metric is in the catalogue, with its unit, its service and its dimension set', () => {
    const problems: string[] = [];
    for (const metric of metrics) {
      const entry = METRICS[metric.name as MetricName];
      if (!entry) {
        problems.push(`${metric.functionName}: ${metric.name} is not in the catalogue`);
        continue;
      }
      if (metric.namespace !== namespace) problems.push(`${metric.name}: namespace ${metric.namespace}`);
      if (metric.unit !== entry.unit) problems.push(`${metric.name}: unit ${metric.unit}, catalogue ${entry.unit}`);
      if (metric.dimensions.service !== entry.service) {
        problems.push(`${metric.name}: service ${metric.dimensions.service}, catalogue ${entry.service}`);
      }
      const names = Object.keys(metric.dimensions).filter((n) => n !== 'service');
      const allowed = entry.dimensions as readonly string[];
      if (!names.every((n) => allowed.includes(n))) {
        problems.push(`${metric.name}: dimensions ${names.join(',')} not in the catalogue's ${allowed.join(',')}`);
      }
    }
    expect([...new Set(problems)]).toEqual([]);
  });

  it('every metric the dashboard or an alarm reads is emitted by some handler with that dimension set', async () => {
    const stack = controlPlane();
    const dashboardName = stack.outputs.DashboardUrl!.split('/').pop()!;
    const cloudwatch = new CloudWatchClient(clientConfig(deployment().endpoint, deployment().account, stack.region));
    const body = (await cloudwatch.send(new GetDashboardCommand({ DashboardName: dashboardName }))).DashboardBody!;
    const read = [...readByDashboard(body, namespace), ...readByAlarms(namespace)];
    expect(read.length).toBeGreaterThan(3);
    const unmatched = read.filter((r) =>
      r.kind === 'search'
        ? !metrics.some((m) => m.name === r.name && sameKeys(Object.keys(m.dimensions), r.dimensionNames))
        : !metrics.some(
            (m) =>
              m.name === r.name &&
              sameKeys(Object.keys(m.dimensions), Object.keys(r.dimensions)) &&
              Object.entries(r.dimensions).every(([k, v]) => m.dimensions[k] === v),
          ),
    );
    expect(
      unmatched.map((r) =>
        r.kind === 'search'
          ? `${r.where}: SEARCH ${r.name} {${r.dimensionNames.join(',')}}`
          : `${r.where}: ${r.name} ${JSON.stringify(r.dimensions)}`,
      ),
    ).toEqual([]);
  });

  it('every field a Logs Insights widget reads appears in the captured `metrics` lines, together', async () => {
    const stack = controlPlane();
    const dashboardName = stack.outputs.DashboardUrl!.split('/').pop()!;
    const cloudwatch = new CloudWatchClient(clientConfig(deployment().endpoint, deployment().account, stack.region));
    const body = (await cloudwatch.send(new GetDashboardCommand({ DashboardName: dashboardName }))).DashboardBody!;
    const queries = logQueriesOf(body);
    expect(queries.length).toBeGreaterThan(10);
    const lines = loggedLines().map((l) => l.fields);
    // A widget shows data when some line carries every field it requires present and every field it groups by.
    // Figures that only appear on failures or jobs no scenario ran are listed here, each with the reason.
    const notExercised = new Set<string>([
      // A Count of 0 is not logged: ActionErrors appears only on a run where an EC2 action failed.
      'ActionErrors',
      // Logged only when the Price List API fails and a price comes from the bundled snapshot.
      'PriceFallbacks',
    ]);
    const unmatched = queries.filter(
      (q) => !q.present.some((f) => notExercised.has(f)) && !lines.some((line) => q.fields.every((f) => f in line)),
    );
    expect(unmatched.map((q) => `${q.where}: ${q.fields.join(', ')}`)).toEqual([]);
  });
});

import { METRICS, METRICS_LOG_MESSAGE } from '../../../lambdas/contract';
import { emfDocuments, type OutputLine } from './local-lambda';

/** One metric value of an EMF document: its name, value, unit, namespace and the dimension values it carries. */
export interface EmittedMetric {
  readonly name: string;
  readonly value: unknown;
  readonly unit?: string;
  readonly namespace: string;
  /** Dimension name → value, for the dimension set(s) of the directive (the `service` dimension included). */
  readonly dimensions: Readonly<Record<string, string>>;
}

/** Every metric value in the EMF documents of an invocation's output, in order. */
export function emittedMetrics(output: readonly OutputLine[]): EmittedMetric[] {
  const out: EmittedMetric[] = [];
  for (const document of emfDocuments(output)) {
    const directives = (document._aws as { CloudWatchMetrics: Record<string, unknown>[] }).CloudWatchMetrics;
    for (const directive of directives) {
      const names = new Set(((directive.Dimensions as string[][] | undefined) ?? []).flat());
      const dimensions = Object.fromEntries([...names].map((name) => [name, String(document[name])]));
      for (const metric of (directive.Metrics as { Name: string; Unit?: string }[] | undefined) ?? []) {
        out.push({
          name: metric.Name,
          value: document[metric.Name],
          ...(metric.Unit ? { unit: metric.Unit } : {}),
          namespace: String(directive.Namespace),
          dimensions,
        });
      }
    }
  }
  return out;
}

/** `name`'s values with the given dimension values (other dimensions, such as `service`, are not compared). */
export function metricValues(
  output: readonly OutputLine[],
  name: string,
  dimensions: Readonly<Record<string, string>> = {},
): unknown[] {
  return [...emittedMetrics(output), ...loggedMetrics(output)]
    .filter((m) => m.name === name && Object.entries(dimensions).every(([k, v]) => m.dimensions[k] === v))
    .map((m) => m.value);
}

/** The `metrics` log lines of an invocation's output (lambdas/adapters/metrics/publish.ts): the catalogue's `log` figures. */
export function metricsLogLines(output: readonly OutputLine[]): Record<string, unknown>[] {
  return output.flatMap((line) =>
    'json' in line && line.json.message === METRICS_LOG_MESSAGE && !('_aws' in line.json) ? [line.json] : [],
  );
}

/** The figures of the `metrics` log lines, in the shape of {@link EmittedMetric} (namespace: the log line). */
export function loggedMetrics(output: readonly OutputLine[]): EmittedMetric[] {
  return metricsLogLines(output).flatMap((line) => {
    const dimensions = Object.fromEntries(
      Object.entries(line)
        .filter(([key]) => !(key in METRICS) && key !== 'message')
        .map(([key, value]) => [key, String(value)]),
    );
    return Object.keys(line)
      .filter((key) => key in METRICS)
      .map((name) => ({ name, value: line[name], namespace: 'metrics log line', dimensions }));
  });
}

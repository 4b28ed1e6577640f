import { type MockInstance, vi } from 'vitest';
import { METRICS, METRICS_LOG_MESSAGE } from '../../lambdas/contract';

/** One metric value of an EMF document: name, value, unit, namespace and the dimension values it is published under. */
export interface EmfMetric {
  readonly name: string;
  readonly value: unknown;
  readonly unit?: string;
  readonly namespace: string;
  /** Dimension name → value of the document's dimension set (the `service` dimension included). */
  readonly dimensions: Readonly<Record<string, string>>;
}

type EmfDocument = Record<string, unknown> & {
  _aws: {
    CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit?: string }[] }[];
  };
};

/**
 * Capture what Powertools Metrics writes to stdout (as Powertools' own tests do) and read it back as EMF documents
 * and metric values; other stdout lines (Powertools JSON logs) are kept in `lines`. Call `restore()` when done
 * (or rely on `vi.restoreAllMocks()`).
 */
export function captureEmf(): {
  readonly documents: () => EmfDocument[];
  readonly metrics: () => EmfMetric[];
  readonly lines: () => string[];
  /** The `log` figures of the `metrics` log lines (lambdas/adapters/metrics/publish.ts). */
  readonly logged: () => LoggedFigure[];
  readonly spy: MockInstance;
  readonly restore: () => void;
} {
  const chunks: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
    chunks.push(String(chunk));
    return true;
  });
  const lines = () =>
    chunks
      .join('')
      .split('\n')
      .filter((line) => line.trim() !== '');
  const documents = () =>
    lines()
      .filter((line) => line.includes('"_aws"'))
      .map((line) => JSON.parse(line) as EmfDocument);
  return {
    lines,
    documents,
    metrics: () =>
      documents().flatMap((doc) =>
        doc._aws.CloudWatchMetrics.flatMap((directive) =>
          directive.Dimensions.flatMap((set) => {
            const dimensions = Object.fromEntries(set.map((name) => [name, String(doc[name])]));
            return directive.Metrics.map((metric) => ({
              name: metric.Name,
              value: doc[metric.Name],
              ...(metric.Unit ? { unit: metric.Unit } : {}),
              namespace: directive.Namespace,
              dimensions,
            }));
          }),
        ),
      ),
    logged: () => loggedFigures(lines()),
    spy,
    restore: () => spy.mockRestore(),
  };
}

/** One figure of a `metrics` log line: name, value, and the dimension values of the line (`service` included). */
export interface LoggedFigure {
  readonly name: string;
  readonly value: unknown;
  readonly dimensions: Readonly<Record<string, string>>;
}

const DIMENSION_NAMES = new Set<string>(Object.values(METRICS).flatMap((entry) => [...entry.dimensions]));

/**
 * The figures of the `metrics` log lines among `lines` (JSON text lines; others are skipped): fields named like a
 * catalogue metric are figures, fields named like a catalogue dimension (and `service`) are their dimensions.
 */
export function loggedFigures(lines: readonly string[]): LoggedFigure[] {
  return lines.flatMap((line) => {
    if (!line.includes(`"message":"${METRICS_LOG_MESSAGE}"`)) return [];
    const json = JSON.parse(line) as Record<string, unknown>;
    if (json.message !== METRICS_LOG_MESSAGE || '_aws' in json) return [];
    const dimensions: Record<string, string> = { service: String(json.service) };
    for (const [key, value] of Object.entries(json)) if (DIMENSION_NAMES.has(key)) dimensions[key] = String(value);
    return Object.keys(json)
      .filter((key) => key in METRICS)
      .map((name) => ({ name, value: json[name], dimensions }));
  });
}

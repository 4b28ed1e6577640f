import { type MockInstance, vi } from 'vitest';

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
    spy,
    restore: () => spy.mockRestore(),
  };
}

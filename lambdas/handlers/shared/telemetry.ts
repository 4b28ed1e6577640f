import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

/**
 * The logger and the metrics of a function (Powertools for AWS Lambda). Service name and namespace come from
 * `POWERTOOLS_SERVICE_NAME` and `POWERTOOLS_METRICS_NAMESPACE`, set by the shared Lambda construct (Powertools reads
 * them itself). Metrics are CloudWatch Embedded Metric Format documents on stdout: no PutMetricData calls.
 */
export interface Telemetry {
  readonly logger: Logger;
  readonly metrics: Metrics;
}

let shared: Telemetry | undefined;

/** The container's one Logger and Metrics, created on first use. */
export function defaultTelemetry(): Telemetry {
  shared ??= { logger: new Logger(), metrics: new Metrics() };
  return shared;
}

/**
 * Build a function's wiring once per container: the first invocation calls `build`, later ones reuse its result.
 * A failure is not kept, so every invocation reports the same deployment error until it is fixed.
 */
export function oncePerContainer<T>(build: () => T): () => T {
  let built: { value: T } | undefined;
  return () => {
    built ??= { value: build() };
    return built.value;
  };
}

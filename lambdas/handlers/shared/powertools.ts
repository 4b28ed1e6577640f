import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

/**
 * One module-scope Logger and Metrics for every handler (Powertools for AWS Lambda). Service name and namespace
 * come from `POWERTOOLS_SERVICE_NAME` and `POWERTOOLS_METRICS_NAMESPACE`, set by the shared Lambda construct.
 * Metrics are written as CloudWatch Embedded Metric Format to stdout: no PutMetricData calls.
 */
export const logger = new Logger();
export const metrics = new Metrics();

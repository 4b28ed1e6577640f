/**
 * Per-request overhead of the AWS SDK the product does not use: the SDK's logger middleware runs the input and
 * output "sensitive log" filters of every command (a deep copy of each DescribeInstances page and DynamoDB item set)
 * to hand them to a logger that, by default, discards everything (about 12% of a scheduler run's CPU,
 * docs/running-cost.md). It is removed unless the caller configured a logger of its own.
 */
export function withoutSdkLogFilter<T extends { middlewareStack: { remove(name: string): boolean } }>(
  client: T,
  config: { readonly logger?: unknown } = {},
): T {
  if (config.logger === undefined) client.middlewareStack.remove('loggerMiddleware');
  return client;
}

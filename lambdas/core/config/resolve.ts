import type * as z from 'zod';
import { regionFacts } from '../carbon/region-facts';
import { type Config, type ConfigInput, configSchema, DEFAULT_CARBON_THRESHOLDS } from './schema';

/** A configuration that does not match the schema. `issues` lists one line per problem: `field: what is wrong`. */
export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly issues: readonly string[],
  ) {
    super(`Invalid configuration (${source}):\n${issues.map((line) => `  - ${line}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function fieldPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  return path
    .map((part, index) => (typeof part === 'number' ? `[${part}]` : index === 0 ? String(part) : `.${String(part)}`))
    .join('');
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const field = fieldPath(issue.path);
  if (issue.code === 'unrecognized_keys') {
    return `${field}: unknown field(s) ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
  }
  const got = 'input' in issue && issue.input !== undefined ? ` (got ${JSON.stringify(issue.input)})` : '';
  const message = issue.message;
  // Our own messages already quote the bad value; zod's built-in ones get it appended.
  return `${field}: ${message}${got && !message.includes(JSON.stringify(issue.input)) ? got : ''}`;
}

/**
 * Parse and resolve a configuration object.
 *
 * @param input the raw configuration (e.g. parsed JSON); `undefined` means "all defaults"
 * @param source where it came from, for the error message (a path, `defaults`, `CONFIG env`)
 * @throws {ConfigError} naming every bad field, the bad value and what is allowed
 */
export function resolveConfig(input: unknown, source = 'configuration'): Config {
  const result = configSchema.safeParse(input ?? {}, { reportInput: true });
  if (!result.success) {
    throw new ConfigError(source, result.error.issues.map(describeIssue));
  }
  const parsed = result.data;
  const managedRegions = parsed.managedRegions ?? [parsed.homeRegion];
  const allowedRegions = parsed.dispatch.allowedRegions ?? parsed.workerRegions;
  const thresholdFor = (region: string): number =>
    parsed.carbonThresholds[region] ??
    DEFAULT_CARBON_THRESHOLDS[region] ??
    regionFacts(region)?.staticGCO2ePerKWh ??
    Number.POSITIVE_INFINITY;
  const hysteresisFor = (region: string): number => {
    const configured = parsed.hysteresis;
    if (typeof configured === 'number') return configured;
    return configured?.[region] ?? 0.1 * thresholdFor(region);
  };
  const pueFor = (region: string): number => parsed.pue.regions[region] ?? parsed.pue.default;
  const carbonRegions = [
    ...new Set([parsed.homeRegion, ...managedRegions, ...parsed.workerRegions, ...allowedRegions]),
  ].sort();
  const issues: string[] = [];
  for (const r of allowedRegions) {
    if (!parsed.workerRegions.includes(r)) {
      issues.push(`dispatch.allowedRegions: ${JSON.stringify(r)} has no worker; add it to workerRegions`);
    }
  }
  if (issues.length > 0) throw new ConfigError(source, issues);
  return {
    ...parsed,
    input: structuredClone(input ?? {}),
    managedRegions,
    dispatch: { ...parsed.dispatch, allowedRegions },
    thresholdFor,
    hysteresisFor,
    pueFor,
    carbonRegions,
  };
}

/**
 * Parse configuration passed to a Lambda as JSON (environment variable `CONFIG`).
 * @throws {ConfigError} when the JSON is malformed or invalid
 */
export function configFromJson(json: string | undefined, source = 'CONFIG environment variable'): Config {
  if (json === undefined || json.trim() === '') return resolveConfig({}, `${source} (empty: defaults)`);
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (error) {
    throw new ConfigError(source, [`(root): not valid JSON: ${(error as Error).message}`]);
  }
  return resolveConfig(raw, source);
}

/**
 * What a Lambda receives: the configuration exactly as the user wrote it (defaults are applied again by
 * `configFromJson`, with the same schema), which keeps the environment variable small.
 */
export function configToInput(config: Config): ConfigInput {
  return config.input as ConfigInput;
}

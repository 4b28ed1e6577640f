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
 * @param source where it came from, for the error message (a path, `defaults`)
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
 * Parse configuration from JSON text (the `config.json` bundled into every function's code, see
 * lambdas/handlers/shared/function-config.ts) and resolve it with the same schema as synth. There is no default for
 * missing text: an empty document is an error, never "all defaults".
 *
 * @param source where the text came from (a path), for the error message
 * @throws {ConfigError} when the text is empty, is not JSON, or has invalid fields
 */
export function configFromJson(json: string, source: string): Config {
  if (json.trim() === '') throw new ConfigError(source, ['(root): empty; expected the configuration as a JSON object']);
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (error) {
    throw new ConfigError(source, [`(root): not valid JSON: ${(error as Error).message}`]);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError(source, [`(root): expected a JSON object, got ${JSON.stringify(raw)}`]);
  }
  return resolveConfig(raw, source);
}

/**
 * The configuration exactly as the user wrote it (before defaults), which synth writes into each function's code as
 * `config.json`; the Lambda applies the defaults again with the same schema (`configFromJson`), so what runs is what
 * synth validated, and a default changed in a later release reaches the Lambdas with that release's code.
 */
export function configToInput(config: Config): ConfigInput {
  return config.input as ConfigInput;
}

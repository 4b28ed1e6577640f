import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { addProductStacks, applyNag, type ProductStacks } from '../../lib/app';
import { resolveConfig } from '../../lib/config';
import { repositoryRoot } from '../../lib/paths';

/** Options of a test synthesis. */
export interface TestAppOptions {
  /** Run the cdk-nag AWS Solutions pack (findings become annotations). */
  readonly nag?: boolean;
  /** Target account; `null` for environment-agnostic synthesis (as `cdk synth` offline). Default 123456789012. */
  readonly account?: string | null;
  /** Where the configuration file for the assets is written (default: a temporary directory of the test process). */
  readonly configDir?: string;
  /**
   * Apply the feature flags of cdk.json, as `cdk synth` does (default true): they change what is deployed, e.g.
   * `@aws-cdk/aws-iam:minimizePolicies` merges policy statements and `@aws-cdk/core:enablePartitionLiterals` writes
   * the partition of a known region as a literal. `false` synthesizes with the CDK's defaults.
   */
  readonly cdkJsonContext?: boolean;
}

let cdkJson: Record<string, unknown> | undefined;
let configDir: string | undefined;

/** One temporary directory per test process for the configuration files synth writes, removed at exit. */
function testConfigDir(): string {
  if (!configDir) {
    const dir = mkdtempSync(join(tmpdir(), 'test-config-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    configDir = dir;
  }
  return configDir;
}

/** The `context` of cdk.json (feature flags), as the CDK CLI passes it to the app. */
export function cdkJsonContext(): Record<string, unknown> {
  cdkJson ??= (
    JSON.parse(readFileSync(join(repositoryRoot, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }
  ).context;
  return cdkJson;
}

/** Build the product's stacks for a test without bundling (one test bundles for real: bundled-config.test.ts). */
export function buildTestApp(
  configInput: unknown = {},
  options: TestAppOptions = {},
): { app: App; stacks: ProductStacks } {
  const app = new App({
    context: { ...(options.cdkJsonContext === false ? {} : cdkJsonContext()), 'aws:cdk:bundling-stacks': [] },
  });
  const stacks = addProductStacks(
    app,
    resolveConfig(configInput, 'test'),
    options.account === null ? undefined : (options.account ?? '123456789012'),
    { configDir: options.configDir ?? testConfigDir() },
  );
  if (options.nag) applyNag(app);
  return { app, stacks };
}

export function templateOf(stack: Stack): Template {
  return Template.fromStack(stack);
}

/** One synthesized configuration: its stacks and their templates (each built once). */
export interface Synthesized {
  readonly app: App;
  readonly stacks: ProductStacks;
  readonly controlPlane: Template;
  readonly workers: readonly Template[];
  /** Every stack with its template, control plane first. */
  readonly all: readonly { readonly stack: Stack; readonly template: Template }[];
}

const synthesized = new Map<string, Synthesized>();

/**
 * Synthesize `configInput` once per test file and options (memoized), so tests that read the same configuration
 * share one build instead of building the app in every test.
 */
export function synthesize(configInput: unknown = {}, options: TestAppOptions = {}): Synthesized {
  const key = JSON.stringify([configInput, options]);
  const cached = synthesized.get(key);
  if (cached) return cached;
  const { app, stacks } = buildTestApp(configInput, options);
  const all = [stacks.controlPlane, ...stacks.workers].map((stack) => ({ stack, template: templateOf(stack) }));
  const result: Synthesized = {
    app,
    stacks,
    controlPlane: all[0]!.template,
    workers: all.slice(1).map((entry) => entry.template),
    all,
  };
  synthesized.set(key, result);
  return result;
}

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addProductStacks } from '../../lib/app';
import { resolveConfig } from '../../lib/config';
import { controlPlaneStackName } from '../../lib/naming';

/**
 * The one real bundled synth of the infra tier (every other infra test skips bundling): esbuild runs locally and the
 * afterBundling hook copies the configuration into each function's asset. The configuration directory has a space
 * and a quote in its name, to prove the hook quotes its paths.
 */

interface BundledFunction {
  readonly logicalId: string;
  readonly dir: string;
  readonly service: string;
  readonly assetHash: string;
  readonly files: string[];
  readonly config?: unknown;
}

const scratch = mkdtempSync(join(tmpdir(), 'bundled-config-'));

function bundledSynth(input: unknown, name: string): BundledFunction[] {
  const outdir = join(scratch, name, 'cdk.out');
  const configDir = join(scratch, name, "config dir 'quoted'");
  const app = new App({ outdir, context: { 'aws:cdk:bundling-stacks': [controlPlaneStackName] } });
  addProductStacks(app, resolveConfig(input, name), '123456789012', { configDir });
  const template = app.synth().getStackByName(controlPlaneStackName).template as {
    Resources: Record<string, { Type: string; Properties: unknown }>;
  };
  return Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === 'AWS::Lambda::Function')
    .map(([logicalId, resource]) => {
      const props = resource.Properties as {
        Code: { S3Key: string };
        Environment: { Variables: Record<string, string> };
      };
      const assetHash = props.Code.S3Key.replace(/\.zip$/, '');
      const dir = join(outdir, `asset.${assetHash}`);
      const configFile = join(dir, 'config.json');
      return {
        logicalId,
        dir,
        service: props.Environment.Variables.POWERTOOLS_SERVICE_NAME!,
        assetHash,
        files: readdirSync(dir).sort(),
        ...(existsSync(configFile) ? { config: JSON.parse(readFileSync(configFile, 'utf8')) } : {}),
      };
    });
}

const INPUT = {
  homeRegion: 'eu-central-1',
  managedRegions: ['eu-central-1'],
  workerRegions: ['eu-north-1'],
  schedules: [
    {
      name: "ops-night's",
      periods: [{ name: 'night', begintime: '22:00', endtime: '06:00', weekdays: 'mon-fri' }],
    },
  ],
};

/** Import a bundle in a fresh Node process with `env`, invoke its handler with `event`, and report how it ended. */
function invokeBundle(dir: string, env: Record<string, string>, event: unknown): { ok: boolean; message: string } {
  const script = `const { handler } = await import(${JSON.stringify(pathToFileURL(join(dir, 'index.mjs')).href)});
try { await handler(${JSON.stringify(event)}, {}); console.log(JSON.stringify({ ok: true, message: '' })); }
catch (error) { console.log(JSON.stringify({ ok: false, message: error.name + ': ' + error.message })); }`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    env: {
      PATH: process.env.PATH,
      AWS_REGION: 'eu-central-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_EC2_METADATA_DISABLED: 'true',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      ...env,
    },
    encoding: 'utf8',
    timeout: 60_000,
  });
  const last = child.stdout.trim().split('\n').at(-1) ?? '';
  if (!last.startsWith('{')) throw new Error(`bundle did not report: ${child.stderr}`);
  return JSON.parse(last) as { ok: boolean; message: string };
}

describe('Module: configuration delivery (bundled synth)', () => {
  let first: BundledFunction[];
  let second: BundledFunction[];

  beforeAll(() => {
    first = bundledSynth(INPUT, 'first');
    second = bundledSynth({ ...INPUT, dryRun: true }, 'second');
  }, 240_000);

  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('puts config.json, equal to the configuration as written, next to index.mjs of every function that reads it', () => {
    // Assess
    const byService = Object.fromEntries(first.map((fn) => [fn.service, fn]));
    // Every control-plane function reads it (the outcome recorder for config dryRun); workers are in their own stacks
    for (const service of [
      'api',
      'carbon-fetcher',
      'scheduler',
      'rightsizer',
      'dispatcher',
      'dispatch-outcome-recorder',
    ]) {
      expect(byService[service]?.files, service).toEqual(['config.json', 'index.mjs', 'index.mjs.map']);
      expect(byService[service]?.config, service).toEqual(INPUT);
    }
    expect(Object.keys(byService).sort()).toEqual([
      'api',
      'carbon-fetcher',
      'dispatch-outcome-recorder',
      'dispatcher',
      'rightsizer',
      'scheduler',
    ]);
  });

  it('changes the code asset (its hash) of exactly the functions that read the configuration when it changes', () => {
    // Assess
    const hashes = (fns: BundledFunction[]) => Object.fromEntries(fns.map((fn) => [fn.service, fn.assetHash]));
    const before = hashes(first);
    const after = hashes(second);
    for (const service of [
      'api',
      'carbon-fetcher',
      'scheduler',
      'rightsizer',
      'dispatcher',
      'dispatch-outcome-recorder',
    ]) {
      expect(after[service], service).not.toBe(before[service]);
    }
    expect(second.find((fn) => fn.service === 'scheduler')?.config).toEqual({ ...INPUT, dryRun: true });
  });

  it('runs the bundled scheduler on the config.json of its own asset, and fails loudly without it', () => {
    // Prepare
    const scheduler = first.find((fn) => fn.service === 'scheduler')!;
    const empty = mkdtempSync(join(scratch, 'empty-task-root-'));

    // Act: TABLE_NAME is unset, so a run that got past its configuration stops at the table
    const withConfig = invokeBundle(scheduler.dir, { LAMBDA_TASK_ROOT: scheduler.dir }, { dryRun: true });
    const withoutConfig = invokeBundle(scheduler.dir, { LAMBDA_TASK_ROOT: empty }, { dryRun: true });

    // Assess
    expect(withConfig).toEqual({
      ok: false,
      message: 'EnvironmentError: environment variable TABLE_NAME: is not set; expected the state table name',
    });
    expect(withoutConfig.ok).toBe(false);
    expect(withoutConfig.message).toMatch(
      /^ConfigError: Invalid configuration \(.*config\.json\):\n {2}- \(file\): missing/,
    );
  });
});

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const repositoryRoot = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'synth-config-'));

/** Run the CDK app entry the way `cdk synth -c config=FILE` does (context through CDK_CONTEXT_JSON). */
function synth(config: unknown): { status: number | null; stderr: string } {
  const file = join(dir, `config-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(config));
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'bin/carbon-scheduler.ts'], {
    cwd: repositoryRoot,
    env: {
      PATH: process.env.PATH,
      CDK_CONTEXT_JSON: JSON.stringify({ config: file, 'aws:cdk:bundling-stacks': [] }),
      CDK_OUTDIR: join(dir, 'cdk.out'),
    },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stderr: result.stderr };
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Module: bin/carbon-scheduler.ts', () => {
  it.each([
    [{ managedRegions: ['eu-central-1', 'eu-centrall-1'] }, 'managedRegions[1]: unknown AWS region "eu-centrall-1"'],
    [
      { carbonThresholds: { 'us-east-1': -10 } },
      'carbonThresholds.us-east-1: -10 is negative; a threshold must be ≥ 0',
    ],
    [
      { carbon: { providers: ['electricitymap'] } },
      'carbon.providers[0]: "electricitymap" is not a valid carbon provider',
    ],
  ])('stops synth on %j naming the field, the value and what is allowed', { timeout: 90_000 }, (config, message) => {
    // Act
    const { status, stderr } = synth(config);

    // Assess
    expect(status).toBe(1);
    expect(stderr).toContain('Invalid configuration');
    expect(stderr).toContain(message);
    expect(stderr).toMatch(/allowed|must be/);
  });
});

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../lambdas/core/config/resolve';
import { createSchedulerHandler, schedulerWiringFromEnvironment } from '../../lambdas/handlers/scheduler';
import { loadFunctionConfig, readFunctionConfig } from '../../lambdas/handlers/shared/function-config';
import { oncePerContainer } from '../../lambdas/handlers/shared/telemetry';
import { emptyTaskRootEnv, functionConfigEnv } from '../support/function-config';

describe('Module: function configuration', () => {
  describe('Function: loadFunctionConfig', () => {
    it('reads config.json from LAMBDA_TASK_ROOT and resolves it with the synth schema (defaults applied again)', () => {
      // Prepare: as written by the user; the defaults are the README's
      const env = functionConfigEnv({ homeRegion: 'eu-west-1', carbonThresholds: { 'eu-west-1': 180 } });

      // Act
      const config = loadFunctionConfig(env);

      // Assess
      expect(config.homeRegion).toBe('eu-west-1');
      expect(config.managedRegions).toEqual(['eu-west-1']);
      expect(config.thresholdFor('eu-west-1')).toBe(180);
      expect(config.schedulingIntervalMinutes).toBe(5);
      expect(config.input).toEqual({ homeRegion: 'eu-west-1', carbonThresholds: { 'eu-west-1': 180 } });
    });

    it('reads the file once per container: a later change of the file is not seen', () => {
      // Prepare
      const env = functionConfigEnv({ dryRun: true });
      const first = loadFunctionConfig(env);
      writeFileSync(join(env.LAMBDA_TASK_ROOT, 'config.json'), JSON.stringify({ dryRun: false }));

      // Act
      const second = loadFunctionConfig(env);

      // Assess
      expect(second).toBe(first);
      expect(second.dryRun).toBe(true);
      expect(readFunctionConfig(env).dryRun).toBe(false);
    });

    it.each([
      [
        'LAMBDA_TASK_ROOT is unset',
        () => ({}),
        /LAMBDA_TASK_ROOT is not set: the configuration is read from \$LAMBDA_TASK_ROOT\/config\.json/,
      ],
      [
        'config.json is missing',
        emptyTaskRootEnv,
        /config\.json\):\n {2}- \(file\): missing; cdk synth bundles the validated configuration .* the function does not run on defaults/,
      ],
      ['config.json is not JSON', () => functionConfigEnv('{"homeRegion": "eu-'), /- \(root\): not valid JSON/],
      ['config.json is empty', () => functionConfigEnv(''), /- \(root\): empty/],
      [
        'config.json has an invalid field',
        () => functionConfigEnv({ managedRegions: ['eu-centrall-1'] }),
        /config\.json\):\n {2}- managedRegions\[0\]: unknown AWS region "eu-centrall-1"/,
      ],
    ])('fails loudly with a ConfigError saying what is wrong when %s, and keeps failing', (_case, env, expected) => {
      // Prepare
      const environment = env();

      // Act
      const attempt = () => loadFunctionConfig(environment);

      // Assess: a failure is not cached as success; the second call fails the same way
      expect(attempt).toThrow(ConfigError);
      expect(attempt).toThrow(expected);
    });

    it('reports an unreadable file with the reason', () => {
      // Prepare: a directory where the file should be
      const root = mkdtempSync(join(tmpdir(), 'task-root-'));
      mkdirSync(join(root, 'config.json'));

      // Act
      const attempt = () => loadFunctionConfig({ LAMBDA_TASK_ROOT: root });

      // Assess
      expect(attempt).toThrow(/- \(file\): cannot be read: EISDIR/);
      rmSync(root, { recursive: true, force: true });
    });
  });

  describe('Handler: a function deployed without its configuration', () => {
    it('fails its first invocation with the ConfigError instead of running on defaults', async () => {
      // Prepare: the wiring is built at the first invocation, as the deployed handler does; no port is reached
      const handler = createSchedulerHandler(
        oncePerContainer(() =>
          schedulerWiringFromEnvironment(
            { ...emptyTaskRootEnv(), TABLE_NAME: 'state' },
            {
              ports: () => {
                throw new Error('must not be reached');
              },
            },
          ),
        ),
      );

      // Act
      const run = handler({ dryRun: true });
      const again = handler({ dryRun: true });

      // Assess: every invocation fails the same way until the function is redeployed with its configuration
      await expect(run).rejects.toThrow(ConfigError);
      await expect(run).rejects.toThrow(/config\.json\):\n {2}- \(file\): missing/);
      await expect(again).rejects.toThrow(ConfigError);
    });
  });
});

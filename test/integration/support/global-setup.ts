import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { DEFAULT_ACCOUNT, type Deployment, REPOSITORY_ROOT, readDeployment, synthAndDeploy } from './deployment';
import { startMoto } from './moto';

/** The configuration the scenarios deploy: three managed regions, the default workers, custom schedules, a key. */
export const SCENARIO_CONFIG = join(REPOSITORY_ROOT, 'test/integration/config/scenario.config.json');

/**
 * Once per `npm test`: start (or reuse, with `MOTO_ENDPOINT`) the moto server, synthesize the app with real esbuild
 * bundles, bootstrap and `cdk deploy --all` it into moto's default account, and hand the deployment (stacks, outputs,
 * every function's deployed configuration and bundle) to the test files.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const moto = await startMoto();
  const workDir = mkdtempSync(join(tmpdir(), 'carbon-scheduler-integration-'));
  const assemblyDir = join(workDir, 'cdk.out');
  const started = Date.now();
  let timings: Awaited<ReturnType<typeof synthAndDeploy>>;
  let deployment: Deployment;
  try {
    timings = await synthAndDeploy(SCENARIO_CONFIG, assemblyDir, moto.endpoint, DEFAULT_ACCOUNT);
    deployment = await readDeployment(assemblyDir, SCENARIO_CONFIG, moto.endpoint, DEFAULT_ACCOUNT);
  } catch (error) {
    await moto.stop();
    rmSync(workDir, { recursive: true, force: true });
    throw error;
  }
  console.log(
    `integration: deployed ${deployment.stacks.length} stacks and ${deployment.functions.length} functions into moto ` +
      `(${moto.endpoint}) in ${((Date.now() - started) / 1000).toFixed(1)} s: synth ${(timings.synthMs / 1000).toFixed(1)} s, ` +
      `bootstrap ${(timings.bootstrapMs / 1000).toFixed(1)} s, deploy ${(timings.deployMs / 1000).toFixed(1)} s`,
  );
  project.provide('deployment', deployment);
  project.provide('motoEndpoint', moto.endpoint);
  project.provide('integrationWorkDir', workDir);
  return async () => {
    await moto.stop();
    if (!process.env.KEEP_INTEGRATION_ASSEMBLY) rmSync(workDir, { recursive: true, force: true });
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    deployment: Deployment;
    motoEndpoint: string;
    integrationWorkDir: string;
  }
}

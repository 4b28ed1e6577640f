import { defineConfig } from 'vitest/config';
import { IntegrationSequencer } from './test/integration/support/sequencer';

/**
 * Three projects, all run by `npm test`:
 * - `unit`: pure code, handlers on dynalite and fakes, CLI (fast, parallel);
 * - `infra`: CDK templates, cdk-nag and the configuration matrix (each template built once per configuration);
 * - `integration`: the product deployed into a moto server and its deployed bundles run in Node processes
 *   (one deployment for the whole project, so files run one after another).
 */
export default defineConfig({
  test: {
    setupFiles: ['test/support/setup.ts'],
    sequence: { sequencer: IntegrationSequencer },
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
    env: {
      AWS_REGION: 'eu-central-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_EC2_METADATA_DISABLED: 'true',
      POWERTOOLS_DEV: 'false',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      POWERTOOLS_METRICS_DISABLED: 'false',
      // Node 20 runs the tests here; the Lambdas run on Node 22, so the SDK's Node 20 notice is noise.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/infra/**', 'test/integration/**'],
          globalSetup: ['test/support/dynalite-global-setup.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'infra',
          include: ['test/infra/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 300_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/integration/support/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 300_000,
          hookTimeout: 900_000,
        },
      },
    ],
  },
});

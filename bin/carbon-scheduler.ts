#!/usr/bin/env node
// CDK app entry: the only place that reads process.env and CDK context.
import { App } from 'aws-cdk-lib';
import { addProductStacks, applyNag } from '../lib/app';
import { ConfigError, loadConfig } from '../lib/config';

const app = new App();
const configPath = app.node.tryGetContext('config') as string | undefined;
try {
  const { config } = loadConfig(configPath);
  addProductStacks(app, config, process.env.CDK_DEFAULT_ACCOUNT);
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
if (app.node.tryGetContext('nag') !== 'false') applyNag(app);
app.synth();

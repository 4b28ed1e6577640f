import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { addProductStacks, applyNag, type ProductStacks } from '../../lib/app';
import { resolveConfig } from '../../lib/config';

/** Build the product's stacks for a test without bundling (bundling is exercised by `cdk synth` in CI). */
export function buildTestApp(
  configInput: unknown = {},
  options: { nag?: boolean; account?: string | null; configDir?: string } = {},
): {
  app: App;
  stacks: ProductStacks;
} {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stacks = addProductStacks(
    app,
    resolveConfig(configInput, 'test'),
    options.account === null ? undefined : (options.account ?? '123456789012'),
    options.configDir ? { configDir: options.configDir } : {},
  );
  if (options.nag) applyNag(app);
  return { app, stacks };
}

export function templateOf(stack: import('aws-cdk-lib').Stack): Template {
  return Template.fromStack(stack);
}

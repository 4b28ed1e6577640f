import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../lib/config';
import { buildTestApp } from './app-factory';
import { type MatrixConfig, matrixConfigs } from './matrix-configs';
import {
  alarmMetricCounts,
  dashboardBody,
  LIMITS,
  lambdaEnvironmentBytes,
  rolePolicySizes,
  type TemplateJson,
  widgetMetricCount,
} from './template-limits';

/**
 * The config matrix: every configuration of matrix-configs.ts is synthesized once (all stacks, cdk.json's feature
 * flags and cdk-nag, as `cdk synth` does), its templates are linted by cfn-lint in one run, and each template is
 * checked against the CloudFormation, Lambda, IAM and CloudWatch limits in template-limits.ts.
 */

interface Linted {
  readonly level: string;
  readonly rule: string;
  readonly file: string;
  readonly path: string;
  readonly message: string;
}

interface Built {
  readonly config: ReturnType<typeof resolveConfig>;
  readonly stacks: {
    readonly name: string;
    readonly region: string;
    readonly file: string;
    readonly template: TemplateJson;
  }[];
  readonly nagFindings: string[];
  readonly lint: Linted[];
}

/** Run cfn-lint over `files` in one process, for every region in `regions`; its findings. */
function cfnLint(files: readonly string[], regions: readonly string[]): Promise<Linted[]> {
  // The report goes to a file, not a pipe: the synthesis that runs meanwhile blocks this process's event loop, and a
  // full pipe would stall cfn-lint.
  const report = join(mkdtempSync(join(tmpdir(), 'cfn-lint-')), 'report.json');
  const out = openSync(report, 'w');
  return new Promise((resolve, reject) => {
    const child = spawn('cfn-lint', ['--format', 'json', '--regions', ...regions, '--', ...files], {
      stdio: ['ignore', out, 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', (error) =>
      reject(
        new Error(
          `cfn-lint did not start (${error.message}); the config matrix needs it on PATH: pip install cfn-lint`,
        ),
      ),
    );
    child.on('close', (status) => {
      closeSync(out);
      // Exit status is a bit mask: 2 errors, 4 warnings, 8 informational; anything else is cfn-lint failing to run.
      if (status === null || (status & ~(2 | 4 | 8)) !== 0) {
        reject(new Error(`cfn-lint failed (status ${status}): ${stderr}`));
        return;
      }
      const matches = JSON.parse(readFileSync(report, 'utf8') || '[]') as {
        Level: string;
        Rule: { Id: string };
        Filename: string;
        Location: { Path: (string | number)[] };
        Message: string;
      }[];
      rmSync(dirname(report), { recursive: true, force: true });
      resolve(
        matches.map((m) => ({
          level: m.Level,
          rule: m.Rule.Id,
          file: m.Filename.replace(/^.*\//, ''),
          path: m.Location.Path.join('/'),
          message: m.Message,
        })),
      );
    });
  });
}

/** Runs jobs with at most `limit` at a time. */
function limiter(limit: number) {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async <T>(job: () => Promise<T>): Promise<T> => {
    if (running >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    running += 1;
    try {
      return await job();
    } finally {
      running -= 1;
      waiting.shift()?.();
    }
  };
}

type Synthesized = Omit<Built, 'lint'>;

function synthesizeConfig({ name, input }: MatrixConfig): Synthesized {
  const config = resolveConfig(input, name);
  const { app, stacks } = buildTestApp(input, { nag: true });
  const assembly = app.synth();
  const all = [stacks.controlPlane, ...stacks.workers];
  const built = all.map((stack) => {
    const artifact = assembly.getStackByName(stack.stackName);
    return {
      name: stack.stackName,
      region: stack.region,
      file: artifact.templateFullPath,
      template: artifact.template,
    };
  });
  const nagFindings = all.flatMap((stack) => {
    const annotations = Annotations.fromStack(stack);
    return [
      ...annotations.findError('*', Match.stringLikeRegexp('AwsSolutions-.*')),
      ...annotations.findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*')),
    ].map((f) => `${stack.stackName} ${f.id}: ${String(f.entry.data).split('\n')[0]}`);
  });
  return { config, stacks: built, nagFindings };
}

/**
 * Synthesize every configuration once, and lint each configuration's templates in one cfn-lint process (for the
 * regions its stacks live in) as soon as they are written: cfn-lint runs on the other core while the next
 * configuration synthesizes, at most one process per core.
 */
async function buildAll(configs: readonly MatrixConfig[]): Promise<Map<string, Built>> {
  const limit = limiter(Math.max(1, availableParallelism() - 1));
  const pending = configs.map((c) => {
    const synthesized = synthesizeConfig(c);
    const lint = limit(() =>
      cfnLint(
        synthesized.stacks.map((s) => s.file),
        [...new Set(synthesized.stacks.map((s) => s.region))],
      ),
    );
    return { name: c.name, synthesized, lint };
  });
  return new Map(
    await Promise.all(
      pending.map(async ({ name, synthesized, lint }) => [name, { ...synthesized, lint: await lint }] as const),
    ),
  );
}

const CONFIGS = matrixConfigs();
let builds: Map<string, Built>;

beforeAll(async () => {
  builds = await buildAll(CONFIGS);
}, 600_000);

describe.each(CONFIGS)('Config matrix: $name', (matrixConfig) => {
  let built: Built;
  beforeAll(() => {
    built = builds.get(matrixConfig.name)!;
  });

  it('synthesizes one control plane and one worker stack per worker region, with no cdk-nag finding', () => {
    // Assess
    expect(built.stacks).toHaveLength(1 + built.config.workerRegions.length);
    expect(built.nagFindings).toEqual([]);
  });

  it('passes cfn-lint with zero errors (warnings are listed in docs/design-decisions.md)', () => {
    // Assess
    const errors = built.lint.filter((m) => m.level === 'Error');
    expect(errors).toEqual([]);
    // Only the known, harmless warnings: CDK's explicit DependsOn on a role the function already references.
    const unexpected = built.lint.filter((m) => m.level !== 'Error' && m.rule !== 'W3005');
    expect(unexpected).toEqual([]);
  });

  it('stays within CloudFormation limits: resources, outputs and template size', () => {
    for (const stack of built.stacks) {
      // Act
      const resources = Object.keys(stack.template.Resources).length;
      const outputs = Object.keys(stack.template.Outputs ?? {}).length;
      const bytes = statSync(stack.file).size;

      // Assess: the CDK CLI passes a template over 51,200 bytes through the bootstrap bucket (TemplateURL, ≤ 1 MB)
      expect(resources, stack.name).toBeLessThanOrEqual(LIMITS.resourcesPerStack);
      expect(outputs, stack.name).toBeLessThanOrEqual(LIMITS.outputsPerStack);
      expect(bytes, stack.name).toBeLessThanOrEqual(LIMITS.templateBodyS3Bytes);
      expect(Buffer.byteLength(readFileSync(stack.file, 'utf8')), stack.name).toBe(bytes);
    }
  });

  it('keeps every function’s environment within Lambda’s 4 KB, measured as the JSON of its variables', () => {
    for (const stack of built.stacks) {
      // Act
      const sizes = lambdaEnvironmentBytes(stack.template);

      // Assess
      expect(Object.keys(sizes).length, stack.name).toBeGreaterThan(0);
      for (const [fn, bytes] of Object.entries(sizes)) {
        expect(bytes, `${stack.name}/${fn}`).toBeLessThanOrEqual(LIMITS.lambdaEnvironmentBytes);
      }
    }
  });

  it('keeps every role’s inline policies within 10,240 characters and its trust policy within 2,048', () => {
    for (const stack of built.stacks) {
      // Act
      const sizes = rolePolicySizes(stack.template);

      // Assess
      for (const [role, { inline, trust }] of Object.entries(sizes)) {
        expect(inline, `${stack.name}/${role} inline`).toBeLessThanOrEqual(LIMITS.roleInlinePolicyChars);
        expect(trust, `${stack.name}/${role} trust`).toBeLessThanOrEqual(LIMITS.roleTrustPolicyChars);
      }
    }
  });

  it('keeps every alarm within CloudWatch’s 10 metrics per expression and 20 queries per alarm', () => {
    for (const stack of built.stacks) {
      // Act
      const counts = alarmMetricCounts(stack.template);

      // Assess
      for (const [alarm, { metrics, queries }] of Object.entries(counts)) {
        expect(metrics, `${stack.name}/${alarm}`).toBeLessThanOrEqual(LIMITS.alarmMetricsPerExpression);
        expect(queries, `${stack.name}/${alarm}`).toBeLessThanOrEqual(LIMITS.alarmMetricDataQueries);
      }
    }
  });

  it('keeps the dashboard within 500 widgets, 500 metrics per widget and 2,500 metrics in all', () => {
    // Prepare
    const body = dashboardBody(built.stacks[0]!.template);

    // Act: every SEARCH counted at the most series it can return
    const perWidget = body.widgets
      .filter((w) => Array.isArray(w.properties.metrics))
      .map((w) => ({
        title: w.properties.title,
        count: widgetMetricCount(built.config, w.properties.metrics as unknown[][]),
      }));
    const total = perWidget.reduce((sum, w) => sum + w.count, 0);

    // Assess
    expect(body.widgets.length).toBeLessThanOrEqual(LIMITS.dashboardWidgets);
    for (const widget of perWidget) {
      expect(widget.count, String(widget.title)).toBeLessThanOrEqual(LIMITS.metricsPerWidget);
    }
    expect(total).toBeLessThanOrEqual(LIMITS.metricsPerDashboard);
  });

  it('alarms on EC2 action failures with one plain metric, the scheduler’s run-level ActionFailures total', () => {
    // Act
    const alarms = Object.values(built.stacks[0]!.template.Resources).filter(
      (r) => r.Type === 'AWS::CloudWatch::Alarm' && r.Properties?.MetricName === 'ActionFailures',
    );

    // Assess
    expect(alarms).toHaveLength(1);
    expect(alarms[0]?.Properties).toMatchObject({
      Namespace: built.config.metricsNamespace,
      MetricName: 'ActionFailures',
      Dimensions: [{ Name: 'service', Value: 'scheduler' }],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
    });
    expect(alarms[0]?.Properties?.Metrics).toBeUndefined();
  });
});

import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, extname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { DynamoReportReader, reportInputFromItems } from '../../lambdas/adapters/dynamodb/report-reader';
import { documentClient } from '../../lambdas/adapters/dynamodb/table';
import { TABLE_NAME_ENV } from '../../lambdas/contract';
import { type BuildReportOptions, buildReport, withComparison } from '../../lambdas/core/report/build-report';
import { renderReportCsv } from '../../lambdas/core/report/csv';
import type { ReportModel } from '../../lambdas/core/report/model';
import {
  InvalidReportPeriodError,
  previousReportPeriod,
  type ReportPeriod,
  reportPeriodHalfOpen,
} from '../../lambdas/core/report/period';
import { loadConfig } from '../../lib/config';
import { apiClient, describeApiError } from '../adapters/api-mode';
import { type CliContext, CliError, EXIT } from '../context';
import { common } from '../options';
import { checkRegion, parseRegionList } from '../region-option';
import {
  backtestPeriod,
  InvalidBacktestResultError,
  isBacktestResult,
  reportFromBacktest,
} from '../report/backtest-adapter';
import { formatGrams, formatUsd } from '../report/format';
import { renderReportHtml } from '../report/html';
import { parseTableExport, TableExportFormatError } from '../report/table-export';
import { visible } from '../text';
import { SUMMARIES } from './summaries';

/** Formats of `report`. */
export const REPORT_FORMATS = ['json', 'csv', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

interface ReportOptions {
  from?: string;
  to?: string;
  format?: string;
  out?: string;
  table?: string;
  input?: string;
  config?: string;
  regions?: string;
  title?: string;
}

/** What `report --out FILE --json` prints. */
export interface ReportSummaryJson {
  readonly out: string;
  readonly format: ReportFormat;
  readonly bytes: number;
  readonly period: ReportModel['period'];
  readonly source: ReportModel['source'];
  readonly totals: ReportModel['totals'];
  readonly warnings: readonly string[];
}

function usage(message: string): never {
  throw new CliError(message, EXIT.usage);
}

function parseFormat(options: ReportOptions, json: boolean): ReportFormat {
  const explicit = options.format?.toLowerCase();
  if (explicit !== undefined && !(REPORT_FORMATS as readonly string[]).includes(explicit)) {
    usage(`--format ${JSON.stringify(options.format)} is not supported; allowed: ${REPORT_FORMATS.join(', ')}`);
  }
  const fromExtension = options.out
    ? ({ '.json': 'json', '.csv': 'csv', '.html': 'html', '.htm': 'html' } as const)[
        extname(options.out).toLowerCase() as '.json'
      ]
    : undefined;
  const format = (explicit as ReportFormat | undefined) ?? fromExtension ?? 'json';
  if (json && !options.out && format !== 'json') {
    usage(`--json prints the report as JSON; use --format json, or --out FILE to write the ${format} report to a file`);
  }
  return format;
}

function parsePeriod(options: ReportOptions): ReportPeriod {
  if (options.from === undefined || options.to === undefined) {
    usage('--from DATE and --to DATE are required (a backtest result file may omit both: its own period is used)');
  }
  try {
    return reportPeriodHalfOpen(options.from, options.to);
  } catch (error) {
    if (error instanceof InvalidReportPeriodError) usage(error.message);
    throw error;
  }
}

function parseRegions(text: string | undefined): string[] | undefined {
  return text === undefined ? undefined : parseRegionList(text, '--regions');
}

/** The Chart.js UMD bundle, inlined into the HTML report. */
export function chartJsSource(): string {
  const require = createRequire(import.meta.url);
  const main = require.resolve('chart.js');
  return readFileSync(join(dirname(main), 'chart.umd.js'), 'utf8');
}

/** Render `model` in `format`. */
export function renderReport(model: ReportModel, format: ReportFormat): string {
  if (format === 'csv') return renderReportCsv(model);
  if (format === 'html') return renderReportHtml(model, { chartJsSource: chartJsSource() });
  return `${JSON.stringify(model, null, 2)}\n`;
}

function readInputFile(ctx: CliContext, file: string): string {
  try {
    return readFileSync(resolve(ctx.cwd, file), 'utf8');
  } catch (error) {
    usage(`--input ${file}: cannot read the file (${(error as Error).message})`);
  }
}

async function modelFromFile(
  ctx: CliContext,
  file: string,
  options: ReportOptions,
  regions: string[] | undefined,
  build: BuildReportOptions,
): Promise<ReportModel> {
  const text = readInputFile(ctx, file);
  let whole: unknown;
  try {
    whole = JSON.parse(text);
  } catch {
    whole = undefined;
  }
  try {
    if (isBacktestResult(whole)) {
      const period =
        options.from === undefined && options.to === undefined ? backtestPeriod(whole) : parsePeriod(options);
      return reportFromBacktest(whole, period, file, build);
    }
    const period = parsePeriod(options);
    const items = parseTableExport(text);
    const source = { kind: 'table-export' as const, description: basename(file) };
    const inputFor = (p: ReportPeriod) =>
      reportInputFromItems(items, { period: p, ...(regions ? { regions } : {}) }, source);
    return withComparison(
      buildReport(inputFor(period), build),
      buildReport(inputFor(previousReportPeriod(period)), build),
    );
  } catch (error) {
    if (error instanceof TableExportFormatError || error instanceof InvalidBacktestResultError) {
      usage(`--input ${file}: ${error.message}`);
    }
    throw error;
  }
}

function describeAwsError(error: unknown, table: string, region: string): CliError {
  const name = (error as { name?: string }).name ?? 'Error';
  const message = (error as Error).message ?? String(error);
  if (name === 'ResourceNotFoundException') {
    return new CliError(
      `table ${table} was not found in ${region} (${message}); check --table and --region`,
      EXIT.failure,
    );
  }
  return new CliError(`reading table ${table} in ${region} failed: ${name}: ${message}`, EXIT.failure);
}

/**
 * `carbon-scheduler report --from DATE --to DATE [--format json|csv|html] [--out FILE]
 *  [--table NAME --region R | --input FILE] [--config F]`: --from included, --to excluded; the cost and carbon report of a period, read from the
 * product's DynamoDB table (Query per known key; one bounded Scan for job records), a JSON export of its items, or a
 * backtest result file. See docs/report.md.
 */
export function registerReport(program: Command, ctx: CliContext): void {
  program
    .command('report')
    .description(SUMMARIES.report)
    .option('--from <date>', 'first day, YYYY-MM-DD (UTC, included); required except for a backtest result')
    .option('--to <date>', 'end day, YYYY-MM-DD (UTC, excluded: --to 2026-12-01 ends with November 30)')
    .option(
      '--format <format>',
      `report format: ${REPORT_FORMATS.join(', ')} (default: from --out's extension, else json)`,
    )
    .option('--out <file>', 'write the report to this file (default: standard output)')
    .option('--table <name>', `DynamoDB table of the deployed product (default: $${TABLE_NAME_ENV})`)
    .option('--input <file>', 'read a JSON export of the table, or a backtest --json result, instead of the table')
    .option('--regions <list>', 'comma-separated regions to report (default: from the configuration)')
    .option('--config <file>', 'configuration file (default: carbon-scheduler.config.json if present)')
    .option('--title <text>', 'title of the report')
    .action(async (options: ReportOptions, command: Command) => {
      const opts = common(ctx, command);
      const json = opts.output === 'json';
      const format = parseFormat(options, json);
      const regions = parseRegions(options.regions);
      if (options.input && (options.table || opts.regionFromOption || opts.endpointUrl)) {
        usage('--input reads a file; it cannot be combined with --table, --region or --endpoint-url');
      }
      const build: BuildReportOptions = {
        generatedAt: ctx.clock(),
        ...(options.title ? { title: options.title } : {}),
      };

      let model: ReportModel;
      if (options.input) {
        model = await modelFromFile(ctx, options.input, options, regions, build);
      } else if (opts.api) {
        // --api: the deployed API builds the report from the table (docs/api.md)
        const period = parsePeriod(options);
        const client = apiClient(ctx, { ...opts, api: opts.api });
        model = (await client
          .report({ from: period.from, to: options.to! })
          .catch((error: unknown) => Promise.reject(describeApiError(error)))) as unknown as ReportModel;
      } else {
        const period = parsePeriod(options);
        const { config } = loadConfig(options.config, ctx.cwd);
        const table = options.table ?? ctx.env[TABLE_NAME_ENV];
        if (!table) {
          usage(`give --table NAME (or set ${TABLE_NAME_ENV}), or --input FILE for an export or a backtest result`);
        }
        // The table lives in the home region: --region, else the configuration's homeRegion (not AWS_REGION).
        const region = checkRegion(
          opts.regionFromOption ? opts.region! : config.homeRegion,
          opts.regionFromOption ? '--region' : 'config homeRegion',
        );
        const endpoint = opts.endpointUrl ?? ctx.env.AWS_ENDPOINT_URL_DYNAMODB ?? ctx.env.AWS_ENDPOINT_URL;
        const doc = documentClient({
          region,
          ...(endpoint ? { endpoint } : {}),
          ...(opts.profile ? { profile: opts.profile } : {}),
        });
        const reader = new DynamoReportReader(doc, table, { description: `${table} (${region})` });
        try {
          const read = (p: ReportPeriod) =>
            reader.read({
              period: p,
              carbonRegions: regions ?? config.carbonRegions,
              managedRegions: regions ?? config.managedRegions,
            });
          const [input, previous] = await Promise.all([read(period), read(previousReportPeriod(period))]);
          model = withComparison(buildReport(input, build), buildReport(previous, build));
        } catch (error) {
          throw describeAwsError(error, table, region);
        } finally {
          doc.destroy();
        }
      }

      const text = renderReport(model, format);
      if (!options.out) {
        ctx.out(text);
        return;
      }
      const path = resolve(ctx.cwd, options.out);
      try {
        writeFileSync(path, text, 'utf8');
      } catch (error) {
        throw new CliError(`cannot write ${options.out}: ${(error as Error).message}`, EXIT.failure);
      }
      if (json) {
        const summary: ReportSummaryJson = {
          out: path,
          format,
          bytes: Buffer.byteLength(text),
          period: model.period,
          source: model.source,
          totals: model.totals,
          warnings: model.warnings,
        };
        ctx.out(`${JSON.stringify(summary, null, 2)}\n`);
        return;
      }
      const t = model.totals;
      ctx.out(
        `wrote the ${format} report for ${model.period.from} to ${model.period.to} (${model.period.days} day${model.period.days === 1 ? '' : 's'}) to ${path}\n` +
          `  saved ${formatUsd(t.usdSaved)}, ${formatGrams(t.gCO2eAvoidedBySchedules)} avoided by schedules, ` +
          `${formatGrams(t.gCO2eSavedByDispatch)} saved by dispatch (${t.dispatchedJobs} jobs), ` +
          `rightsizing open ${formatUsd(t.rightsizingOpenMonthlyUsd)}/month\n` +
          model.warnings.map((w) => `  warning: ${visible(w)}\n`).join(''),
      );
    });
}

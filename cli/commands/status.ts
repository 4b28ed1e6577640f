import type { Command } from 'commander';
import { ApiError } from '../../client';
import { type ForecastSummary, summarizeForecast } from '../../lambdas/core/carbon/forecast-summary';
import { type CarbonStatusRow, carbonStatusRow, formatAgeSeconds } from '../../lambdas/core/carbon/status-row';
import { MAX_PLAUSIBLE_GCO2E_PER_KWH } from '../../lambdas/core/carbon/validate-reading';
import { loadConfig } from '../../lib/config';
import { apiClient, describeApiError } from '../adapters/api-mode';
import { type CliContext, CliError, EXIT } from '../context';
import { common, usage } from '../options';
import { visible } from '../text';
import { checkRegion, describeProviders, describeSource, fetchCliCarbon, parseProvider } from './regions';
import { SUMMARIES } from './summaries';

interface StatusOptions {
  threshold?: string;
  provider?: string;
  config?: string;
}

/** `status --json` output: the status row plus the forecast summary (null without a forecast). */
export interface StatusJson extends CarbonStatusRow {
  readonly forecast: ForecastSummary | null;
}

function parseThreshold(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0 || value > MAX_PLAUSIBLE_GCO2E_PER_KWH) {
    throw new CliError(
      `--threshold ${JSON.stringify(text)} is not a number of gCO2e/kWh from 0 to ${MAX_PLAUSIBLE_GCO2E_PER_KWH}`,
      EXIT.usage,
    );
  }
  return value;
}

const g = (value: number): string => value.toFixed(1);

/**
 * `carbon-scheduler status --region R [--threshold N] [--provider P] [--config F]`: the current intensity of one
 * region, above or below its threshold (config, or `--threshold`), where the value comes from and how old it is,
 * and a forecast summary when the live provider has one.
 */
export function registerStatus(program: Command, ctx: CliContext): void {
  program
    .command('status')
    .description(SUMMARIES.status)
    .option('--threshold <gCO2ePerKWh>', 'threshold to compare with (default: the configured one)')
    .option('--provider <provider>', 'use only this provider (electricitymaps, watttime, uk-carbon-intensity, static)')
    .option('--config <file>', 'configuration file (default: carbon-scheduler.config.json if present)')
    .action(async (options: StatusOptions, command: Command) => {
      const opts = common(ctx, command);
      const json = opts.output === 'json';
      if (opts.region === undefined) throw usage('status needs --region R (or AWS_REGION), e.g. --region eu-central-1');
      const region = checkRegion(opts.region, opts.regionFromOption ? '--region' : 'AWS_REGION');
      if (opts.api) {
        await statusFromApi(ctx, { ...opts, api: opts.api }, region, json);
        return;
      }
      const thresholdOption = parseThreshold(options.threshold);
      const provider = parseProvider(options.provider);
      const { config } = loadConfig(options.config, ctx.cwd);

      const carbon = await fetchCliCarbon(ctx, config, [region], {
        includeForecasts: true,
        ...(provider ? { only: provider } : {}),
      });
      const now = new Date(carbon.result.at);
      const outcome = carbon.result.regions[0]!;
      const threshold = thresholdOption ?? config.thresholdFor(region);
      const row = carbonStatusRow(outcome.sourced, now, threshold, carbon.freshness);
      const forecast = outcome.forecast ? (summarizeForecast(outcome.forecast, now) ?? null) : null;

      if (json) {
        const output: StatusJson = { ...row, forecast };
        ctx.out(`${JSON.stringify(output, null, 2)}\n`);
        return;
      }
      const origin = outcome.sourced.origin;
      const lines = [
        `${row.region} (zone ${row.zone}): ${g(row.gCO2ePerKWh)} gCO2e/kWh, ${row.quality}`,
        `  source:     ${describeSource(row, origin)}, ${row.signal} signal${row.isEstimated ? ', estimated' : ''}`,
        `  observed:   ${row.observedAt} (${row.provider === 'static' ? 'annual average, never stale' : `${formatAgeSeconds(row.ageSeconds)} ago`})`,
        `  adjusted:   ${g(row.adjustedGCO2ePerKWh)} gCO2e/kWh (freshness and estimate penalties, used for ranking)`,
        `  threshold:  ${threshold} gCO2e/kWh: ${row.aboveThreshold ? 'ABOVE' : 'below'}${thresholdOption === undefined ? ' (configured)' : ''}`,
      ];
      if (row.signal === 'marginal') {
        lines.push('  note:       marginal signal; thresholds written for average intensity do not apply unchanged');
      }
      if (outcome.sourced.fallbackReason && carbon.live.length > 0) {
        lines.push(`  fallback:   ${visible(outcome.sourced.fallbackReason)}`);
      }
      if (forecast) {
        lines.push(
          `  forecast:   ${forecast.points} points ${forecast.from} → ${forecast.to} (${forecast.provider}): ` +
            `min ${g(forecast.minGCO2ePerKWh)} at ${forecast.minAt}, max ${g(forecast.maxGCO2ePerKWh)}, mean ${g(forecast.meanGCO2ePerKWh)}`,
        );
      } else {
        lines.push(
          `  forecast:   none${outcome.forecastFailure ? ` (${visible(outcome.forecastFailure)})` : row.provider === 'static' ? ' (static data has no forecast)' : ''}`,
        );
      }
      lines.push(describeProviders(carbon));
      ctx.out(`${lines.join('\n')}\n`);
    });
}

/**
 * `status --api URL --region R`: the region's stored reading from the deployed API (`GET /v1/regions/{region}`) and
 * its forecast's cleanest hour (`GET /v1/forecast/{region}`, none when the API has no forecast: 404).
 */
async function statusFromApi(
  ctx: CliContext,
  opts: ReturnType<typeof common> & { api: string },
  region: string,
  json: boolean,
): Promise<void> {
  const client = apiClient(ctx, opts);
  const [row, forecast] = await Promise.all([
    client.region(region),
    client.forecast(region, { durationMinutes: 60 }).catch((error: unknown) => {
      if (error instanceof ApiError && error.status === 404) return null;
      throw error;
    }),
  ]).catch((error: unknown) => Promise.reject(describeApiError(error)));
  if (json) {
    ctx.out(`${JSON.stringify({ ...row, forecast }, null, 2)}\n`);
    return;
  }
  const lines = [
    `${row.region} (zone ${row.zone}): ${g(row.gCO2ePerKWh)} gCO2e/kWh, ${row.quality}`,
    `  source:     ${row.provider} (${row.origin}), ${row.signal} signal${row.isEstimated ? ', estimated' : ''}`,
    `  observed:   ${row.observedAt} (${row.provider === 'static' ? 'annual average, never stale' : `${formatAgeSeconds(row.ageSeconds)} ago`})`,
    `  adjusted:   ${g(row.adjustedGCO2ePerKWh)} gCO2e/kWh (freshness and estimate penalties, used for ranking)`,
    `  threshold:  ${row.threshold} gCO2e/kWh: ${row.aboveThreshold ? 'ABOVE' : 'below'} (deployed configuration)`,
    forecast?.bestWindow
      ? `  forecast:   cleanest hour from ${forecast.bestWindow.start}: ${g(forecast.bestWindow.meanGCO2ePerKWh)} gCO2e/kWh (${forecast.bestWindow.savingsPercent.toFixed(0)} % below now)`
      : '  forecast:   none stored',
    `  from:       ${opts.api}`,
  ];
  if (row.fallbackReason) lines.push(`  fallback:   ${visible(row.fallbackReason)}`);
  ctx.out(`${lines.join('\n')}\n`);
}

export { type DispatchInput, type DispatchJob, type DispatchResult, simulateDispatch } from './dispatch';
export { formatDuration, InvalidDurationError, parseDuration } from './duration';
export {
  type ForecastSpec,
  ForecastView,
  forecastViews,
  formatForecastSpec,
  InvalidForecastError,
  PERSISTENCE_HORIZON_MS,
  parseForecastSpec,
} from './forecast';
export { renderBacktestHtml, type Timeline } from './html-page';
export {
  checkTimezone,
  dailyInstants,
  InvalidLocalTimeError,
  localDateOf,
  parseBound,
  parseClockTime,
} from './local-time';
export { type PauseInput, type PausePeriod, type PauseResult, simulatePause } from './pause';
export { gaussian, mulberry32, type UniformSource } from './random';
export {
  type BacktestReport,
  type BacktestRun,
  type EnergyBasis,
  roundNumbers,
  type TraceFileInfo,
} from './report';
export {
  BACKTEST_SCHEMA_VERSION,
  type BacktestTotals,
  type DailyRow,
  type Period,
  type ProgressCallback,
  SCENARIOS,
  type Scenario,
  savingsFigures,
} from './result';
export { actualMean, cutSeries, mergeTraces, seriesMean, stepMinutesOf } from './series';
export { type ShiftInput, type ShiftJob, type ShiftResult, simulateShift } from './shift';
export { formatBacktestSummary } from './summary-text';

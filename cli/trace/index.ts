export type { TraceOptions, TraceParser } from './parse-trace';
export {
  createTraceParser,
  parseTrace,
  parseTraceTime,
  readTrace,
  splitCsvLine,
  TraceFormatError,
} from './parse-trace';
export { MAX_PLAUSIBLE_TRACE_GCO2E_PER_KWH, type TraceIssue } from './quality';
export type { TraceStats } from './trace';
export { Trace, TraceSeries } from './trace';

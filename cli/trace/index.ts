export type { TraceOptions, TraceParser } from './parse-trace';
export {
  createTraceParser,
  parseTrace,
  parseTraceTime,
  readTrace,
  splitCsvLine,
  TraceFormatError,
} from './parse-trace';
export type { TraceStats } from './trace';
export { Trace, TraceSeries } from './trace';

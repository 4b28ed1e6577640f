// A Lambda execution environment for one deployed function bundle, in its own Node process: the parent
// (local-lambda.ts) forks this file with the function's deployed environment, sends invocations over IPC and reads
// stdout (JSON logs and EMF documents) as CloudWatch Logs would receive it. Module scope persists between
// invocations, as in a warm Lambda container. The clock can be set per invocation: Date and Date.now run at the
// simulated time and advance in real time from there.
import { pathToFileURL } from 'node:url';

const RealDate = Date;
let offsetMs = 0;
class SimulatedDate extends RealDate {
  constructor(...args) {
    if (args.length === 0) super(RealDate.now() + offsetMs);
    else super(...args);
  }
  static now() {
    return RealDate.now() + offsetMs;
  }
}
globalThis.Date = SimulatedDate;

const [file, exportName] = [process.env.LOCAL_LAMBDA_BUNDLE, process.env.LOCAL_LAMBDA_EXPORT ?? 'handler'];
let handler;
let initError;
try {
  const module = await import(pathToFileURL(file).href);
  handler = module[exportName];
  if (typeof handler !== 'function') throw new Error(`${file} does not export a function "${exportName}"`);
} catch (error) {
  initError = error;
}

const errorShape = (error) => ({
  errorType: error?.name ?? 'Error',
  errorMessage: error?.message ?? String(error),
  stack: typeof error?.stack === 'string' ? error.stack.split('\n').slice(0, 8) : [],
});

process.on('message', async (message) => {
  if (message?.type !== 'invoke') return;
  const { id, event, simulatedNowMs, deadlineRealMs, context } = message;
  if (typeof simulatedNowMs === 'number') offsetMs = simulatedNowMs - RealDate.now();
  const lambdaContext = {
    ...context,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadlineRealMs - RealDate.now()),
  };
  let reply;
  if (initError) {
    reply = { id, ok: false, phase: 'init', error: errorShape(initError) };
  } else {
    try {
      const result = await handler(event, lambdaContext);
      reply = { id, ok: true, result: result === undefined ? null : result };
    } catch (error) {
      reply = { id, ok: false, phase: 'invoke', error: errorShape(error) };
    }
  }
  // Everything the invocation printed is written before this marker, so the parent can attribute output.
  process.stdout.write(`\n__LOCAL_LAMBDA_END__ ${id}\n`, () => process.send(reply));
});
process.send({ type: 'ready' });

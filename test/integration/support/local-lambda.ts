import { type ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Runs a deployed function's bundle the way Lambda would, since moto cannot execute Lambda code: one Node process per
 * warm container, started with the function's deployed environment (plus the endpoint and credentials of the
 * emulated account), the handler named by the deployed `Handler`, the deployed timeout (the process is killed when
 * it is exceeded, as Lambda does) and memory (`--max-old-space-size`). Standard output is collected per invocation:
 * the JSON log lines and the EMF documents CloudWatch would receive.
 */

/** What is needed to run one deployed function. */
export interface LocalLambdaSpec {
  readonly functionName: string;
  readonly functionArn: string;
  readonly region: string;
  /** Directory of the bundle (the function's asset in the cloud assembly that was deployed). */
  readonly codeDirectory: string;
  /** Deployed `Handler`, e.g. `index.handler`. */
  readonly handler: string;
  readonly timeoutSeconds: number;
  readonly memoryMB: number;
  /** Deployed environment variables. */
  readonly environment: Readonly<Record<string, string>>;
  /** Variables of the emulated account: endpoint, credentials, and test-only overrides such as provider URLs. */
  readonly accountEnvironment: Readonly<Record<string, string>>;
  /** Append every EMF document an invocation prints to this JSON-lines file (the metrics contract reads it). */
  readonly emfLogFile?: string;
}

/** One parsed line of a function's output. */
export type OutputLine = { readonly json: Record<string, unknown> } | { readonly text: string };

/** The result of one invocation. */
export interface Invocation<T = unknown> {
  readonly ok: boolean;
  readonly result?: T;
  /** `init` (the module failed to load), `invoke` (the handler threw) or `timeout` (killed at the timeout). */
  readonly phase?: 'init' | 'invoke' | 'timeout' | 'crash';
  readonly error?: { readonly errorType: string; readonly errorMessage: string; readonly stack?: string[] };
  /** JSON lines (logs, EMF) and other text the invocation printed, in order. */
  readonly output: OutputLine[];
  readonly durationMs: number;
}

/** Options of one invocation. */
export interface InvokeOptions {
  /** Simulated wall-clock time at the start of the invocation (the clock then advances in real time). */
  readonly at?: Date;
  /** Kill the container this many ms into the invocation (a crash between acting and recording). */
  readonly killAfterMs?: number;
}

const RUNNER = fileURLToPath(new URL('./lambda-runner.mjs', import.meta.url));
const END_MARKER = '__LOCAL_LAMBDA_END__ ';

interface Pending {
  readonly id: string;
  readonly lines: OutputLine[];
  reply?: { ok: boolean; result?: unknown; phase?: 'init' | 'invoke'; error?: Invocation['error'] };
  ended: boolean;
  settle: () => void;
}

/** A warm container of a deployed function; `invoke` starts one on first use and after a timeout or crash. */
export class LocalLambda {
  private child: ChildProcess | undefined;
  private ready: Promise<void> | undefined;
  private pending: Pending | undefined;
  private buffer = '';
  private readonly unattributed: OutputLine[] = [];

  constructor(readonly spec: LocalLambdaSpec) {}

  /** Output printed outside any invocation (module initialisation). */
  get initOutput(): readonly OutputLine[] {
    return this.unattributed;
  }

  /** Invoke the handler with `event`. Invocations of one container run one at a time, as in Lambda. */
  async invoke<T = unknown>(event: unknown, options: InvokeOptions = {}): Promise<Invocation<T>> {
    if (this.pending) throw new Error(`${this.spec.functionName}: an invocation is already running in this container`);
    await this.start();
    const child = this.child!;
    const id = randomUUID();
    const started = Date.now();
    const deadlineRealMs = started + this.spec.timeoutSeconds * 1000;
    let settle!: () => void;
    const done = new Promise<void>((resolve) => {
      settle = resolve;
    });
    const pending: Pending = { id, lines: [], ended: false, settle };
    this.pending = pending;
    let killedFor: 'timeout' | 'crash' | undefined;
    const kill = (why: 'timeout' | 'crash') => {
      killedFor = why;
      child.kill('SIGKILL');
    };
    const timeout = setTimeout(() => kill('timeout'), this.spec.timeoutSeconds * 1000);
    const crash = options.killAfterMs === undefined ? undefined : setTimeout(() => kill('crash'), options.killAfterMs);
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.send({
      type: 'invoke',
      id,
      event,
      deadlineRealMs,
      ...(options.at ? { simulatedNowMs: options.at.getTime() } : {}),
      context: {
        awsRequestId: id,
        functionName: this.spec.functionName,
        functionVersion: '$LATEST',
        invokedFunctionArn: this.spec.functionArn,
        memoryLimitInMB: String(this.spec.memoryMB),
        logGroupName: `/aws/lambda/${this.spec.functionName}`,
        logStreamName: `local/${id}`,
      },
    });
    await Promise.race([done, exited]);
    clearTimeout(timeout);
    if (crash) clearTimeout(crash);
    this.pending = undefined;
    const durationMs = Date.now() - started;
    if (!pending.reply) {
      this.child = undefined;
      this.ready = undefined;
      const phase = killedFor ?? 'crash';
      return {
        ok: false,
        phase,
        error: {
          errorType: phase === 'timeout' ? 'Sandbox.Timedout' : 'Runtime.ExitError',
          errorMessage:
            phase === 'timeout'
              ? `Task timed out after ${this.spec.timeoutSeconds} seconds`
              : `the container exited during the invocation`,
        },
        output: pending.lines,
        durationMs,
      };
    }
    this.recordEmf(pending.lines);
    const reply = pending.reply;
    return {
      ok: reply.ok,
      ...(reply.ok ? { result: reply.result as T } : {}),
      ...(reply.phase ? { phase: reply.phase } : {}),
      ...(reply.error ? { error: reply.error } : {}),
      output: pending.lines,
      durationMs,
    };
  }

  /** Stop the container (the next invocation is a cold start). */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    this.ready = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  private start(): Promise<void> {
    if (this.ready) return this.ready;
    const [file, exportName] = splitHandler(this.spec.handler);
    const child = fork(RUNNER, [], {
      cwd: this.spec.codeDirectory,
      execArgv: [`--max-old-space-size=${this.spec.memoryMB}`],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        TZ: 'UTC',
        LANG: 'en_US.UTF-8',
        AWS_REGION: this.spec.region,
        AWS_DEFAULT_REGION: this.spec.region,
        AWS_LAMBDA_FUNCTION_NAME: this.spec.functionName,
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(this.spec.memoryMB),
        AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
        AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${this.spec.functionName}`,
        AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
        LAMBDA_TASK_ROOT: this.spec.codeDirectory,
        _HANDLER: this.spec.handler,
        ...this.spec.environment,
        ...this.spec.accountEnvironment,
        LOCAL_LAMBDA_BUNDLE: `${this.spec.codeDirectory}/${file}`,
        LOCAL_LAMBDA_EXPORT: exportName,
      },
    });
    this.child = child;
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => this.onStdout(chunk));
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      for (const text of chunk.split('\n')) if (text.trim()) this.target().push({ text });
    });
    child.on('message', (message: { type?: string; id?: string }) => {
      if (message?.type === 'ready') return;
      const pending = this.pending;
      if (!pending || message.id !== pending.id) return;
      pending.reply = message as Pending['reply'];
      if (pending.ended) pending.settle();
    });
    this.ready = new Promise<void>((resolve, reject) => {
      const onReady = (message: { type?: string }) => {
        if (message?.type !== 'ready') return;
        child.off('message', onReady);
        resolve();
      };
      child.on('message', onReady);
      child.once('exit', (code) => reject(new Error(`${this.spec.functionName}: the container exited (${code})`)));
    });
    this.ready.catch(() => {});
    return this.ready;
  }

  private recordEmf(lines: readonly OutputLine[]): void {
    if (!this.spec.emfLogFile) return;
    const documents = emfDocuments(lines);
    // The `metrics` log lines too (lambdas/adapters/metrics/publish.ts): the dashboard's Logs Insights widgets read them.
    const metricsLines = lines.flatMap((line) =>
      'json' in line && line.json.message === 'metrics' && !('_aws' in line.json) ? [line.json] : [],
    );
    if (documents.length === 0 && metricsLines.length === 0) return;
    mkdirSync(dirname(this.spec.emfLogFile), { recursive: true });
    appendFileSync(
      this.spec.emfLogFile,
      [
        ...documents.map((document) => `${JSON.stringify({ functionName: this.spec.functionName, document })}\n`),
        ...metricsLines.map((logLine) => `${JSON.stringify({ functionName: this.spec.functionName, logLine })}\n`),
      ].join(''),
    );
  }

  private target(): OutputLine[] {
    return this.pending?.lines ?? this.unattributed;
  }

  private onStdout(chunk: string): void {
    this.buffer += chunk;
    let newline = this.buffer.indexOf('\n');
    while (newline >= 0) {
      const line = this.buffer.slice(0, newline);
      this.buffer = this.buffer.slice(newline + 1);
      newline = this.buffer.indexOf('\n');
      if (line.startsWith(END_MARKER)) {
        const pending = this.pending;
        if (pending && line.slice(END_MARKER.length).trim() === pending.id) {
          pending.ended = true;
          if (pending.reply) pending.settle();
        }
        continue;
      }
      if (!line.trim()) continue;
      this.target().push(parseLine(line));
    }
  }
}

function splitHandler(handler: string): [string, string] {
  const dot = handler.lastIndexOf('.');
  if (dot <= 0) throw new Error(`unsupported handler ${JSON.stringify(handler)}; expected file.export`);
  return [`${handler.slice(0, dot)}.mjs`, handler.slice(dot + 1)];
}

function parseLine(line: string): OutputLine {
  if (line.startsWith('{')) {
    try {
      return { json: JSON.parse(line) as Record<string, unknown> };
    } catch {
      // not JSON after all
    }
  }
  return { text: line };
}

/** The EMF documents among `lines` (objects with an `_aws.CloudWatchMetrics` directive). */
export function emfDocuments(lines: readonly OutputLine[]): Record<string, unknown>[] {
  return lines
    .flatMap((line) => ('json' in line ? [line.json] : []))
    .filter((json) => {
      const aws = json._aws as { CloudWatchMetrics?: unknown } | undefined;
      return Array.isArray(aws?.CloudWatchMetrics);
    });
}

/** The JSON log lines among `lines` (Powertools Logger output: objects with `level` and `message`). */
export function logLines(lines: readonly OutputLine[]): Record<string, unknown>[] {
  return lines
    .flatMap((line) => ('json' in line ? [line.json] : []))
    .filter((json) => typeof json.level === 'string' && '_aws' in json === false);
}

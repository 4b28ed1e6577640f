import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';

/**
 * The moto server (python3 `moto` 5.2, the emulator Instance Scheduler on AWS uses for its own integration tests):
 * an independent implementation of the AWS APIs on loopback. CI starts one and exports `MOTO_ENDPOINT`; a local
 * `npm test` without it starts its own on a free port.
 */

/** A running moto server. `stop` is a no-op for a server this process did not start. */
export interface MotoServer {
  readonly endpoint: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** Is `moto` (with its server extras) importable by python3? Returns the reason when it is not. */
export function motoAvailability(): { ok: true } | { ok: false; reason: string } {
  const probe = spawnSync('python3', ['-c', 'import moto, moto.server, boto3; print(moto.__version__)'], {
    encoding: 'utf8',
  });
  if (probe.error) return { ok: false, reason: `python3 could not be run (${probe.error.message})` };
  if (probe.status !== 0) {
    return { ok: false, reason: `python3 cannot import moto's server: ${probe.stderr.trim().split('\n').pop()}` };
  }
  return { ok: true };
}

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Wait until moto answers on `endpoint`, or fail after `timeoutMs`. */
export async function waitForMoto(endpoint: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${endpoint}/moto-api/data.json`);
      if (response.ok) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`moto did not answer on ${endpoint} within ${timeoutMs} ms (${last})`);
}

/**
 * The moto server to use: `MOTO_ENDPOINT` when set (CI), else a new `moto_server` on a free loopback port.
 * @throws {Error} when moto is not installed, with what to install
 */
export async function startMoto(env: NodeJS.ProcessEnv = process.env): Promise<MotoServer> {
  if (env.MOTO_ENDPOINT) {
    await waitForMoto(env.MOTO_ENDPOINT);
    return { endpoint: env.MOTO_ENDPOINT, port: Number(new URL(env.MOTO_ENDPOINT).port), stop: async () => {} };
  }
  const available = motoAvailability();
  if (!available.ok) {
    throw new Error(
      `The integration tier needs the moto server: ${available.reason}. Install it with ` +
        "`pip install 'moto[server]>=5.2,<5.3' boto3`, or set MOTO_ENDPOINT to a running moto_server.",
    );
  }
  const port = await freePort();
  const child: ChildProcess = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitForMoto(endpoint);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n${stderr}`);
  }
  return {
    endpoint,
    port,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}

/** Forget every resource in moto (all accounts and regions). */
export async function resetMoto(endpoint: string): Promise<void> {
  const response = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
  if (!response.ok) throw new Error(`moto reset failed: HTTP ${response.status}`);
}

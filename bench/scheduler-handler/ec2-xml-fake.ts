import { createServer, type IncomingMessage, type Server } from 'node:http';

/** One instance of the fake EC2 fleet. */
export interface FakeInstance {
  readonly instanceId: string;
  readonly instanceType: string;
  state: 'running' | 'stopped';
  readonly tags: Readonly<Record<string, string>>;
}

/** Calls the fake answered, by action. */
export type CallCounts = Record<string, number>;

/**
 * An HTTP-level EC2 Query API fake: answers DescribeInstances (1,000 per page at most, `NextToken` pages, the
 * `tag-key` and `instance-state-name` filters), StartInstances and StopInstances with the XML EC2 answers, after
 * `latencyMs` per call. The region comes from the request's SigV4 credential scope, so one endpoint serves every
 * regional client. The real SDK parses every byte, as in Lambda.
 */
export class Ec2XmlFake {
  readonly calls: CallCounts = {};
  private server: Server | undefined;

  constructor(
    private readonly fleet: ReadonlyMap<string, FakeInstance[]>,
    private readonly latencyMs: number,
  ) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      void body(req).then(async (text) => {
        const params = new URLSearchParams(text);
        const region = /Credential=[^/]+\/\d+\/([a-z0-9-]+)\/ec2\//.exec(req.headers.authorization ?? '')?.[1] ?? '';
        const action = params.get('Action') ?? '';
        this.calls[action] = (this.calls[action] ?? 0) + 1;
        if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));
        const xml = this.answer(action, region, params);
        res.writeHead(200, { 'content-type': 'text/xml;charset=UTF-8' });
        res.end(xml);
      });
    });
    // Keep idle connections open across runs (the SDK reuses them; Node's 5 s default would reset them mid-bench).
    this.server.keepAliveTimeout = 600_000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const address = this.server.address() as { port: number };
    return `http://127.0.0.1:${address.port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  private answer(action: string, region: string, params: URLSearchParams): string {
    const instances = this.fleet.get(region) ?? [];
    if (action === 'DescribeInstances') {
      const max = Number(params.get('MaxResults') ?? 1000);
      const from = Number(params.get('NextToken') ?? 0);
      const page = instances.slice(from, from + max);
      const next = from + max < instances.length ? `<nextToken>${from + max}</nextToken>` : '';
      const items = page.map(instanceXml).join('');
      return `<?xml version="1.0" encoding="UTF-8"?><DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId><reservationSet><item><reservationId>r-0</reservationId><ownerId>123456789012</ownerId><groupSet/><instancesSet>${items}</instancesSet></item></reservationSet>${next}</DescribeInstancesResponse>`;
    }
    if (action === 'StartInstances' || action === 'StopInstances') {
      const ids = new Set([...params.entries()].filter(([k]) => k.startsWith('InstanceId.')).map(([, v]) => v));
      const to = action === 'StartInstances' ? 'running' : 'stopped';
      const changed = instances.filter((i) => ids.has(i.instanceId));
      for (const instance of changed) instance.state = to;
      const tag = action === 'StartInstances' ? 'StartInstancesResponse' : 'StopInstancesResponse';
      const items = changed
        .map(
          (i) =>
            `<item><instanceId>${i.instanceId}</instanceId><currentState><code>0</code><name>${to === 'running' ? 'pending' : 'stopping'}</name></currentState></item>`,
        )
        .join('');
      return `<?xml version="1.0" encoding="UTF-8"?><${tag} xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId><instancesSet>${items}</instancesSet></${tag}>`;
    }
    return `<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>InvalidAction</Code><Message>${action}</Message></Error></Errors><RequestID>r</RequestID></Response>`;
  }
}

function instanceXml(i: FakeInstance): string {
  const code = i.state === 'running' ? 16 : 80;
  const tags = Object.entries(i.tags)
    .map(([key, value]) => `<item><key>${key}</key><value>${value}</value></item>`)
    .join('');
  return `<item><instanceId>${i.instanceId}</instanceId><imageId>ami-0</imageId><instanceState><code>${code}</code><name>${i.state}</name></instanceState><instanceType>${i.instanceType}</instanceType><launchTime>2026-01-01T00:00:00.000Z</launchTime><placement><availabilityZone>x</availabilityZone><tenancy>default</tenancy></placement><architecture>x86_64</architecture><rootDeviceType>ebs</rootDeviceType><hibernationOptions><configured>false</configured></hibernationOptions><tagSet>${tags}</tagSet></item>`;
}

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

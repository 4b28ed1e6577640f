/**
 * API Gateway HTTP API (payload format 2.0) events for the API handler, shaped as API Gateway sends them to the
 * integration (`$default` stage, IAM authorizer context). `apiEvent('GET', '/v1/regions?x=1')`.
 */
export function apiEvent(
  method: string,
  pathAndQuery: string,
  options: { body?: string | object; headers?: Record<string, string>; base64?: boolean } = {},
): Record<string, unknown> {
  const [path, query = ''] = pathAndQuery.split('?', 2) as [string, string | undefined];
  const params = new URLSearchParams(query);
  const queryStringParameters: Record<string, string> = {};
  for (const [name, value] of params) {
    queryStringParameters[name] = name in queryStringParameters ? `${queryStringParameters[name]},${value}` : value;
  }
  const text =
    options.body === undefined
      ? undefined
      : typeof options.body === 'string'
        ? options.body
        : JSON.stringify(options.body);
  const headers: Record<string, string> = {
    host: 'abc123.execute-api.eu-central-1.amazonaws.com',
    'user-agent': 'test',
    ...(text !== undefined ? { 'content-type': 'application/json' } : {}),
    ...options.headers,
  };
  return {
    version: '2.0',
    routeKey: `${method} ${path}`,
    rawPath: path,
    rawQueryString: query,
    headers,
    ...(query ? { queryStringParameters } : {}),
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      authorizer: {
        iam: {
          accessKey: 'AKIAEXAMPLE',
          accountId: '123456789012',
          callerId: 'AIDAEXAMPLE',
          principalOrgId: null,
          userArn: 'arn:aws:iam::123456789012:user/ci',
          userId: 'AIDAEXAMPLE',
          cognitoIdentity: null,
        },
      },
      domainName: 'abc123.execute-api.eu-central-1.amazonaws.com',
      domainPrefix: 'abc123',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '192.0.2.10', userAgent: 'test' },
      requestId: 'req-1',
      routeKey: `${method} ${path}`,
      stage: '$default',
      time: '21/Nov/2026:12:00:00 +0000',
      timeEpoch: 1_795_000_000_000,
    },
    ...(text !== undefined
      ? { body: options.base64 ? Buffer.from(text).toString('base64') : text, isBase64Encoded: options.base64 === true }
      : { isBase64Encoded: false }),
  };
}

import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { LambdaInvocationError, LocalLambdas } from './lambda-runtime.js';

/** What a local AWS service answers: a status, headers and a JSON (or raw) body. */
export interface LocalResponse {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/**
 * One AWS API the Lambdas (or scripts) call, served locally. Services are told apart the way
 * AWS SDK requests differ: by X-Amz-Target for JSON protocols, by path for REST ones.
 */
export interface LocalService {
  name: string;
  /** `AWS_ENDPOINT_URL_<endpointId>` points the SDK's client for this service here. */
  endpointId: string;
  handles(request: IncomingMessage): boolean;
  handle(request: IncomingMessage, body: Buffer): Promise<LocalResponse>;
}

/** An AWS-style error body, as the SDKs parse it for JSON and REST-JSON protocols. */
export function awsError(status: number, type: string, message: string): LocalResponse {
  return {
    status,
    headers: { 'x-amzn-errortype': type },
    body: { __type: type, message, Message: message },
  };
}

/**
 * Lambda ListFunctions and Invoke, so scripts, tests and Lambdas can run any function of the
 * template: RequestResponse answers the result; Event (X-Amz-Invocation-Type) answers 202 at
 * once and runs it asynchronously, retried as the function's EventInvokeConfig says.
 */
export function lambdaInvokeService(
  lambdas: LocalLambdas,
  log: (line: string) => void = () => {},
): LocalService {
  const pattern = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;
  const pathOf = (request: IncomingMessage) => new URL(request.url ?? '/', 'http://x').pathname;
  return {
    name: 'Lambda',
    endpointId: 'LAMBDA',
    handles: (request) =>
      (request.method === 'POST' && pattern.test(pathOf(request))) ||
      (request.method === 'GET' && /^\/2015-03-31\/functions\/?$/.test(pathOf(request))),
    async handle(request, body) {
      if (request.method === 'GET') return { status: 200, body: { Functions: lambdas.list() } };
      const name = decodeURIComponent(
        pattern.exec(new URL(request.url ?? '/', 'http://x').pathname)?.[1] ?? '',
      );
      const logicalId = name.split(':').pop() ?? name;
      if (!lambdas.has(logicalId)) {
        return awsError(404, 'ResourceNotFoundException', `Function not found: ${name}`);
      }
      const event = body.length > 0 ? JSON.parse(body.toString('utf8')) : {};
      if (request.headers['x-amz-invocation-type'] === 'Event') {
        lambdas.invokeAsync(logicalId, event, (error, attempts) =>
          log(
            `Lambda ${logicalId} failed ${attempts} times (in AWS: to its dead-letter queue): ${error.message}`,
          ),
        );
        return { status: 202 };
      }
      try {
        return { status: 200, body: (await lambdas.invoke(logicalId, event)) ?? null };
      } catch (error) {
        const { errorType, errorMessage } = lambdaErrorOf(error);
        return {
          status: 200,
          headers: { 'x-amz-function-error': 'Unhandled' },
          body: { errorType, errorMessage },
        };
      }
    },
  };
}

/** The error type and message a failed invocation reports, as Lambda reports them. */
export function lambdaErrorOf(error: unknown): { errorType: string; errorMessage: string } {
  const { errorType, errorMessage, message } = error as Partial<LambdaInvocationError>;
  return { errorType: errorType ?? 'Error', errorMessage: errorMessage ?? message ?? String(error) };
}

export interface AwsServicesEndpoint {
  url: string;
  server: Server;
  /** The endpoint variables that point each service's SDK client here. */
  environment: Record<string, string>;
}

/** One loopback HTTP server for every local AWS service. */
export async function startAwsServices(services: LocalService[]): Promise<AwsServicesEndpoint> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', async () => {
      const service = services.find((candidate) => candidate.handles(request));
      let answer: LocalResponse;
      try {
        answer = service
          ? await service.handle(request, Buffer.concat(chunks))
          : awsError(
              400,
              'UnknownOperationException',
              `No local service for ${request.method} ${request.url}`,
            );
      } catch (error) {
        answer = awsError(500, 'InternalFailure', (error as Error).message);
      }
      const raw = Buffer.isBuffer(answer.body);
      response.writeHead(answer.status, {
        'content-type': raw ? 'application/octet-stream' : 'application/x-amz-json-1.0',
        'x-amzn-requestid': crypto.randomUUID(),
        ...answer.headers,
      });
      response.end(raw ? answer.body : answer.body === undefined ? '' : JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const url = `http://127.0.0.1:${port}`;
  const environment = Object.fromEntries(
    services.map((service) => [`AWS_ENDPOINT_URL_${service.endpointId}`, url]),
  );
  return { url, server, environment };
}

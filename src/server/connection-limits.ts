/**
 * What protects the listeners from slow and hostile clients, and keeps even Node's own refusals
 * inside the contract: a client that has not sent its whole request in time is cut off, header
 * size and keep-alive are bounded, and malformed HTTP, over-large headers and bad Host headers
 * are answered with the documented 400 JSON error and an interaction id (Node alone would send a
 * bare 400 or 431).
 *
 * There is deliberately no cap on requests per connection: past Node's maxRequestsPerSocket, a
 * client that does not honour `Connection: close` (autocannon, for one) gets a bare 503 on a
 * connection that stays open, an answer outside the contract, for every further request.
 */
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { TokenErrorBody } from '../http/responses.js';

export interface ConnectionLimits {
  /** Time for a client to send its whole request, headers and body (default 10 s). */
  requestTimeoutMs: number;
  /** Largest request head, in bytes (default 16 KiB). */
  maxHeaderBytes: number;
  /** Idle time of a kept-alive connection (default 5 s). */
  keepAliveTimeoutMs: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = {
  requestTimeoutMs: 10_000,
  maxHeaderBytes: 16 * 1024,
  keepAliveTimeoutMs: 5_000,
};

/** Options for http.createServer / https.createServer. */
export function serverOptions(limits: ConnectionLimits) {
  return {
    requestTimeout: limits.requestTimeoutMs,
    headersTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    maxHeaderSize: limits.maxHeaderBytes,
    // Node checks the timeouts this often; its default (30 s) would let a slow client stay 40 s.
    connectionsCheckingInterval: Math.min(1_000, limits.requestTimeoutMs),
  };
}

const REASONS: Record<string, string> = {
  HPE_HEADER_OVERFLOW: 'the request headers are larger than the server accepts',
  ERR_HTTP_REQUEST_TIMEOUT: 'the request was not received in time',
  HPE_HEADERS_TIMEOUT: 'the request headers were not received in time',
};

/** A complete HTTP/1.1 400 answer with the token endpoint's error body. */
export function badRequestBytes(description: string): string {
  const body: TokenErrorBody = { error: 'invalid_request', error_description: description };
  const json = JSON.stringify(body);
  return [
    'HTTP/1.1 400 Bad Request',
    'content-type: application/json',
    'cache-control: no-store',
    `x-fapi-interaction-id: ${randomUUID()}`,
    `content-length: ${Buffer.byteLength(json)}`,
    'connection: close',
    '',
    json,
  ].join('\r\n');
}

/** Answers what Node refuses before any handler runs, then closes the connection. */
export function guardClientErrors(server: Server): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const reason = REASONS[err.code ?? ''] ?? 'the request is not valid HTTP/1.1';
    socket.end(badRequestBytes(reason));
  });
}

/** The answer of @hono/node-server's errorHandler, for requests it cannot turn into a Request (a bad Host). */
export function invalidRequestResponse(): Response {
  const body: TokenErrorBody = { error: 'invalid_request', error_description: 'the request cannot be read (is its Host header valid?)' };
  return new Response(JSON.stringify(body), {
    status: 400,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', 'x-fapi-interaction-id': randomUUID() },
  });
}

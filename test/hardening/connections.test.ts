/**
 * Hostile and broken clients at the connection level, over raw sockets: what Node refuses before
 * any handler runs must still be a documented answer, and a slow client is cut off while others
 * keep being served.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../src/server/server.js';
import { pkjwtForm } from '../support/clients.js';
import { contractProblems } from '../support/contract-validator.js';
import { tokenRequest } from '../support/requests.js';

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, limits: { requestTimeoutMs: 1000 } });
});
afterAll(() => sandbox?.close());

/** Sends raw bytes (optionally in slow pieces) and collects everything until the server closes. */
function raw(pieces: string[], gapMs = 0): Promise<{ text: string; closedAfterMs: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect(sandbox.port, '127.0.0.1');
    let text = '';
    socket.on('data', (d) => (text += d.toString('latin1')));
    // The server cutting the connection while the client still sends is an outcome, not a failure.
    socket.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' || err.code === 'EPIPE' ? undefined : reject(err)));
    socket.on('close', () => resolve({ text, closedAfterMs: Date.now() - started }));
    socket.on('connect', async () => {
      for (const piece of pieces) {
        if (socket.destroyed || socket.writableEnded) return;
        socket.write(piece);
        if (gapMs) await new Promise((r) => setTimeout(r, gapMs));
      }
    });
  });
}

/** Parses a raw HTTP/1.1 answer and checks it against the contract as a POST /token answer. */
function expectDocumented400(text: string, description: RegExp) {
  const [head, body = ''] = text.split('\r\n\r\n');
  const [statusLine, ...headerLines] = head!.split('\r\n');
  expect(statusLine).toBe('HTTP/1.1 400 Bad Request');
  const headers = new Headers(headerLines.map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()] as [string, string]));
  expect(contractProblems('POST', '/token', 400, headers, body)).toEqual([]);
  expect(JSON.parse(body)).toEqual({ error: 'invalid_request', error_description: expect.stringMatching(description) });
}

describe('refusals Node makes before any handler', () => {
  it('answers malformed HTTP with the documented 400', async () => {
    const { text } = await raw(['GARBAGE\r\n\r\n']);
    expectDocumented400(text, /not valid HTTP\/1\.1/);
  });

  it('answers over-large headers with the documented 400 (not 431)', async () => {
    const { text } = await raw([`POST /token HTTP/1.1\r\nHost: x\r\nx-big: ${'a'.repeat(20_000)}\r\n\r\n`]);
    expectDocumented400(text, /headers are larger/);
  });

  it('serves a request head just under the 16 KiB limit, and refuses one just over it', async () => {
    const head = (size: number) => {
      const start = 'POST /token HTTP/1.1\r\nHost: 127.0.0.1\r\nprefer: code=429\r\ncontent-length: 0\r\nconnection: close\r\nx-pad: ';
      return `${start}${'a'.repeat(size - start.length - 4)}\r\n\r\n`;
    };
    const under = await raw([head(16 * 1024 - 64)]);
    expect(under.text.split('\r\n')[0]).toBe('HTTP/1.1 429 Too Many Requests');
    const over = await raw([head(16 * 1024 + 64)]);
    expectDocumented400(over.text, /headers are larger/);
  });

  it('answers an invalid Host header with the documented 400', async () => {
    const { text } = await raw(['POST /token HTTP/1.1\r\nHost: bad host name\r\ncontent-length: 0\r\nconnection: close\r\n\r\n']);
    expectDocumented400(text, /cannot be read/);
  });
});

describe('slow clients', () => {
  it('cuts off a client that dribbles its headers, while others keep being served', async () => {
    const pieces = ['POST /token HTTP/1.1\r\n', ...Array.from({ length: 40 }, (_, i) => `x-slow-${i}: 1\r\n`)];
    const slow = raw(pieces, 100); // would take 4 s to finish its headers
    const served: number[] = [];
    for (let i = 0; i < 5; i++) {
      served.push((await fetch(tokenRequest(sandbox.url, await pkjwtForm(sandbox.url)))).status);
      await new Promise((r) => setTimeout(r, 150));
    }
    const { text, closedAfterMs } = await slow;
    expect(served).toEqual([200, 200, 200, 200, 200]);
    expect(closedAfterMs).toBeLessThan(3500);
    expectDocumented400(text, /not received in time/);
  });

  it('cuts off a client that dribbles its body', async () => {
    const head = `POST /token HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/x-www-form-urlencoded\r\ncontent-length: 400\r\n\r\n`;
    const { closedAfterMs } = await raw([head, ...Array.from({ length: 40 }, () => 'aaaaaaaaaa')], 100);
    expect(closedAfterMs).toBeLessThan(3500);
  });
});

describe('bodies over the limit, over a real connection', () => {
  /** A chunked body (no Content-Length to refuse up front) that would go on for 1 MiB. */
  const chunked = (path: string, contentType: string) => [
    `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: ${contentType}\r\ntransfer-encoding: chunked\r\n\r\n`,
    ...Array.from({ length: 64 }, () => `4000\r\n${'a'.repeat(0x4000)}\r\n`),
    '0\r\n\r\n',
  ];

  it('answers the token endpoint with the documented 400 once past 64 KiB, then closes the connection', async () => {
    const { text } = await raw(chunked('/token', 'application/x-www-form-urlencoded'), 5);
    expectDocumented400(text, /^the request body is larger than 65536 bytes$/);
    expect(text).toMatch(/^connection: close$/im);
  });

  it('answers a declared Content-Length over 64 KiB at once, then closes the connection', async () => {
    const head = 'POST /token HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/x-www-form-urlencoded\r\ncontent-length: 1048576\r\n\r\n';
    const { text } = await raw([head, 'client_id=x&']);
    expectDocumented400(text, /^the request body is larger than 65536 bytes$/);
    expect(text).toMatch(/^connection: close$/im);
  });

  it('answers the verification page with its 400 page, not by reading on', async () => {
    const { text } = await raw(chunked('/device', 'application/x-www-form-urlencoded'), 5);
    expect(text.split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request');
    expect(text).toMatch(/^content-type: text\/html/im);
    expect(text).toContain('The form could not be read: the request body is larger than 65536 bytes.');
  });
});

describe('long-lived connections', () => {
  it('answers every request of a kept-alive connection within the contract, however many', async () => {
    // Past Node's maxRequestsPerSocket, a client that ignores `Connection: close` would get bare
    // 503s on a connection left open; 1,200 pipelined requests would show it.
    const count = 1_200;
    const request = 'POST /token HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/x-www-form-urlencoded\r\nprefer: code=429\r\ncontent-length: 14\r\n\r\nclient_id=soak';
    const text = await new Promise<string>((resolve, reject) => {
      const socket = connect(sandbox.port, '127.0.0.1');
      let received = '';
      socket.on('error', reject);
      socket.on('data', (d) => {
        received += d.toString('latin1');
        if (received.split('HTTP/1.1 ').length - 1 === count && received.endsWith('}')) socket.end();
      });
      socket.on('close', () => resolve(received));
      socket.write(request.repeat(count));
    });
    // Pipelined answers follow one another with no line break after each body.
    const statusLines = text.match(/HTTP\/1\.1 \d{3} [^\r]*/g) ?? [];
    expect(statusLines).toHaveLength(count);
    expect(new Set(statusLines)).toEqual(new Set(['HTTP/1.1 429 Too Many Requests']));
    expect(text).not.toMatch(/^connection: close/im);
  });
});

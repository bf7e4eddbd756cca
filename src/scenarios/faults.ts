/**
 * Transport faults, deliberately outside the contract: what a client meets when a network, a
 * proxy or the provider itself breaks. Except malformed-json, they work on the Node socket, then
 * tell @hono/node-server that the response is already taken care of.
 */
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { Transport } from '../http/exchange.js';
import type { ConnectionFault } from './model.js';

/** connection-reset: a TCP RST; empty-reply: the connection closes before any byte of a response. */
export function breakConnection(fault: ConnectionFault, { incoming }: Transport): Response {
  if (fault === 'connection-reset') incoming.socket.resetAndDestroy();
  else incoming.socket.destroy();
  return RESPONSE_ALREADY_SENT;
}

/** malformed-json: the whole response, correctly framed, but its JSON object lacks the closing brace. */
export async function malformJson(response: Response): Promise<Response> {
  const text = await response.text();
  return new Response(`${text.slice(0, -1)},`, { status: response.status, headers: response.headers });
}

/** truncated-body: Content-Length announces the whole body; half of it is sent, then the connection closes. */
export async function truncateBody(response: Response, { incoming, outgoing }: Transport): Promise<Response> {
  const bytes = Buffer.from(await response.arrayBuffer());
  outgoing.writeHead(response.status, { ...Object.fromEntries(response.headers), 'content-length': bytes.length });
  outgoing.write(bytes.subarray(0, bytes.length >> 1), () => incoming.socket.destroy());
  return RESPONSE_ALREADY_SENT;
}

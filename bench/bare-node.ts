/**
 * The practical ceiling: a bare node:http server that reads the request body and answers every
 * request with the same token JSON (the size of the sandbox's) and the same cache headers.
 * Usage: node bare-node.js PORT
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { HOST } from './settings.js';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

// Shaped like the sandbox's ES256 access token, signed once: the ceiling does no per-request work.
const token = [
  b64({ alg: 'ES256', kid: 'k'.repeat(43), typ: 'at+jwt' }),
  b64({
    client_id: 'sandbox-pkjwt',
    scope: 'openid accounts',
    iss: `http://${HOST}:4010`,
    sub: 'sandbox-pkjwt',
    aud: `http://${HOST}:4010`,
    iat: 1_700_000_000,
    exp: 1_700_000_900,
    jti: '00000000-0000-4000-8000-000000000000',
  }),
  randomBytes(64).toString('base64url'),
].join('.');
const body = JSON.stringify({ access_token: token, token_type: 'Bearer', expires_in: 900, scope: 'openid accounts' });
const headers = {
  'content-type': 'application/json',
  'content-length': Buffer.byteLength(body),
  'cache-control': 'no-store',
  pragma: 'no-cache',
};

const port = Number(process.argv[2]);
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => res.writeHead(200, headers).end(body));
});
server.listen(port, HOST, () => console.log(`bare node:http listening on http://${HOST}:${port}`));
process.once('SIGTERM', () => server.close(() => process.exit(0)));

/**
 * The floor of a private_key_jwt token (issue 15): a bare node:http server that does only what no
 * token endpoint can skip, with the sandbox's own JWS functions (node:crypto): read the form,
 * verify the client assertion's ES256 signature with the demo client's public key, sign an ES256
 * access token of the sandbox's shape, answer. No checks, no state, no log, no journal.
 * Usage: node floor-node.js PORT
 */
import { createPublicKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { signJws, verifyJwsSignature } from '../src/tokens/jws.js';
import { DEMO_KEY_FILE } from './paths.js';
import { HOST } from './settings.js';

const clientKey = createPublicKey(readFileSync(DEMO_KEY_FILE, 'utf8'));
const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const header = { alg: 'ES256', kid: 'k'.repeat(43), typ: 'at+jwt' };
const issuer = `http://${HOST}:4010`;
const refused = JSON.stringify({ error: 'invalid_client' });

async function answer(form: string): Promise<{ status: number; body: string }> {
  const assertion = new URLSearchParams(form).get('client_assertion') ?? '';
  const lastDot = assertion.lastIndexOf('.');
  const valid = await verifyJwsSignature('ES256', clientKey, assertion.slice(0, lastDot), Buffer.from(assertion.slice(lastDot + 1), 'base64url'));
  if (!valid) return { status: 400, body: refused };
  const now = Math.floor(Date.now() / 1000);
  const token = await signJws('ES256', privateKey, header, {
    client_id: 'sandbox-pkjwt', scope: 'openid accounts', iss: issuer, sub: 'sandbox-pkjwt', aud: issuer, iat: now, exp: now + 900, jti: randomUUID(),
  });
  return { status: 200, body: JSON.stringify({ access_token: token, token_type: 'Bearer', expires_in: 900, scope: 'openid accounts' }) };
}

const port = Number(process.argv[2]);
const server = createServer((req, res) => {
  let form = '';
  req.setEncoding('utf8');
  req.on('data', (chunk: string) => (form += chunk));
  req.on('end', () => {
    void answer(form).then(({ status, body }) =>
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store', pragma: 'no-cache' }).end(body),
    );
  });
});
server.listen(port, HOST, () => console.log(`floor node:http listening on http://${HOST}:${port}`));
process.once('SIGTERM', () => server.close(() => process.exit(0)));

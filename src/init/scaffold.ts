/**
 * `fapi-token-sandbox init [DIR]`: a project's own sandbox, with keys made on the spot and never
 * the shared demo ones: a private_key_jwt client (PS256), a tls_client_auth client with its CA and
 * a server certificate for localhost, an example scenario, and the commands that use them.
 *
 * The CA's private key is not written: the sandbox needs only the CA certificate (to verify
 * clients, and for curl to verify the server), and a key that is not on disk cannot leak. More
 * certificates come from another init.
 */
import { randomBytes, X509Certificate, type KeyObject } from 'node:crypto';
import { lstatSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { certificateSubjectString } from '../clients/dn.js';
import { ConfigError } from '../settings/errors.js';
import { JWT_BEARER } from '../contract/request.js';
import { shippedFile } from '../shipped/files.js';
import { generateSigningKey } from '../tokens/keys.js';
import { shellWord } from './shell-word.js';
import { certificateKeyPair, issueCertificate, type Name } from './x509.js';

export const PKJWT_CLIENT_ID = 'my-pkjwt-client';
export const MTLS_CLIENT_ID = 'my-mtls-client';
const SCOPE = 'openid accounts payments consents';
const ORGANIZATION = 'fapi-token-sandbox local';
/** The ports the printed commands use: the sandbox's default, and the README's mutual-TLS port. */
const PORT = 4010;
const TLS_PORT = 4443;
const VALIDITY_DAYS = 730;

/** Every file init writes, relative to DIR. */
export const SANDBOX_FILES = {
  clients: 'clients.yaml',
  clientsSchema: 'clients.schema.json',
  pkjwtKey: `keys/${PKJWT_CLIENT_ID}.private.pem`,
  ca: 'pki/ca.pem',
  clientCert: 'pki/client.pem',
  clientKey: 'pki/client.key',
  serverCert: 'pki/server.pem',
  serverKey: 'pki/server.key',
  scenarioSchema: 'scenario.schema.json',
  scenario: 'scenarios/example.yaml',
} as const;
type FileName = keyof typeof SANDBOX_FILES;

/** Private keys: readable by their owner only. */
const SECRET_FILES: ReadonlySet<FileName> = new Set(['pkjwtKey', 'clientKey', 'serverKey']);

/**
 * Writes a sandbox into `dir` and returns the next steps to print. `command` is how the user runs
 * this program (`npx fapi-token-sandbox`), for the printed commands.
 */
export function initSandbox(dir: string, command: string): string {
  refuseExisting(dir);
  const contents = sandboxContents();
  for (const folder of [dir, ...['keys', 'pki', 'scenarios'].map((sub) => join(dir, sub))]) makeFolder(folder);
  for (const [file, relative] of Object.entries(SANDBOX_FILES) as [FileName, string][]) {
    const path = join(dir, relative);
    try {
      // 'wx': never replace a file, even one that appeared since the check.
      writeFileSync(path, contents[file], { flag: 'wx', mode: SECRET_FILES.has(file) ? 0o600 : 0o644 });
    } catch (err) {
      throw new ConfigError(path, '', `cannot be written (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
  }
  return nextSteps(dir, command);
}

/** Before anything is written: every file init would write must be absent. */
function refuseExisting(dir: string): void {
  const existing = Object.values(SANDBOX_FILES)
    .map((relative) => join(dir, relative))
    .filter((path) => {
      try {
        lstatSync(path); // a dangling link counts as existing too
        return true;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'ENOTDIR') return false; // ENOTDIR: making the folder will say why
        throw new ConfigError(path, '', `cannot be checked (${code ?? String(err)})`);
      }
    });
  if (existing.length > 0) {
    throw new ConfigError(dir, '', `init overwrites nothing, and these files exist: ${existing.join(', ')}; remove them or choose another folder`);
  }
}

function makeFolder(path: string): void {
  try {
    mkdirSync(path, { recursive: true });
  } catch (err) {
    throw new ConfigError(path, '', `cannot create the folder (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
}

const pkcs8 = (key: KeyObject) => key.export({ type: 'pkcs8', format: 'pem' }) as string;

/** Fresh keys and certificates, and the files that register them. */
function sandboxContents(): Record<FileName, string> {
  const pkjwt = generateSigningKey('PS256');

  const notBefore = new Date(Date.now() - 3600_000); // an hour ago, for clocks a little behind
  const notAfter = new Date(notBefore.getTime() + VALIDITY_DAYS * 86400_000);
  // A random part in the CA's name, so that CAs of different sandboxes never share a name.
  const caName: Name = [['O', ORGANIZATION], ['CN', `${ORGANIZATION} CA ${randomBytes(4).toString('hex')}`]];
  const caKeys = certificateKeyPair();
  const ca = issueCertificate({ subject: caName, publicKey: caKeys.publicKey, signingKey: caKeys.privateKey, ca: true, notBefore, notAfter });
  const issuer = { name: caName, privateKey: caKeys.privateKey, keyIdentifier: ca.keyIdentifier };

  const clientKeys = certificateKeyPair();
  const client = issueCertificate({
    subject: [['O', ORGANIZATION], ['CN', MTLS_CLIENT_ID]],
    publicKey: clientKeys.publicKey,
    issuer,
    extendedKeyUsage: 'clientAuth',
    notBefore,
    notAfter,
  });
  const serverKeys = certificateKeyPair();
  const server = issueCertificate({
    subject: [['O', ORGANIZATION], ['CN', 'localhost']],
    publicKey: serverKeys.publicKey,
    issuer,
    extendedKeyUsage: 'serverAuth',
    dnsNames: ['localhost'],
    ipAddresses: ['127.0.0.1', '::1'],
    notBefore,
    notAfter,
  });
  // Registered as the sandbox reads it back from the certificate, so the two always match.
  const subjectDn = certificateSubjectString(new X509Certificate(client.der).subject);

  return {
    clients: clientsYaml(pkjwt.publicJwk as Record<string, string>, subjectDn),
    clientsSchema: readFileSync(shippedFile('demo/clients.schema.json'), 'utf8'),
    pkjwtKey: pkcs8(pkjwt.privateKey),
    ca: ca.pem,
    clientCert: client.pem,
    clientKey: pkcs8(clientKeys.privateKey),
    serverCert: server.pem,
    serverKey: pkcs8(serverKeys.privateKey),
    scenarioSchema: readFileSync(shippedFile('scenarios/scenario.schema.json'), 'utf8'),
    scenario: EXAMPLE_SCENARIO,
  };
}

/** JSON strings are YAML double-quoted scalars: safe for any key material or DN. */
const yamlString = (value: string) => JSON.stringify(value);

function clientsYaml(jwk: Record<string, string>, subjectDn: string): string {
  // kid and n are base64url, which may begin with "-": quoted.
  const jwkLines = [
    `        - kty: ${jwk.kty}`,
    `          kid: ${yamlString(jwk.kid!)}`,
    `          alg: ${jwk.alg}`,
    `          use: ${jwk.use}`,
    `          n: ${yamlString(jwk.n!)}`,
    `          e: ${yamlString(jwk.e!)}`,
  ];
  return `# yaml-language-server: $schema=./clients.schema.json
#
# Your sandbox's clients, written by fapi-token-sandbox init with keys made on this machine (none
# of the shared demo keys). This file holds public keys only; the private keys are in keys/ and
# pki/. Field names are RFC 7591 / RFC 8705 client metadata; clients.schema.json documents them.
clients:
  # private_key_jwt, PS256 (RSA 2048): ${SANDBOX_FILES.pkjwtKey} signs its client assertions
  - client_id: ${PKJWT_CLIENT_ID}
    token_endpoint_auth_method: private_key_jwt
    token_endpoint_auth_signing_alg: PS256
    scope: ${SCOPE}
    grant_types: [client_credentials]
    jwks:
      keys:
${jwkLines.join('\n')}

  # tls_client_auth: ${SANDBOX_FILES.clientCert} and ${SANDBOX_FILES.clientKey}, issued by ${SANDBOX_FILES.ca}
  - client_id: ${MTLS_CLIENT_ID}
    token_endpoint_auth_method: tls_client_auth
    tls_client_auth_subject_dn: ${yamlString(subjectDn)}
    scope: ${SCOPE}
    grant_types: [client_credentials]
`;
}

const EXAMPLE_SCENARIO = `# yaml-language-server: $schema=../scenario.schema.json
#
# An example scenario file. Started with --scenarios pointing at this folder, the sandbox loads
# the scenario files here (*.yaml, *.yml) INSTEAD of the shipped ones: copy any shipped scenario
# you still want next to this file. Prefer: code=N works without any scenario.
#
# A request selects a scenario by name with the header  x-sandbox-scenario: NAME, or by itself
# when it matches a scenario's \`match\`. ../scenario.schema.json documents every field; at start
# the sandbox also checks statuses, examples and headers against its contract and stops with one
# line naming the mistake.
scenarios:
  # For retry code: with  -H 'x-sandbox-scenario: retry-then-token'  each client_id gets a 504,
  # then 200 from then on (POST /__sandbox/reset starts the sequence again).
  - name: retry-then-token
    description: 504 first, then 200, per client_id.
    sequence:
      steps:
        - { status: 504 }
        - { status: 200 }

  # Selected without a header: every request with client_id=my-throttled-client is throttled.
  - name: my-throttled-client
    description: Any request with client_id=my-throttled-client gets 429 with Retry-After 1.
    match:
      form: { client_id: my-throttled-client }
    response:
      status: 429
      headers: { Retry-After: "1" }
`;

/** The printed next steps: every command runs as printed from the folder init ran in. */
export function nextSteps(dir: string, command: string): string {
  const path = (file: FileName) => shellWord(join(dir, SANDBOX_FILES[file]));
  const folder = (sub: string) => join(dir, sub) + '/';
  const scenarios = shellWord(join(dir, 'scenarios'));
  const tree: [string, string][] = [
    [join(dir, SANDBOX_FILES.clients), `${PKJWT_CLIENT_ID} (private_key_jwt, PS256) and ${MTLS_CLIENT_ID} (tls_client_auth)`],
    [folder('keys'), `${PKJWT_CLIENT_ID}.private.pem`],
    [folder('pki'), 'ca.pem; client.pem, client.key; server.pem, server.key (localhost, 127.0.0.1)'],
    [folder('scenarios'), 'example.yaml, an example scenario file'],
    [join(dir, '*.schema.json'), 'the JSON Schemas of the clients file and of scenario files, for editors'],
  ];
  const width = Math.max(...tree.map(([name]) => name.length));
  return `Created a sandbox of your own in ${folder('.')}, with keys made just now (none of the shared demo keys):
${tree.map(([name, what]) => `  ${name.padEnd(width)}  ${what}`).join('\n')}

Start it from this folder. With --scenarios only the scenarios in ${folder('scenarios')} are loaded,
not the shipped ones:

  ${command} --port ${PORT} --clients ${path('clients')} --scenarios ${scenarios} \\
    --tls-port ${TLS_PORT} --tls-cert ${path('serverCert')} --tls-key ${path('serverKey')} --tls-client-ca ${path('ca')}

Then, in another terminal in this folder, a token for the private_key_jwt client:

  curl -s http://127.0.0.1:${PORT}/token -d grant_type=client_credentials -d client_id=${PKJWT_CLIENT_ID} \\
    -d client_assertion_type=${JWT_BEARER} \\
    -d client_assertion=$(${command} assertion --client-id ${PKJWT_CLIENT_ID} --key ${path('pkjwtKey')} --aud http://127.0.0.1:${PORT})

and a certificate-bound token for the mutual-TLS client:

  curl -s https://localhost:${TLS_PORT}/token --cacert ${path('ca')} --cert ${path('clientCert')} --key ${path('clientKey')} \\
    -d grant_type=client_credentials -d client_id=${MTLS_CLIENT_ID}
`;
}

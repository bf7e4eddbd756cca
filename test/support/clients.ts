/** The demo clients' credentials, for building real client assertions in tests. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createClientAssertion, readPrivateKey, type AssertionOptions } from '../../src/tokens/client-assertion.js';
import { JWT_BEARER, type Fields } from './requests.js';

const root = (path: string) => fileURLToPath(new URL(`../../${path}`, import.meta.url));

export const DEMO = {
  pkjwt: { clientId: 'sandbox-pkjwt', keyFile: root('demo/keys/sandbox-pkjwt.private.pem') },
  pkjwtPs256: { clientId: 'sandbox-pkjwt-ps256', keyFile: root('demo/keys/sandbox-pkjwt-ps256.private.pem') },
  device: { clientId: 'sandbox-device', keyFile: root('demo/keys/sandbox-device.private.pem') },
  code: { clientId: 'sandbox-code', keyFile: root('demo/keys/sandbox-code.private.pem'), redirectUri: 'http://localhost:8080/callback' },
  mtls: { clientId: 'sandbox-mtls', cert: readFileSync(root('demo/pki/client.pem'), 'utf8'), key: readFileSync(root('demo/pki/client.key'), 'utf8') },
  ca: readFileSync(root('demo/pki/ca.pem'), 'utf8'),
  pem: (path: string) => readFileSync(root(path), 'utf8'),
} as const;

export const demoKey = readPrivateKey(DEMO.pkjwt.keyFile);
export const demoKeyPs256 = readPrivateKey(DEMO.pkjwtPs256.keyFile);
export const deviceKey = readPrivateKey(DEMO.device.keyFile);
export const codeKey = readPrivateKey(DEMO.code.keyFile);

/** Client authentication fields of the code-flow demo client, for /par and /token. */
export async function codeClientAuth(audience: string): Promise<Fields> {
  return {
    client_id: DEMO.code.clientId,
    client_assertion_type: JWT_BEARER,
    client_assertion: await createClientAssertion({ clientId: DEMO.code.clientId, audience, key: codeKey }),
  };
}

/** Client authentication fields of the device demo client, for /device/auth and device polling. */
export async function deviceClientAuth(audience: string): Promise<Fields> {
  return {
    client_id: DEMO.device.clientId,
    client_assertion_type: JWT_BEARER,
    client_assertion: await createClientAssertion({ clientId: DEMO.device.clientId, audience, key: deviceKey }),
  };
}

/** A valid assertion of the ES256 demo client for `audience`, with options overridden. */
export function demoAssertion(audience: string, overrides: Partial<AssertionOptions> = {}): Promise<string> {
  return createClientAssertion({ clientId: DEMO.pkjwt.clientId, audience, key: demoKey, ...overrides });
}

/** A complete private_key_jwt token request body for the PS256 demo client. */
export async function ps256Form(audience: string, extra: Fields = {}): Promise<Fields> {
  const assertion = await createClientAssertion({ clientId: DEMO.pkjwtPs256.clientId, audience, key: demoKeyPs256 });
  return { grant_type: 'client_credentials', client_id: DEMO.pkjwtPs256.clientId, client_assertion_type: JWT_BEARER, client_assertion: assertion, ...extra };
}

/** A complete private_key_jwt token request body for the ES256 demo client. */
export async function pkjwtForm(audience: string, extra: Fields = {}): Promise<Fields> {
  return {
    grant_type: 'client_credentials',
    client_id: DEMO.pkjwt.clientId,
    client_assertion_type: JWT_BEARER,
    client_assertion: await demoAssertion(audience),
    ...extra,
  };
}

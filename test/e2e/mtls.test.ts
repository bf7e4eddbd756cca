/**
 * tls_client_auth (RFC 8705) over real TLS handshakes with undici: which certificates identify
 * the client, and the RFC 9440 Client-Cert header behind a TLS-terminating proxy.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { decodeJwt } from 'jose';
import { Agent, fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../src/server/server.js';
import { DEMO, pkjwtForm } from '../support/clients.js';
import { journaledRefusal } from '../support/refusals.js';
import { form } from '../support/requests.js';

let sandbox: RunningSandbox;
const agents: Agent[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, tlsPort: 0 });
});
afterAll(async () => {
  await Promise.all(agents.map((a) => a.close()));
  await sandbox?.close();
});

function agent(cert?: { cert: string; key: string }): Agent {
  const a = new Agent({ connect: { ca: DEMO.ca, ...(cert ?? {}) } });
  agents.push(a);
  return a;
}

async function post(url: string, fields: Record<string, string>, dispatcher: Agent, headers: Record<string, string> = {}) {
  const res = await undiciFetch(`${url}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: form(fields),
    dispatcher,
  });
  return { status: res.status, body: (await res.json()) as Record<string, string>, id: res.headers.get('x-fapi-interaction-id') };
}

/** The code of the check that refused the request, from the journal of the sandbox that answered it. */
const refusal = (answered: RunningSandbox, r: { id: string | null }) => journaledRefusal(answered.url, r.id);

const mtlsForm = { grant_type: 'client_credentials', client_id: DEMO.mtls.clientId };
const thumbprint = (pem: string) => createHash('sha256').update(new X509Certificate(pem).raw).digest('base64url');
const fixture = (name: string) => ({ cert: DEMO.pem(`test/fixtures/pki/${name}.pem`), key: DEMO.pem(`test/fixtures/pki/${name}.key`) });

describe('tls_client_auth', () => {
  it('issues a token bound to the presented certificate', async () => {
    for (const grant of ['client_credentials', 'tls_client_auth']) {
      const r = await post(sandbox.mtlsUrl!, { ...mtlsForm, grant_type: grant }, agent(DEMO.mtls));
      expect(r.status).toBe(200);
      expect(decodeJwt(r.body.access_token!).cnf).toEqual({ 'x5t#S256': thumbprint(DEMO.mtls.cert) });
    }
  });

  it('shows the certificate in the request journal by subject and thumbprint, never whole', async () => {
    await undiciFetch(`${sandbox.url}/__sandbox/requests`, { method: 'DELETE' });
    await post(sandbox.mtlsUrl!, mtlsForm, agent(DEMO.mtls));
    const { requests } = (await (await undiciFetch(`${sandbox.url}/__sandbox/requests`)).json()) as { requests: { clientCertificate: unknown }[] };
    expect(requests.map((r) => r.clientCertificate)).toEqual([
      { subject: 'CN=sandbox-mtls,OU=demo clients,O=fapi-token-sandbox DEMO ONLY,C=BR', thumbprint: thumbprint(DEMO.mtls.cert) },
    ]);
  });

  it('without a certificate answers invalid_client', async () => {
    const r = await post(sandbox.mtlsUrl!, mtlsForm, agent());
    expect(r).toMatchObject({ status: 400, body: { error: 'invalid_client' } });
    expect(await refusal(sandbox, r)).toBe('client.no_authentication');
  });

  it('with a certificate of another subject answers invalid_client', async () => {
    const r = await post(sandbox.mtlsUrl!, mtlsForm, agent(fixture('unregistered')));
    expect(await refusal(sandbox, r)).toBe('mtls.subject_dn');
    // The words matter here: both distinguished names, as the sandbox reads them.
    expect(r.body).toEqual({
      error: 'invalid_client',
      error_description:
        "the client certificate subject 'CN=not-registered,O=Some Other Org,C=BR' is not the registered tls_client_auth_subject_dn 'CN=sandbox-mtls,OU=demo clients,O=fapi-token-sandbox DEMO ONLY,C=BR'",
    });
  });

  it('with the right subject from an untrusted CA answers invalid_client', async () => {
    const r = await post(sandbox.mtlsUrl!, mtlsForm, agent(fixture('rogue-client')));
    expect(r.body).toMatchObject({ error: 'invalid_client' });
    expect(await refusal(sandbox, r)).toBe('mtls.untrusted');
  });

  it('needs client_id (RFC 8705 §2)', async () => {
    const r = await post(sandbox.mtlsUrl!, { grant_type: 'client_credentials' }, agent(DEMO.mtls));
    expect(r.body).toMatchObject({ error: 'invalid_request' });
    expect(await refusal(sandbox, r)).toBe('mtls.client_id');
  });

  it('binds a private_key_jwt client token to its certificate on the mTLS listener', async () => {
    // FAPI: with a client certificate on the connection, tokens are certificate-bound whatever the auth method.
    const r = await post(sandbox.mtlsUrl!, await pkjwtForm(sandbox.url), agent(fixture('unregistered')));
    expect(r.status).toBe(200);
    expect(decodeJwt(r.body.access_token!).cnf).toEqual({ 'x5t#S256': thumbprint(fixture('unregistered').cert) });
  });
});

describe('tls_client_auth by subject alternative name', () => {
  let sanSandbox: RunningSandbox;
  beforeAll(async () => {
    sanSandbox = await startSandbox({
      port: 0,
      tlsPort: 0,
      clientsYaml: `clients:
  - { client_id: by-dns, token_endpoint_auth_method: tls_client_auth, tls_client_auth_san_dns: SAN-CLIENT.example.test }
  - { client_id: by-dns-other, token_endpoint_auth_method: tls_client_auth, tls_client_auth_san_dns: other.example.test }
`,
    });
  });
  afterAll(() => sanSandbox?.close());

  it('matches a registered DNS name (case-insensitively)', async () => {
    const r = await post(sanSandbox.mtlsUrl!, { client_id: 'by-dns' }, agent(fixture('unregistered')));
    expect(r.status).toBe(200);
  });

  it('refuses a certificate without the registered name', async () => {
    const r = await post(sanSandbox.mtlsUrl!, { client_id: 'by-dns-other' }, agent(fixture('unregistered')));
    expect(r.body.error).toBe('invalid_client');
    expect(await refusal(sanSandbox, r)).toBe('mtls.san_dns');
  });
});

describe('the Client-Cert header (RFC 9440)', () => {
  const header = (pem: string) => `:${new X509Certificate(pem).raw.toString('base64')}:`;
  let proxied: RunningSandbox;
  beforeAll(async () => {
    proxied = await startSandbox({ port: 0, trustClientCertHeader: true });
  });
  afterAll(() => proxied?.close());

  it('is ignored unless the operator trusts it', async () => {
    const r = await post(sandbox.url, mtlsForm, agent(), { 'client-cert': header(DEMO.mtls.cert) });
    expect(await refusal(sandbox, r)).toBe('client.no_authentication');
  });

  it('authenticates and binds when trusted', async () => {
    const r = await post(proxied.url, mtlsForm, agent(), { 'client-cert': header(DEMO.mtls.cert) });
    expect(r.status).toBe(200);
    expect(decodeJwt(r.body.access_token!).cnf).toEqual({ 'x5t#S256': thumbprint(DEMO.mtls.cert) });
  });

  it('still requires the certificate to chain to a client CA', async () => {
    const r = await post(proxied.url, mtlsForm, agent(), { 'client-cert': header(fixture('rogue-client').cert) });
    expect(r.body).toMatchObject({ error: 'invalid_client' });
    expect(await refusal(proxied, r)).toBe('mtls.untrusted');
  });

  it('must be a structured-field byte sequence', async () => {
    const r = await post(proxied.url, mtlsForm, agent(), { 'client-cert': 'MIIB...' });
    expect(r.body).toMatchObject({ error: 'invalid_request' });
    expect(await refusal(proxied, r)).toBe('mtls.malformed');
  });
});

import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app/app.js';
import { DEMO, demoAssertion, pkjwtForm } from '../support/clients.js';
import { refusalOf } from '../support/refusals.js';
import { DEVICE_CODE_GRANT, JWT_BEARER, tokenRequest, UUID_V4, type Fields } from '../support/requests.js';

const app = createApp();
const BASE = 'http://sandbox.test';
const ID = 'd3a9e2b4-6c1f-4c53-9b0e-8f3f1a2b7c10';

/** POSTs to /token; without a body, a valid private_key_jwt request of the demo client. */
async function post(body?: Fields | string, headers: Record<string, string> = {}) {
  const res = await app.fetch(tokenRequest(BASE, body ?? (await pkjwtForm(BASE)), headers));
  const text = await res.text();
  return { res, status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
}

/** A 400 with this RFC 6749 error, refused by the check `code` names (the journal's refusal). */
async function expectError(body: Fields | string, error: string, code: string, headers: Record<string, string> = {}) {
  const r = await post(body, headers);
  expect(r.status).toBe(400);
  expect(r.body).toEqual({ error, error_description: expect.any(String) });
  expect(r.res.headers.get('cache-control')).toBe('no-store');
  expect(await refusalOf(app, r.res)).toBe(code);
  return r;
}

/** A private_key_jwt request whose fields are well-formed (its assertion is not a valid one). */
const pkjwt = (extra: Fields = {}): Fields => ({
  grant_type: 'private_key_jwt',
  client_id: 'client-1',
  client_assertion_type: JWT_BEARER,
  client_assertion: 'a.b.c',
  ...extra,
});
const unknownClient = 'client.unknown';

describe('x-fapi-interaction-id', () => {
  it('echoes a valid id on success', async () => {
    const r = await post(undefined, { 'x-fapi-interaction-id': ID });
    expect(r.status).toBe(200);
    expect(r.res.headers.get('x-fapi-interaction-id')).toBe(ID);
  });

  it('echoes a valid id on errors too', async () => {
    const r = await post({ grant_type: 'password' }, { 'x-fapi-interaction-id': ID });
    expect(r.status).toBe(400);
    expect(r.res.headers.get('x-fapi-interaction-id')).toBe(ID);
  });

  it('generates a UUID v4 when absent, a new one per request', async () => {
    const a = (await post()).res.headers.get('x-fapi-interaction-id');
    const b = (await post()).res.headers.get('x-fapi-interaction-id');
    expect(a).toMatch(UUID_V4);
    expect(b).toMatch(UUID_V4);
    expect(a).not.toBe(b);
  });

  it('answers a malformed id with invalid_request and a fresh id', async () => {
    const r = await expectError(
      { grant_type: 'client_credentials', client_id: 'c' },
      'invalid_request',
      'header.x-fapi-interaction-id.pattern',
      { 'x-fapi-interaction-id': 'not-a-uuid' },
    );
    expect(r.res.headers.get('x-fapi-interaction-id')).toMatch(UUID_V4);
  });

  it('accepts UUID versions 1 to 8 and rejects the wrong variant', async () => {
    for (const id of ['6ba7b810-9dad-11d1-80b4-00c04fd430c8', '01890a5d-ac96-774b-bcce-b302099a8057']) {
      expect((await post(undefined, { 'x-fapi-interaction-id': id })).res.headers.get('x-fapi-interaction-id')).toBe(id);
    }
    const r = await post(undefined, { 'x-fapi-interaction-id': 'd3a9e2b4-6c1f-4c53-0b0e-8f3f1a2b7c10' });
    expect(r.status).toBe(400);
  });

  it('is on 404, 406 and scenario answers', async () => {
    const notFound = await app.fetch(new Request(`${BASE}/nope`, { headers: { 'x-fapi-interaction-id': ID } }));
    expect(notFound.headers.get('x-fapi-interaction-id')).toBe(ID);
    expect((await post(undefined, { accept: 'text/html', 'x-fapi-interaction-id': ID })).res.headers.get('x-fapi-interaction-id')).toBe(ID);
    expect((await post(undefined, { prefer: 'code=502', 'x-fapi-interaction-id': ID })).res.headers.get('x-fapi-interaction-id')).toBe(ID);
  });
});

describe('paths and methods', () => {
  it.each(['GET', 'PUT', 'DELETE', 'PATCH'])('answers %s /token with 404 and an errors list', async (method) => {
    const res = await app.fetch(new Request(`${BASE}/token`, { method }));
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ errors: [`Not found: ${method} /token`] });
  });

  it('answers an unknown path with 404 and an errors list', async () => {
    const res = await app.fetch(new Request(`${BASE}/oauth/token`, { method: 'POST' }));
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toEqual({ errors: ['Not found: POST /oauth/token'] });
  });
});

describe('Accept', () => {
  it.each(['text/html', 'application/xml, text/plain', 'application/json;q=0, */*'])(
    'answers Accept: %s with 406 and no body',
    async (accept) => {
      const r = await post(undefined, { accept });
      expect(r.status).toBe(406);
      expect(r.body).toBeUndefined();
      expect(r.res.headers.get('content-length')).toBe('0');
    },
  );

  it.each(['application/json', 'application/*', '*/*', 'text/html, application/json;q=0.1', 'APPLICATION/JSON; charset=utf-8'])(
    'serves Accept: %s',
    async (accept) => {
      expect((await post(undefined, { accept })).status).toBe(200);
    },
  );

  it('checks Accept before the headers and the body', async () => {
    expect((await post('', { accept: 'text/html', 'x-fapi-auth-date': 'yesterday' })).status).toBe(406);
  });
});

describe('FAPI headers', () => {
  it('accepts the documented formats', async () => {
    const r = await post(undefined, {
      'x-fapi-auth-date': 'Sun, 10 Sep 2017 19:43:31 UTC',
      'x-fapi-customer-ip-address': '2001:db8::1',
      'x-customer-user-agent': 'Mozilla/5.0',
    });
    expect(r.status).toBe(200);
  });

  it('rejects an x-fapi-auth-date that does not match the pattern', async () => {
    const r = await expectError({ client_id: 'c' }, 'invalid_request', 'header.x-fapi-auth-date.pattern', { 'x-fapi-auth-date': '2017-09-10T19:43:31Z' });
    // The words name the header and show the document's example of the form (IMF-fixdate); a
    // regular expression would break RFC 6749 §5.2's characters.
    expect(r.body!.error_description).toBe('header x-fapi-auth-date does not have the form the contract gives it, for example Sun, 10 Sep 2017 19:43:31 UTC');
  });

  it('rejects an x-fapi-customer-ip-address that is not an IP address', async () => {
    await expectError({ client_id: 'c' }, 'invalid_request', 'header.x-fapi-customer-ip-address.format', {
      'x-fapi-customer-ip-address': '999.1.1.1',
    });
  });

  it('rejects an x-customer-user-agent over its documented length', async () => {
    await expectError({ client_id: 'c' }, 'invalid_request', 'header.x-customer-user-agent.length', {
      'x-customer-user-agent': 'x'.repeat(1025),
    });
  });

  it('checks headers before the body', async () => {
    await expectError('', 'invalid_request', 'header.x-fapi-auth-date.pattern', { 'x-fapi-auth-date': 'nope' });
  });
});

describe('body syntax', () => {
  it('requires a body', async () => {
    await expectError('', 'invalid_request', 'body.missing');
  });

  it('requires a form body', async () => {
    const res = await app.fetch(
      new Request(`${BASE}/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"grant_type":"client_credentials"}' }),
    );
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_request' });
    expect(await refusalOf(app, res)).toBe('body.content_type');
  });

  it('accepts a charset parameter on the form content type', async () => {
    const r = await post(await pkjwtForm(BASE), { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' });
    expect(r.status).toBe(200);
  });

  it('rejects a repeated parameter (RFC 6749 §3.2)', async () => {
    await expectError('client_id=a&scope=x&client_id=b', 'invalid_request', 'form.repeated');
  });

  it('takes client_credentials when grant_type is absent', async () => {
    const { grant_type: _, ...fields } = await pkjwtForm(BASE, { scope: 'openid' });
    const r = await post(fields);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ token_type: 'Bearer', scope: 'openid' });
  });

  it('rejects an empty grant_type as invalid_request', async () => {
    await expectError({ grant_type: '', client_id: 'c' }, 'invalid_request', 'form.grant_type.length');
  });

  it('answers an unknown grant type with unsupported_grant_type listing the supported ones', async () => {
    const r = await expectError({ grant_type: 'password', client_id: 'c' }, 'unsupported_grant_type', 'form.grant_type.unsupported');
    expect(r.body!.error_description).toMatch(/client_credentials, private_key_jwt, tls_client_auth, urn:ietf:params:oauth:grant-type:device_code/);
  });

  it('limits client_id to 255 characters', async () => {
    // 255 characters pass the contract and reach client authentication.
    await expectError({ client_id: 'x'.repeat(255), client_assertion_type: JWT_BEARER, client_assertion: 'a.b.c' }, 'invalid_client', unknownClient);
    await expectError({ client_id: 'x'.repeat(256) }, 'invalid_request', 'form.client_id.length');
    await expectError({ client_id: '' }, 'invalid_request', 'form.client_id.length');
  });

  it('counts characters, not UTF-16 units, for lengths', async () => {
    await expectError({ client_id: '😀'.repeat(255), client_assertion_type: JWT_BEARER, client_assertion: 'a.b.c' }, 'invalid_client', unknownClient);
  });

  it('requires the jwt-bearer assertion type', async () => {
    await expectError(pkjwt({ client_assertion_type: 'urn:other' }), 'invalid_request', 'form.client_assertion_type.enum');
    await expectError(pkjwt({ client_assertion_type: 'x'.repeat(161) }), 'invalid_request', 'form.client_assertion_type.length');
  });

  it('rejects a malformed scope', async () => {
    await expectError({ client_id: 'c', scope: 'openid  accounts' }, 'invalid_request', 'form.scope.pattern');
  });
});

describe('body size', () => {
  const small = createApp({ maxBodyBytes: 1024 });

  it('answers a body over the limit with invalid_request, without reading it all', async () => {
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1;
        controller.enqueue(new TextEncoder().encode('scope=' + 'a'.repeat(500) + '&'));
        if (pulled > 10_000) controller.close();
      },
    });
    const res = await small.fetch(
      new Request(`${BASE}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: endless, duplex: 'half' } as RequestInit),
    );
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'invalid_request', error_description: 'the request body is larger than 1024 bytes' });
    expect(await refusalOf(small, res)).toBe('body.too_large');
    expect(pulled).toBeLessThan(10);
  });

  it('answers a declared Content-Length over the limit at once', async () => {
    const res = await small.fetch(tokenRequest(BASE, 'client_id=' + 'x'.repeat(2000)));
    expect(await res.json()).toMatchObject({ error: 'invalid_request' });
    expect(await refusalOf(small, res)).toBe('body.too_large');
  });

  it('reads a body at the default limit of 64 KiB', async () => {
    const r = await post(await pkjwtForm(BASE, { padding: 'p'.repeat(60_000) }));
    expect(r.status).toBe(200);
    const over = await post('x=' + 'y'.repeat(70_000));
    expect(over.body).toMatchObject({ error: 'invalid_request' });
    expect(await refusalOf(app, over.res)).toBe('body.too_large');
  });
});

describe('fields each grant needs', () => {
  it('accepts private_key_jwt with client_assertion, the older assertion name, or both when equal', async () => {
    const { client_assertion: _, ...rest } = await pkjwtForm(BASE, { grant_type: 'private_key_jwt' });
    expect((await post({ ...rest, client_assertion: await demoAssertion(BASE) })).status).toBe(200);
    expect((await post({ ...rest, assertion: await demoAssertion(BASE) })).status).toBe(200);
    const same = await demoAssertion(BASE);
    expect((await post({ ...rest, client_assertion: same, assertion: same })).status).toBe(200);
  });

  it('rejects two different assertions', async () => {
    await expectError(pkjwt({ assertion: 'x.y.z' }), 'invalid_request', 'form.assertion.conflict');
  });

  it.each([
    ['client_id', 'form.client_id.missing'],
    ['client_assertion_type', 'form.client_assertion_type.missing'],
    ['client_assertion', 'form.client_assertion.missing'],
  ])('private_key_jwt without %s is invalid_request', async (field, code) => {
    const fields = pkjwt();
    delete fields[field];
    await expectError(fields, 'invalid_request', code);
  });

  it('tls_client_auth requires client_id, then a client certificate', async () => {
    await expectError({ grant_type: 'tls_client_auth' }, 'invalid_request', 'form.client_id.missing');
    await expectError({ grant_type: 'tls_client_auth', client_id: DEMO.mtls.clientId }, 'invalid_client', 'mtls.no_certificate');
  });

  it('the device code grant requires device_code and client_id', async () => {
    await expectError({ grant_type: DEVICE_CODE_GRANT, client_id: 'c' }, 'invalid_request', 'form.device_code.missing');
    await expectError({ grant_type: DEVICE_CODE_GRANT, device_code: 'abc' }, 'invalid_request', 'form.client_id.missing');
  });

  it('refuses the device code grant to a client not registered for it', async () => {
    const { grant_type: _, ...auth } = await pkjwtForm(BASE);
    await expectError({ ...auth, grant_type: DEVICE_CODE_GRANT, device_code: 'abc' }, 'unauthorized_client', 'client.grant_not_registered');
  });

  it('client_credentials without any client identification is invalid_client', async () => {
    await expectError({ grant_type: 'client_credentials', scope: 'openid' }, 'invalid_client', 'client.no_authentication');
  });
});

describe('a well-formed request', () => {
  it('gets a 200 with a bearer token, no-store and the interaction id', async () => {
    const r = await post(await pkjwtForm(BASE, { scope: 'openid accounts' }));
    expect(r.status).toBe(200);
    expect(r.res.headers.get('content-type')).toBe('application/json');
    expect(r.res.headers.get('cache-control')).toBe('no-store');
    expect(r.res.headers.get('pragma')).toBe('no-cache');
    expect(r.body).toEqual({
      access_token: expect.stringMatching(/^eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+$/),
      token_type: 'Bearer',
      expires_in: 900,
      scope: 'openid accounts',
    });
  });

  it('ignores unknown parameters (RFC 6749 §3.2)', async () => {
    expect((await post(await pkjwtForm(BASE, { audience: 'x', foo: 'bar' }))).status).toBe(200);
  });
});

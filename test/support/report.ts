/** A client that misbehaves on purpose, over real HTTP, on the sandbox's injected clock: for the report's tests. */
import { randomUUID, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import type { FakeClock } from './clock.js';
import { DEMO, demoKey, deviceKey } from './clients.js';
import { DEVICE_CODE_GRANT, form, JWT_BEARER, type Fields } from './requests.js';

export interface AssertionClaims {
  clientId?: string;
  key?: KeyObject;
  aud?: string | string[];
  /** Seconds from the clock's now; default 0. */
  iatOffset?: number;
  lifetimeSeconds?: number;
  jti?: string;
}

/** An ES256 client assertion dated by the sandbox's clock (the demo ES256 client unless told). */
export function clockAssertion(clock: FakeClock, aud: string, claims: AssertionClaims = {}): Promise<string> {
  const iat = Math.floor(clock.now() / 1000) + (claims.iatOffset ?? 0);
  const clientId = claims.clientId ?? DEMO.pkjwt.clientId;
  return new SignJWT({ jti: claims.jti ?? randomUUID() })
    .setProtectedHeader({ alg: 'ES256', typ: 'JWT' })
    .setIssuer(clientId)
    .setSubject(clientId)
    .setAudience(claims.aud ?? aud)
    .setIssuedAt(iat)
    .setExpirationTime(iat + (claims.lifetimeSeconds ?? 60))
    .sign(claims.key ?? demoKey);
}

/** A client misbehaving over HTTP: each call returns the response and the interaction id it sent (or was given). */
export function misbehavingClient(url: string, clock: FakeClock) {
  const send = async (path: string, fields: Fields, headers: Record<string, string> = {}, interactionId: string | null = randomUUID()) => {
    const res = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(interactionId ? { 'x-fapi-interaction-id': interactionId } : {}), ...headers },
      body: form(fields),
    });
    const body = (await res.json().catch(() => ({}))) as Record<string, any>;
    return { res, status: res.status, body, id: res.headers.get('x-fapi-interaction-id')! };
  };
  const pkjwt = async (extra: Fields = {}, claims: AssertionClaims = {}) => ({
    grant_type: 'client_credentials',
    client_id: DEMO.pkjwt.clientId,
    client_assertion_type: JWT_BEARER,
    client_assertion: await clockAssertion(clock, url, claims),
    ...extra,
  });
  const deviceAuth = async () => ({
    client_id: DEMO.device.clientId,
    client_assertion_type: JWT_BEARER,
    client_assertion: await clockAssertion(clock, url, { clientId: DEMO.device.clientId, key: deviceKey }),
  });
  return {
    send,
    pkjwt,
    token: (fields: Fields, headers?: Record<string, string>, interactionId?: string | null) => send('/token', fields, headers, interactionId),
    authorizeDevice: async () => send('/device/auth', { ...(await deviceAuth()), scope: 'openid' }),
    pollDevice: async (deviceCode: string) => send('/token', { grant_type: DEVICE_CODE_GRANT, device_code: deviceCode, ...(await deviceAuth()) }),
  };
}

/**
 * The example of a client in trouble: it ignores a Retry-After, replays a jti, and polls
 * the device endpoint too fast. Returns the interaction ids of the first offending requests.
 */
export async function misbehaveThrice(url: string, clock: FakeClock) {
  const client = misbehavingClient(url, clock);
  await client.token(await client.pkjwt(), { 'x-sandbox-scenario': 'throttled' });
  const retried = await client.token(await client.pkjwt()); // at once, inside Retry-After: 1
  clock.advance(2000);
  const replayed = await client.pkjwt();
  await client.token(replayed);
  clock.advance(2000);
  const replay = await client.token(replayed);
  if (retried.status !== 200 || replay.body.error !== 'invalid_client') throw new Error(`unexpected answers ${retried.status} ${replay.status}`);

  const { body } = await client.authorizeDevice();
  const firstPoll = await client.pollDevice(body.device_code); // at once: slow_down
  return { pkjwt: { retried: retried.id, replay: replay.id }, device: { firstPoll: firstPoll.id } };
}

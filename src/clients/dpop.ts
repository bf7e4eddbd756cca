/**
 * DPoP proofs (RFC 9449 §4.3): every check of the proof a request carries in its DPoP header,
 * each failure a named code, answered invalid_dpop_proof (use_dpop_nonce for a missing or stale
 * nonce, with the nonce to use). Pure but for the replay store; time comes from the caller. A
 * valid proof yields the RFC 7638 thumbprint of its key, which the token is bound to (cnf.jkt).
 */
import { createHash, type KeyObject } from 'node:crypto';
import { decodeProtectedHeader, importJWK, type JWK, type ProtectedHeaderParameters } from 'jose';
import { invalidDpopProof, useDpopNonce, type Refusal } from '../http/refusal.js';
import type { ReplayStore } from '../state/replay-store.js';
import type { VerifyAlg } from '../tokens/algorithms.js';
import { verifyJwsSignature } from '../tokens/jws.js';
import { jwkThumbprint } from '../tokens/keys.js';
import { decodable, usableKey } from './assertion-signature.js';
import type { DpopNonces } from './dpop-nonce.js';
import { listed } from './private-key-jwt.js';

/** How old a proof may be: RFC 9449 §11.1 leaves the window to the server; a proof is made for one request, just before it. */
export const PROOF_MAX_AGE_SECONDS = 300;

/** Members of a private or symmetric JWK (RFC 7518 §6.2.2, §6.3.2, §6.4; RFC 8037 §2): none may be in the header's jwk. */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/** What the profile and the options decide of DPoP proofs. */
export interface DpopRules {
  /** The asymmetric algorithms the profile allows. */
  algs: readonly VerifyAlg[];
  /** How far ahead of now iat may be, in seconds. */
  clockSkewSeconds: number;
  /** Present when the server demands nonces (--dpop-nonce). */
  nonces?: DpopNonces;
}

/** The request a proof is checked against. */
export interface DpopRequest {
  /** The DPoP header as Headers.get gives it: several headers arrive joined with commas. */
  header: string;
  method: string;
  /** The URLs htu may name: the endpoint on each listener. */
  urls: readonly string[];
  nowMs: number;
  /** The access token the proof is sent with, where one is (not at the token endpoint). */
  accessToken?: string;
}

export type DpopVerdict = { ok: true; jkt: string } | { ok: false; refusal: Refusal };

type Claims = Record<string, unknown>;

const fail = (code: Parameters<typeof invalidDpopProof>[0], description: string): DpopVerdict => ({ ok: false, refusal: invalidDpopProof(code, description) });

/** An absolute URL without query and fragment, normalised as the URL parser does (RFC 9449 §4.3 item 9), or undefined. */
function withoutQuery(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return undefined;
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

async function proofKey(header: ProtectedHeaderParameters, alg: VerifyAlg): Promise<{ jwk: JWK; key: KeyObject } | DpopVerdict> {
  const { jwk } = header;
  if (!isObject(jwk)) return fail('dpop.jwk', 'DPoP proof header must carry the public key as jwk');
  const secret = PRIVATE_MEMBERS.find((m) => m in jwk);
  if (secret) return fail('dpop.jwk', `DPoP proof jwk must be a public key; it holds the private member ${secret}`);
  let imported: unknown;
  try {
    imported = await importJWK(jwk as JWK, alg);
  } catch {
    return fail('dpop.jwk', `DPoP proof jwk is not a public key for ${alg}`);
  }
  const key = usableKey(imported, alg);
  return key ? { jwk: jwk as JWK, key } : fail('dpop.jwk', `DPoP proof jwk cannot verify ${alg} (RSA of at least 2048 bits for PS256, P-256 for ES256, Ed25519 for EdDSA)`);
}

/** The verdict on the request's DPoP proof. */
export async function verifyDpopProof(request: DpopRequest, rules: DpopRules, replay: ReplayStore): Promise<DpopVerdict> {
  const proof = request.header;
  // A JWS has no comma or space, so these are several headers joined (RFC 9110 §5.3).
  if (/[,\s]/.test(proof)) return fail('dpop.multiple', 'send exactly one DPoP header, holding one proof (RFC 9449 §4.3)');
  const parts = proof.split('.');
  if (parts.length !== 3 || !parts.every(decodable)) return fail('dpop.format', 'DPoP proof is not a signed JWT (JWS compact serialization)');
  let header: ProtectedHeaderParameters;
  try {
    header = decodeProtectedHeader(proof);
  } catch {
    return fail('dpop.format', 'DPoP proof header is not valid base64url JSON');
  }
  if (header.typ !== 'dpop+jwt') return fail('dpop.typ', `DPoP proof typ must be dpop+jwt, got ${JSON.stringify(header.typ)}`);
  const alg = header.alg;
  if (typeof alg !== 'string' || !rules.algs.includes(alg as VerifyAlg)) {
    return fail('dpop.alg', `DPoP proof alg ${String(alg)} is not allowed; this profile allows ${listed(rules.algs)}`);
  }
  if (header.crit !== undefined) return fail('dpop.format', 'DPoP proof must not carry crit; this server understands no JWS extension');
  const found = await proofKey(header, alg as VerifyAlg);
  if ('ok' in found) return found;

  const [encodedHeader, payload, signature] = parts as [string, string, string];
  const valid = await verifyJwsSignature(alg as VerifyAlg, found.key, `${encodedHeader}.${payload}`, Buffer.from(signature, 'base64url')).catch(() => false);
  if (!valid) return fail('dpop.signature', 'DPoP proof signature does not verify with the key of its jwk header');

  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    claims = undefined;
  }
  if (!isObject(claims)) return fail('dpop.payload', 'DPoP proof payload is not a JSON object');
  return checkClaims(claims, found.jwk, request, rules, replay);
}

async function checkClaims(claims: Claims, jwk: JWK, request: DpopRequest, rules: DpopRules, replay: ReplayStore): Promise<DpopVerdict> {
  const now = Math.floor(request.nowMs / 1000);
  if (claims.htm !== request.method) return fail('dpop.htm', `DPoP proof htm must be ${request.method}, got ${JSON.stringify(claims.htm)}`);
  const htu = typeof claims.htu === 'string' ? withoutQuery(claims.htu) : undefined;
  if (htu === undefined || !request.urls.some((url) => withoutQuery(url) === htu)) {
    return fail('dpop.htu', `DPoP proof htu must be the endpoint URL (${request.urls.join(', ')}), got ${JSON.stringify(claims.htu)}`);
  }
  const iat = claims.iat;
  if (typeof iat !== 'number' || !Number.isFinite(iat)) return fail('dpop.iat', 'DPoP proof iat is required (a NumericDate)');
  if (iat > now + rules.clockSkewSeconds) return fail('dpop.iat', `DPoP proof iat is in the future (iat ${iat}, now ${now}, clock skew ${rules.clockSkewSeconds} s)`);
  if (iat < now - PROOF_MAX_AGE_SECONDS) return fail('dpop.iat', `DPoP proof is older than ${PROOF_MAX_AGE_SECONDS} s (iat ${iat}, now ${now}); make a fresh proof per request`);
  if (request.accessToken !== undefined && claims.ath !== createHash('sha256').update(request.accessToken).digest('base64url')) {
    return fail('dpop.ath', 'DPoP proof ath must be the base64url SHA-256 of the access token it is sent with');
  }
  if (rules.nonces) {
    const nonce = rules.nonces.current(request.nowMs);
    const retry = { 'dpop-nonce': nonce };
    if (claims.nonce === undefined) {
      return { ok: false, refusal: { ...useDpopNonce('dpop.nonce.missing', 'the DPoP proof must carry the nonce the DPoP-Nonce header gives'), headers: retry } };
    }
    if (typeof claims.nonce !== 'string' || !rules.nonces.accepts(claims.nonce, request.nowMs)) {
      return { ok: false, refusal: { ...useDpopNonce('dpop.nonce.invalid', 'the DPoP proof nonce is not a current one; use the one the DPoP-Nonce header gives'), headers: retry } };
    }
  }
  const jti = claims.jti;
  if (typeof jti !== 'string' || jti === '') return fail('dpop.jti.missing', 'DPoP proof jti is required');
  // Its own key space in the replay store: a client_id is never empty, so no assertion key starts with NUL.
  // Remembered for as long as the proof would be accepted.
  const expiresAtMs = (iat + PROOF_MAX_AGE_SECONDS + 1) * 1000;
  if (!(await replay.useOnce(`\u0000dpop\u0000${jti}`, expiresAtMs, request.nowMs))) {
    return fail('dpop.jti.replayed', `DPoP proof jti ${JSON.stringify(jti)} was already used; a proof is single-use`);
  }
  return { ok: true, jkt: jwkThumbprint(jwk) };
}

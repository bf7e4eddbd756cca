/**
 * private_key_jwt client authentication (RFC 7523 §3, OIDC Core §9, FAPI). Every check is
 * explicit and its failure names what failed, so an integrator sees exactly why the real server
 * would refuse the same assertion. The signature is checked first, so that forged assertions
 * never reach the replay store.
 */
import { decodeProtectedHeader, type ProtectedHeaderParameters } from 'jose';
import type { ReplayStore } from '../state/replay-store.js';
import { verifyAssertionSignature } from './assertion-signature.js';
import type { ClientKeys } from './client-keys.js';
import { type RegisteredClient } from './registry.js';
import { invalidClient, type Refusal } from '../http/refusal.js';
import { FAPI_ALGS, type VerifyAlg } from '../tokens/algorithms.js';

/**
 * What a FAPI profile (oauth/profiles.ts) decides of client assertions, given as data so that
 * this module knows no profile by name.
 */
export interface AssertionRules {
  /** The profile's name, for descriptions. */
  profile: string;
  /** The algorithms an assertion may use. */
  algs: readonly VerifyAlg[];
  /**
   * Why a FAPI 1 algorithm outside `algs` is refused, when the profile narrows FAPI's list (its
   * own refusal code, assertion.alg.profile); other algorithms are assertion.alg.
   */
  narrowedBecause?: string;
  /**
   * `issuer-or-endpoint`: aud holds the issuer or a token endpoint URL, as a string or in an
   * array (FAPI 1 Advanced, RFC 7523 §3); `issuer-string`: aud is the issuer, as a string
   * (FAPI 2.0 Security Profile §5.3.2.1).
   */
  audience: 'issuer-or-endpoint' | 'issuer-string';
}

export interface AssertionPolicy {
  rules: AssertionRules;
  /** Tolerated clock difference, in seconds. */
  clockSkewSeconds: number;
  /** How far ahead `exp` may be, in seconds. */
  maxLifetimeSeconds: number;
  /** jwks_uri fetch timeout, in milliseconds. */
  jwksTimeoutMs: number;
}

export interface AssertionCheck {
  client: RegisteredClient;
  /** The issuer identifier, the one aud the issuer-string rule accepts. */
  issuer: string;
  /** Values `aud` may take (one must be present): the issuer and the token endpoint URLs. */
  audiences: readonly string[];
  nowSeconds: number;
  /** Told the claims once the signature verified, before they are judged (the journal keeps them; no second decode). */
  noteClaims?(claims: AssertionClaims): void;
}

/** The claims of a verified assertion that the journal keeps, each null when absent or of another type. */
export interface AssertionClaims {
  jti: string | null;
  iat: number | null;
  exp: number | null;
  aud: string | string[] | null;
}

const numberOrNull = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : null);

function claimsOf(claims: Claims): AssertionClaims {
  const { jti, aud } = claims;
  return {
    jti: typeof jti === 'string' ? jti : null,
    iat: numberOrNull(claims.iat),
    exp: numberOrNull(claims.exp),
    aud: typeof aud === 'string' || (Array.isArray(aud) && aud.every((a) => typeof a === 'string')) ? (aud as string | string[]) : null,
  };
}

type Claims = Record<string, unknown>;

const refuse = invalidClient;

/** `PS256, ES256 and EdDSA`. */
export const listed = (values: readonly string[]) => (values.length < 2 ? values.join('') : `${values.slice(0, -1).join(', ')} and ${values.at(-1)}`);

/** The optional time claims, with the codes of their two checks: a NumericDate, not ahead of now. */
const TIME_CLAIMS = [
  ['iat', 'assertion.iat.type', 'assertion.iat.future'],
  ['nbf', 'assertion.nbf.type', 'assertion.nbf.future'],
] as const;

/** Returns null when the assertion authenticates the client, else the refusal naming the check. */
export async function checkClientAssertion(
  assertion: string,
  check: AssertionCheck,
  keys: ClientKeys,
  replay: ReplayStore,
  policy: AssertionPolicy,
): Promise<Refusal | null> {
  const { client } = check;
  if (assertion.split('.').length !== 3) return refuse('assertion.format', 'client_assertion is not a signed JWT (JWS compact serialization)');
  let header: ProtectedHeaderParameters;
  try {
    header = decodeProtectedHeader(assertion);
  } catch {
    return refuse('assertion.header', 'client_assertion header is not valid base64url JSON');
  }
  const alg = header.alg;
  const { rules } = policy;
  if (typeof alg !== 'string' || !rules.algs.includes(alg as VerifyAlg)) {
    if (rules.narrowedBecause !== undefined && (FAPI_ALGS as readonly unknown[]).includes(alg)) {
      return refuse('assertion.alg.profile', `client_assertion alg ${alg} is not allowed under the ${rules.profile} profile: ${rules.narrowedBecause}`);
    }
    return refuse('assertion.alg', `client_assertion alg ${String(alg)} is not allowed; the ${rules.profile} profile allows ${listed(rules.algs)}`);
  }
  if (client.signingAlg !== undefined && alg !== client.signingAlg) {
    return refuse('assertion.alg.registered', `client_assertion alg ${alg} is not the client's registered token_endpoint_auth_signing_alg ${client.signingAlg}`);
  }

  const verdict = await verifyAssertionSignature(assertion, header, alg as VerifyAlg, keys.resolverFor(client));
  if ('refused' in verdict) return verdict.refused;

  let claims: Claims;
  try {
    claims = JSON.parse(new TextDecoder().decode(verdict.payload)) as Claims;
  } catch {
    return refuse('assertion.payload.json', 'client_assertion payload is not JSON');
  }
  if (claims === null || typeof claims !== 'object' || Array.isArray(claims)) return refuse('assertion.payload.object', 'client_assertion payload is not a JSON object');
  check.noteClaims?.(claimsOf(claims));
  return checkClaims(claims, check, replay, policy);
}

/** Why aud is refused under the profile's audience rule, or null. */
function audienceProblem(aud: unknown, { issuer, audiences }: AssertionCheck, rules: AssertionRules): Refusal | null {
  const auds = typeof aud === 'string' ? [aud] : Array.isArray(aud) && aud.every((a) => typeof a === 'string') ? aud : undefined;
  if (rules.audience === 'issuer-string') {
    if (auds === undefined) return refuse('assertion.aud.missing', `client_assertion aud is required: the issuer ${issuer}, as a string`);
    if (Array.isArray(aud)) return refuse('assertion.aud.array', `client_assertion aud must be the issuer as a string under the ${rules.profile} profile, not an array`);
    if (aud === issuer) return null;
    if (audiences.includes(aud as string)) {
      return refuse('assertion.aud.endpoint', `client_assertion aud must be the issuer ${issuer} under the ${rules.profile} profile, not an endpoint URL`);
    }
    return refuse('assertion.aud', `client_assertion aud must be the issuer ${issuer}, got ${JSON.stringify(aud)}`);
  }
  if (auds === undefined) return refuse('assertion.aud.missing', 'client_assertion aud is required: the issuer or the token endpoint URL');
  if (!auds.some((a) => audiences.includes(a))) {
    return refuse('assertion.aud', `client_assertion aud must be the issuer or the token endpoint URL (${audiences.join(', ')}), got ${JSON.stringify(aud)}`);
  }
  return null;
}

async function checkClaims(claims: Claims, check: AssertionCheck, replay: ReplayStore, policy: AssertionPolicy): Promise<Refusal | null> {
  const { client, nowSeconds: now } = check;
  const skew = policy.clockSkewSeconds;
  const id = client.clientId;

  if (claims.iss !== id) return refuse('assertion.iss', `client_assertion iss must be the client_id "${id}", got ${JSON.stringify(claims.iss)}`);
  if (claims.sub !== id) return refuse('assertion.sub', `client_assertion sub must be the client_id "${id}", got ${JSON.stringify(claims.sub)}`);

  const problem = audienceProblem(claims.aud, check, policy.rules);
  if (problem) return problem;

  const exp = claims.exp;
  if (typeof exp !== 'number' || !Number.isFinite(exp)) return refuse('assertion.exp.missing', 'client_assertion exp is required (a NumericDate)');
  if (exp <= now - skew) return refuse('assertion.exp.expired', `client_assertion has expired (exp ${exp}, now ${now}, clock skew ${skew} s)`);
  if (exp > now + policy.maxLifetimeSeconds) {
    return refuse('assertion.exp.too_far', `client_assertion exp is more than ${policy.maxLifetimeSeconds} s ahead (exp ${exp}, now ${now})`);
  }
  for (const [claim, notADate, future] of TIME_CLAIMS) {
    const value = claims[claim];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value)) return refuse(notADate, `client_assertion ${claim} must be a NumericDate`);
    if (value > now + skew) return refuse(future, `client_assertion ${claim} is in the future (${claim} ${value}, now ${now}, clock skew ${skew} s)`);
  }

  const jti = claims.jti;
  if (typeof jti !== 'string' || jti === '') return refuse('assertion.jti.missing', 'client_assertion jti is required');
  if (!(await replay.useOnce(`${id}\u0000${jti}`, (exp + skew) * 1000, now * 1000))) {
    return refuse('assertion.jti.replayed', `client_assertion jti "${jti}" was already used; an assertion is single-use`);
  }
  return null;
}

/**
 * Loads the clients file (YAML) and checks it: its shape against demo/clients.schema.json, then
 * what a schema cannot say: each method has what it needs, keys are public and strong enough for
 * FAPI, subject DNs parse, client ids are unique, a code-flow client has redirect URIs.
 */
import { createPublicKey } from 'node:crypto';
import type { JWK, JSONWebKeySet } from 'jose';
import { DnSyntaxError, parseDn } from '../clients/dn.js';
import { type CertificateIdentity, type RegisteredClient } from '../clients/registry.js';
import { MIN_RSA_BITS, VERIFY_ALGS, type VerifyAlg } from '../tokens/algorithms.js';
import type { Check } from '../contract/schema.js';
import { shippedFile } from '../shipped/files.js';
import { ConfigError } from './errors.js';
import { assertShape, loadSchemaCheck, readConfigFile, yamlData } from './yaml-file.js';

/** The demo clients file, the default of --clients. */
export const demoClientsFile = () => shippedFile('demo/clients.yaml');

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'];
const SAN_FIELDS = ['tls_client_auth_san_dns', 'tls_client_auth_san_uri', 'tls_client_auth_san_ip', 'tls_client_auth_san_email'] as const;

interface RawClient {
  client_id: string;
  client_name?: string;
  token_endpoint_auth_method: 'private_key_jwt' | 'tls_client_auth';
  token_endpoint_auth_signing_alg?: VerifyAlg;
  jwks?: JSONWebKeySet;
  jwks_uri?: string;
  tls_client_auth_subject_dn?: string;
  tls_client_auth_san_dns?: string;
  tls_client_auth_san_uri?: string;
  tls_client_auth_san_ip?: string;
  tls_client_auth_san_email?: string;
  scope?: string;
  grant_types?: string[];
  redirect_uris?: string[];
  dpop_bound_access_tokens?: boolean;
  require_pushed_authorization_requests?: boolean;
}

let shape: Check | undefined;

/** Why a public JWK cannot verify FAPI client assertions, or null when it can. */
export function jwkProblem(jwk: JWK): string | null {
  const secret = PRIVATE_MEMBERS.find((m) => m in jwk);
  if (secret) return `holds private key material ("${secret}"); publish only public keys`;
  if (jwk.alg !== undefined && !VERIFY_ALGS.includes(jwk.alg as VerifyAlg)) return `alg ${jwk.alg} is not allowed; FAPI allows PS256, ES256 and (FAPI 2.0) EdDSA or Ed25519`;
  let key;
  try {
    key = createPublicKey({ key: jwk as import('node:crypto').JsonWebKey, format: 'jwk' });
  } catch (err) {
    return `is not a valid public key (${(err as Error).message})`;
  }
  const details = key.asymmetricKeyDetails;
  if (jwk.kty === 'RSA' && (details?.modulusLength ?? 0) < MIN_RSA_BITS) {
    return `is an RSA key of ${details?.modulusLength} bits; FAPI requires at least ${MIN_RSA_BITS}`;
  }
  if (jwk.kty === 'EC' && jwk.crv !== 'P-256') return `uses curve ${jwk.crv}; ES256 needs P-256`;
  if (jwk.kty === 'OKP' && jwk.crv !== 'Ed25519') return `uses curve ${jwk.crv}; EdDSA under FAPI 2.0 needs Ed25519`;
  return null;
}

function certificateIdentity(file: string, at: string, raw: RawClient): CertificateIdentity {
  const given = [
    ...(raw.tls_client_auth_subject_dn === undefined ? [] : ['tls_client_auth_subject_dn']),
    ...SAN_FIELDS.filter((f) => raw[f] !== undefined),
  ];
  if (given.length !== 1) {
    throw new ConfigError(
      file,
      at,
      `a tls_client_auth client needs exactly one of tls_client_auth_subject_dn, ${SAN_FIELDS.join(', ')} (RFC 8705 §2.1.2); it has ${given.length ? given.join(', ') : 'none'}`,
    );
  }
  if (raw.tls_client_auth_subject_dn !== undefined) {
    try {
      return { kind: 'subject_dn', text: raw.tls_client_auth_subject_dn, dn: parseDn(raw.tls_client_auth_subject_dn) };
    } catch (err) {
      if (!(err instanceof DnSyntaxError)) throw err;
      throw new ConfigError(file, `${at}.tls_client_auth_subject_dn`, `is not an RFC 4514 distinguished name: ${err.message}`);
    }
  }
  const field = given[0] as (typeof SAN_FIELDS)[number];
  return { kind: field.replace('tls_client_auth_', '') as 'san_dns', value: raw[field]! };
}

/** What the authorization_code and refresh_token grants need of a registration. */
function checkCodeFlow(file: string, at: string, raw: RawClient, client: RegisteredClient): void {
  const codeFlow = client.grantTypes.has('authorization_code');
  if (codeFlow && client.redirectUris.length === 0) {
    throw new ConfigError(file, at, 'a client of the authorization_code grant needs redirect_uris (RFC 7591 §2)');
  }
  if (!codeFlow && raw.redirect_uris !== undefined) throw new ConfigError(file, `${at}.redirect_uris`, 'applies to clients of the authorization_code grant only');
  if (client.grantTypes.has('refresh_token') && !codeFlow) {
    throw new ConfigError(file, `${at}.grant_types`, 'refresh_token needs authorization_code: refresh tokens are issued with an authorization code only');
  }
}

function toClient(file: string, at: string, raw: RawClient): RegisteredClient {
  const client: RegisteredClient = {
    clientId: raw.client_id,
    clientName: raw.client_name,
    authMethod: raw.token_endpoint_auth_method,
    scopes: raw.scope === undefined ? undefined : new Set(raw.scope.split(' ')),
    grantTypes: new Set(raw.grant_types ?? ['client_credentials']),
    redirectUris: raw.redirect_uris ?? [],
    dpopBoundAccessTokens: raw.dpop_bound_access_tokens ?? false,
    requirePushedAuthorizationRequests: raw.require_pushed_authorization_requests ?? false,
  };
  checkCodeFlow(file, at, raw, client);
  if (client.authMethod === 'tls_client_auth') {
    for (const field of ['jwks', 'jwks_uri', 'token_endpoint_auth_signing_alg'] as const) {
      if (raw[field] !== undefined) throw new ConfigError(file, `${at}.${field}`, 'applies to private_key_jwt clients only');
    }
    return { ...client, certificate: certificateIdentity(file, at, raw) };
  }

  for (const field of ['tls_client_auth_subject_dn', ...SAN_FIELDS] as const) {
    if (raw[field] !== undefined) throw new ConfigError(file, `${at}.${field}`, 'applies to tls_client_auth clients only');
  }
  if ((raw.jwks === undefined) === (raw.jwks_uri === undefined)) {
    throw new ConfigError(file, at, 'a private_key_jwt client needs exactly one of jwks and jwks_uri');
  }
  raw.jwks?.keys.forEach((jwk, i) => {
    const problem = jwkProblem(jwk);
    if (problem) throw new ConfigError(file, `${at}.jwks.keys[${i}]`, problem);
  });
  return {
    ...client,
    signingAlg: raw.token_endpoint_auth_signing_alg,
    jwks: raw.jwks,
    jwksUri: raw.jwks_uri === undefined ? undefined : new URL(raw.jwks_uri),
  };
}

/** Parses and checks a clients file's text. */
export function parseClientsFile(file: string, text: string): RegisteredClient[] {
  const data = yamlData(file, text);
  shape ??= loadSchemaCheck(shippedFile('demo/clients.schema.json'), '#');
  assertShape(file, shape, data);
  const seen = new Set<string>();
  return (data as { clients: RawClient[] }).clients.map((raw, i) => {
    const at = `clients[${i}]`;
    if (seen.has(raw.client_id)) throw new ConfigError(file, `${at}.client_id`, `"${raw.client_id}" is registered twice`);
    seen.add(raw.client_id);
    return toClient(file, at, raw);
  });
}

export function loadClientsFile(file: string): RegisteredClient[] {
  return parseClientsFile(file, readConfigFile(file, 'clients file'));
}

/**
 * Client authentication: establishes who is asking from the request's credentials, as the
 * strict real server does. private_key_jwt when an assertion is sent, tls_client_auth when a
 * client certificate is; the client's registration decides which one it must use.
 */
import { decodeJwt } from 'jose';
import type { TokenInput } from '../contract/request.js';
import { invalidClient, invalidRequest, type Refusal } from '../http/refusal.js';
import type { Clock } from '../state/clock.js';
import type { ReplayStore } from '../state/replay-store.js';
import type { CertificateLookup } from './certificate.js';
import { certificateMismatch } from './mtls.js';
import { ClientKeys } from './client-keys.js';
import { checkClientAssertion, type AssertionClaims, type AssertionPolicy } from './private-key-jwt.js';
import type { ClientRegistry, RegisteredClient } from './registry.js';

export interface AuthenticatedClient {
  clientId: string;
  registration: RegisteredClient;
  /** x5t#S256 of a verified client certificate, when the request came with one. */
  certificateThumbprint?: string;
  /** RFC 7638 thumbprint of the key of a valid DPoP proof, when the request came with one (RFC 9449). */
  dpopJkt?: string;
}

export type Authentication = { ok: true; client: AuthenticatedClient } | { ok: false; refusal: Refusal };

/** What the transport tells about the request, beyond its form. */
export interface RequestCredentials {
  certificate: CertificateLookup;
  /** The issuer identifier. */
  issuer: string;
  /** Values a client assertion's aud may take. */
  audiences: readonly string[];
  /** Told a verified assertion's claims (AssertionCheck.noteClaims). */
  noteClaims?(claims: AssertionClaims): void;
}

export interface ClientAuthenticator {
  authenticate(input: TokenInput, credentials: RequestCredentials): Promise<Authentication>;
}

const fail = (refusal: Refusal): Authentication => ({ ok: false, refusal });

export function registeredClientAuthenticator(
  registry: ClientRegistry,
  replay: ReplayStore,
  policy: AssertionPolicy,
  clock: Clock,
): ClientAuthenticator {
  const keys = new ClientKeys(policy);

  return {
    async authenticate(input, credentials) {
      const { certificate } = credentials;
      if (certificate.kind === 'malformed') return fail(invalidRequest('mtls.malformed', certificate.reason));
      const presented = input.clientAssertion !== undefined ? 'private_key_jwt' : certificate.kind === 'present' ? 'tls_client_auth' : undefined;
      if (input.grantType === 'tls_client_auth' && presented !== 'tls_client_auth') {
        return fail(
          input.clientAssertion !== undefined
            ? invalidClient('mtls.assertion_sent', 'grant_type tls_client_auth authenticates with a client certificate, not a client assertion')
            : invalidClient('mtls.no_certificate', 'no client certificate was presented; use the mutual-TLS listener'),
        );
      }
      if (presented === undefined) {
        return fail(
          invalidClient('client.no_authentication', 'no client authentication: send a client assertion (private_key_jwt) or a client certificate (tls_client_auth)'),
        );
      }

      let clientId = input.clientId;
      if (clientId === undefined && presented === 'private_key_jwt') {
        // RFC 7523 §3: without client_id the assertion's issuer names the client; the signature
        // check below is what makes the name trustworthy.
        try {
          const iss = decodeJwt(input.clientAssertion!).iss;
          if (typeof iss === 'string' && iss !== '') clientId = iss;
        } catch {
          return fail(invalidClient('assertion.format', 'client_assertion is not a JWT'));
        }
      }
      if (clientId === undefined) {
        return fail(invalidRequest('mtls.client_id', 'client_id is required with mutual-TLS client authentication (RFC 8705 §2)'));
      }

      const client = registry.get(clientId);
      if (!client) return fail(invalidClient('client.unknown', `unknown client_id "${clientId}"`));
      if (client.authMethod !== presented) {
        return fail(invalidClient('client.auth_method', `client "${clientId}" is registered for ${client.authMethod}, but the request used ${presented}`));
      }

      const bound =
        certificate.kind === 'present' && certificate.certificate.untrustedReason === null ? certificate.certificate.thumbprint : undefined;

      if (presented === 'private_key_jwt') {
        const problem = await checkClientAssertion(
          input.clientAssertion!,
          { client, issuer: credentials.issuer, audiences: credentials.audiences, nowSeconds: Math.floor(clock.now() / 1000), noteClaims: credentials.noteClaims },
          keys,
          replay,
          policy,
        );
        return problem ? fail(problem) : { ok: true, client: { clientId, registration: client, certificateThumbprint: bound } };
      }

      const cert = (certificate as Extract<CertificateLookup, { kind: 'present' }>).certificate;
      if (cert.untrustedReason !== null) return fail(invalidClient('mtls.untrusted', `the client certificate is not trusted: ${cert.untrustedReason}`));
      const mismatch = certificateMismatch(client.certificate!, cert);
      return mismatch ? fail(mismatch) : { ok: true, client: { clientId, registration: client, certificateThumbprint: bound } };
    },
  };
}

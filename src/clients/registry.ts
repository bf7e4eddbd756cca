/** Registered clients, as the clients file describes them (RFC 7591 / RFC 8705 metadata). */
import type { JSONWebKeySet } from 'jose';
import type { VerifyAlg } from '../tokens/algorithms.js';
import type { DistinguishedName } from './dn.js';

export type AuthMethod = 'private_key_jwt' | 'tls_client_auth';

/** How a tls_client_auth client's certificate is recognised (exactly one, RFC 8705 §2.1.2). */
export type CertificateIdentity =
  | { kind: 'subject_dn'; text: string; dn: DistinguishedName }
  | { kind: 'san_dns' | 'san_uri' | 'san_ip' | 'san_email'; value: string };

export interface RegisteredClient {
  clientId: string;
  /** Shown to the user on the device verification and consent pages. */
  clientName?: string;
  authMethod: AuthMethod;
  /** private_key_jwt: the one algorithm allowed, or any FAPI one when unset. */
  signingAlg?: VerifyAlg;
  jwks?: JSONWebKeySet;
  jwksUri?: URL;
  certificate?: CertificateIdentity;
  /** Scopes the client may get; undefined means no restriction. */
  scopes?: ReadonlySet<string>;
  grantTypes: ReadonlySet<string>;
  /** authorization_code: the redirect URIs a pushed request may name, compared exactly. */
  redirectUris: readonly string[];
  /** RFC 9449 §5.2 dpop_bound_access_tokens: the client's tokens must be DPoP-bound. */
  dpopBoundAccessTokens: boolean;
  /** RFC 9126 §6 require_pushed_authorization_requests. */
  requirePushedAuthorizationRequests: boolean;
}

export class ClientRegistry {
  private readonly byId: ReadonlyMap<string, RegisteredClient>;

  constructor(readonly clients: readonly RegisteredClient[]) {
    this.byId = new Map(clients.map((c) => [c.clientId, c]));
  }

  get(clientId: string): RegisteredClient | undefined {
    return this.byId.get(clientId);
  }
}

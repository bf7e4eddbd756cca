/**
 * The issuer and endpoint URLs, as a client that reached the sandbox at this URL sees them.
 * Without a configured issuer the issuer follows the URL the sandbox was reached at; a request on
 * the mutual-TLS listener belongs to the issuer of the plain listener on the same host name, whose
 * token endpoint it aliases (RFC 8705 §5).
 */

/** The provider serves the device authorization endpoint at /device/auth. */
export const DEVICE_AUTHORIZATION_PATH = '/device/auth';
export const VERIFICATION_PATH = '/device';
/** The authorization code flow's endpoints (RFC 9126 PAR, RFC 6749 §3.1). */
export const PAR_PATH = '/par';
export const AUTHORIZATION_PATH = '/authorize';
/** RFC 7662 token introspection and RFC 7009 token revocation. */
export const INTROSPECTION_PATH = '/introspect';
export const REVOCATION_PATH = '/revoke';

/** Where the sandbox listens, filled in by startSandbox once it does. */
export interface Listeners {
  httpPort?: number;
  tlsPort?: number;
}

/** What the URLs depend on: a fixed issuer, or the listeners. */
export interface IssuerSettings {
  fixedIssuer?: string;
  listeners: Listeners;
}

export interface Endpoints {
  issuer: string;
  tokenEndpoint: string;
  jwksUri: string;
  deviceAuthorizationEndpoint: string;
  /** Where users approve devices (RFC 8628 §3.2 verification_uri). */
  verificationUri: string;
  /** The token endpoint on the mutual-TLS listener, when it runs. */
  mtlsTokenEndpoint?: string;
  mtlsDeviceAuthorizationEndpoint?: string;
  /** RFC 9126 pushed_authorization_request_endpoint, and its mutual-TLS alias. */
  parEndpoint: string;
  mtlsParEndpoint?: string;
  authorizationEndpoint: string;
  introspectionEndpoint: string;
  mtlsIntrospectionEndpoint?: string;
  revocationEndpoint: string;
  mtlsRevocationEndpoint?: string;
  /** Values a client assertion's aud may take. */
  audiences: string[];
}

export function endpointsFor(requestUrl: string, config: IssuerSettings): Endpoints {
  const url = new URL(requestUrl);
  const { httpPort, tlsPort } = config.listeners;
  const host = url.hostname.includes(':') ? `[${url.hostname}]` : url.hostname;
  const onTls = url.protocol === 'https:' && tlsPort !== undefined && Number(url.port || 443) === tlsPort;
  const issuer = config.fixedIssuer ?? (onTls && httpPort !== undefined ? `http://${host}:${httpPort}` : url.origin);
  const mtlsBase = tlsPort === undefined ? undefined : `https://${host}:${tlsPort}`;
  const mtlsTokenEndpoint = mtlsBase && `${mtlsBase}/token`;
  const tokenEndpoint = `${issuer}/token`;
  return {
    issuer,
    tokenEndpoint,
    jwksUri: `${issuer}/jwks`,
    deviceAuthorizationEndpoint: `${issuer}${DEVICE_AUTHORIZATION_PATH}`,
    verificationUri: `${issuer}${VERIFICATION_PATH}`,
    mtlsTokenEndpoint,
    mtlsDeviceAuthorizationEndpoint: mtlsBase && `${mtlsBase}${DEVICE_AUTHORIZATION_PATH}`,
    parEndpoint: `${issuer}${PAR_PATH}`,
    mtlsParEndpoint: mtlsBase && `${mtlsBase}${PAR_PATH}`,
    authorizationEndpoint: `${issuer}${AUTHORIZATION_PATH}`,
    introspectionEndpoint: `${issuer}${INTROSPECTION_PATH}`,
    mtlsIntrospectionEndpoint: mtlsBase && `${mtlsBase}${INTROSPECTION_PATH}`,
    revocationEndpoint: `${issuer}${REVOCATION_PATH}`,
    mtlsRevocationEndpoint: mtlsBase && `${mtlsBase}${REVOCATION_PATH}`,
    audiences: [issuer, tokenEndpoint, ...(mtlsTokenEndpoint ? [mtlsTokenEndpoint] : [])],
  };
}

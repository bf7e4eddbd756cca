/** The signing algorithms FAPI allows (FAPI 1 Advanced §8.6, FAPI 2.0 Security Profile §5.4), for client assertions and access tokens alike. */
export type SigningAlg = 'PS256' | 'ES256';
export const FAPI_ALGS: readonly SigningAlg[] = ['PS256', 'ES256'];
/**
 * What a client's JWS may be verified with: FAPI 1's two, and EdDSA with Ed25519, which FAPI 2.0
 * (§5.4.1) adds, also under its fully-specified name Ed25519 (RFC 9864), which clients such as
 * openid-client send. Which of them a request may use is its profile's choice (oauth/profiles.ts).
 */
export type VerifyAlg = SigningAlg | 'EdDSA' | 'Ed25519';
export const VERIFY_ALGS: readonly VerifyAlg[] = ['PS256', 'ES256', 'EdDSA', 'Ed25519'];
/** FAPI 1 Advanced §8.6, FAPI 2.0 §5.4.1: RSA keys of at least 2048 bits. */
export const MIN_RSA_BITS = 2048;

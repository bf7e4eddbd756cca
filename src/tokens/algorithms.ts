/** The signing algorithms FAPI allows (FAPI 1 Advanced §8.6, FAPI 2.0 Security Profile §5.4), for client assertions and access tokens alike. */
export type SigningAlg = 'PS256' | 'ES256';
export const FAPI_ALGS: readonly SigningAlg[] = ['PS256', 'ES256'];
/** FAPI 1 Advanced §8.6: RSA keys of at least 2048 bits. */
export const MIN_RSA_BITS = 2048;

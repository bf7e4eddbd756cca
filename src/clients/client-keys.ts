/**
 * The keys a private_key_jwt client verifies with: a local JWK Set from its registration, or a
 * remote one from its jwks_uri (cached, with a timeout). jose selects the key (kid, kty, alg);
 * assertion-signature.ts verifies with it.
 */
import { createLocalJWKSet, createRemoteJWKSet, type JWTVerifyGetKey } from 'jose';
import { MIN_RSA_BITS, type RegisteredClient } from './registry.js';

/** An RSA key below FAPI's minimum, found at a jwks_uri (registered keys are checked at start). */
export class WeakKeyError extends Error {
  constructor(readonly bits: number) {
    super(`RSA key of ${bits} bits`);
  }
}

/** The modulus size of an RSA key (a WebCrypto CryptoKey or a Node KeyObject), else undefined. */
function rsaModulusBits(key: unknown): number | undefined {
  const k = key as { algorithm?: { modulusLength?: number }; asymmetricKeyDetails?: { modulusLength?: number } };
  return k.algorithm?.modulusLength ?? k.asymmetricKeyDetails?.modulusLength;
}

/** Caches one key resolver per client. */
export class ClientKeys {
  private readonly resolvers = new Map<string, JWTVerifyGetKey>();

  constructor(private readonly policy: { jwksTimeoutMs: number }) {}

  resolverFor(client: RegisteredClient): JWTVerifyGetKey {
    let resolver = this.resolvers.get(client.clientId);
    if (!resolver) {
      const base = client.jwks
        ? createLocalJWKSet(client.jwks)
        : createRemoteJWKSet(client.jwksUri!, {
            timeoutDuration: this.policy.jwksTimeoutMs,
            cooldownDuration: 30_000,
            cacheMaxAge: 600_000,
          });
      resolver = async (header, token) => {
        const key = await base(header, token);
        const bits = rsaModulusBits(key);
        if (bits !== undefined && bits < MIN_RSA_BITS) throw new WeakKeyError(bits);
        return key;
      };
      this.resolvers.set(client.clientId, resolver);
    }
    return resolver;
  }
}

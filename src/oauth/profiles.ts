/**
 * The FAPI profiles the sandbox can enforce (`--profile NAME`), one table of rules each, from
 * the specifications. The layers below take a profile's rules as data (clients/ its assertion
 * rules, the pipeline its token binding rules); settings/ holds the options to the ranges a
 * profile sets. README "Profiles" draws the same table, rule by rule.
 */
import type { AssertionRules } from '../clients/private-key-jwt.js';
import type { VerifyAlg } from '../tokens/algorithms.js';

export const PROFILE_NAMES = ['fapi1-advanced', 'fapi2', 'open-finance-brasil'] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

/** An inclusive range of seconds. */
export interface SecondsRange {
  min: number;
  max: number;
}

export interface Profile {
  name: ProfileName;
  /** The specification, for the README and descriptions. */
  title: string;
  /** Client assertions (private_key_jwt): algorithms and aud. */
  assertion: AssertionRules;
  /** The algorithms a DPoP proof (RFC 9449) may use: asymmetric only, and the profile's. */
  dpopAlgs: readonly VerifyAlg[];
  /** Every access token is sender-constrained: a request without mutual TLS and without DPoP is refused. */
  senderConstrained: boolean;
  /** A request that came with a client certificate gets a certificate-bound token, or is refused when it cannot be bound. */
  bindEveryCertificate: boolean;
  /** The clock skew tolerated in client assertions' iat and nbf must lie in this range (--clock-skew). */
  clockSkewSeconds?: SecondsRange;
  /** The access token lifetime must lie in this range (--token-lifetime). */
  tokenLifetimeSeconds?: SecondsRange;
}

export const PROFILES: Readonly<Record<ProfileName, Profile>> = {
  // Today's behaviour: FAPI 1.0 Advanced (final), §5.2.2 and §8.6.
  'fapi1-advanced': {
    name: 'fapi1-advanced',
    title: 'FAPI 1.0 Advanced (final)',
    // §8.6: PS256 or ES256; RFC 7523 §3: aud names the authorization server (issuer or token endpoint).
    assertion: { profile: 'fapi1-advanced', algs: ['PS256', 'ES256'], audience: 'issuer-or-endpoint' },
    dpopAlgs: ['PS256', 'ES256'],
    senderConstrained: false,
    bindEveryCertificate: false,
  },
  // FAPI 2.0 Security Profile (final).
  fapi2: {
    name: 'fapi2',
    title: 'FAPI 2.0 Security Profile (final)',
    // §5.4.1: PS256, ES256 or EdDSA with Ed25519 (also named Ed25519, RFC 9864); §5.3.2.1: only
    // the issuer, as a string, as aud.
    assertion: { profile: 'fapi2', algs: ['PS256', 'ES256', 'EdDSA', 'Ed25519'], audience: 'issuer-string' },
    dpopAlgs: ['PS256', 'ES256', 'EdDSA', 'Ed25519'],
    // §5.3.2.1: only sender-constrained access tokens, by mutual TLS (RFC 8705) or DPoP (RFC 9449).
    senderConstrained: true,
    bindEveryCertificate: false,
    // §5.3.2.1: iat or nbf up to 10 s ahead shall be accepted, more than 60 s ahead rejected; a
    // skew in between keeps both.
    clockSkewSeconds: { min: 10, max: 60 },
  },
  // Open Finance Brasil Financial-grade API Security Profile 1.0, over FAPI 1.0 Advanced.
  'open-finance-brasil': {
    name: 'open-finance-brasil',
    title: 'Open Finance Brasil FAPI Security Profile 1.0 (over FAPI 1.0 Advanced)',
    assertion: {
      profile: 'open-finance-brasil',
      algs: ['PS256'],
      narrowedBecause: 'Open Finance Brasil allows PS256 only (its algorithm considerations), although FAPI 1 also allows ES256',
      audience: 'issuer-or-endpoint',
    },
    dpopAlgs: ['PS256'],
    senderConstrained: false,
    // Access tokens are bound to the client certificate (RFC 8705) of the mutual-TLS request.
    bindEveryCertificate: true,
    // Access tokens live at least 300 s and at most 900 s.
    tokenLifetimeSeconds: { min: 300, max: 900 },
  },
};

export const isProfileName = (name: string): name is ProfileName => (PROFILE_NAMES as readonly string[]).includes(name);

/**
 * The success-path request bodies: client_credentials with a private_key_jwt assertion of the
 * demo client. Each assertion is single-use (the sandbox's replay store), so they are signed
 * ahead of a run, never during one, and handed out at most once per sandbox process. They are
 * signed with node:crypto on the thread pool (the sandbox's own JWS code): jose's WebCrypto path
 * and a key thumbprint per assertion made signing a fifth of the bench's time.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { JWT_BEARER } from '../src/contract/request.js';
import { signJws } from '../src/tokens/jws.js';
import { signingKeyFromPem } from '../src/tokens/keys.js';
import { DEMO_KEY_FILE } from './paths.js';
import { ASSERTION_LIFETIME_SECONDS } from './settings.js';

const DEMO_CLIENT_ID = 'sandbox-pkjwt';
const SIGN_BATCH = 512;

export interface BodySource {
  next(): string;
  /** How many bodies were handed out. */
  readonly used: number;
  /** How many bodies had to be handed out a second time (single-use sources only). */
  readonly reused: number;
}

export class AssertionBodies {
  private readonly bodies: string[] = [];
  /** The demo client's key with its algorithm and RFC 7638 kid, as the sandbox reads its own. */
  private readonly key = signingKeyFromPem(readFileSync(DEMO_KEY_FILE, 'utf8'));
  private readonly header = { alg: this.key.alg, kid: this.key.kid, typ: 'JWT' };

  /** `audience` is the URL the sandbox is reached at: every sandbox run uses the same port. */
  constructor(private readonly audience: string) {}

  get size(): number {
    return this.bodies.length;
  }

  /** Signs assertions until there are at least `count`. */
  async ensure(count: number): Promise<void> {
    while (this.bodies.length < count) {
      const batch = Math.min(SIGN_BATCH, count - this.bodies.length);
      const now = Math.floor(Date.now() / 1000);
      const signed = await Promise.all(
        Array.from({ length: batch }, () =>
          signJws(this.key.alg, this.key.privateKey, this.header, {
            iss: DEMO_CLIENT_ID,
            sub: DEMO_CLIENT_ID,
            aud: this.audience,
            iat: now,
            exp: now + ASSERTION_LIFETIME_SECONDS,
            jti: randomUUID(),
          }),
        ),
      );
      for (const assertion of signed) this.bodies.push(formBody(assertion));
    }
  }

  /**
   * Hands the bodies out in order from the first. A single-use source (a fresh sandbox process,
   * with an empty replay store) counts what it has to hand out again once they run out.
   */
  source(singleUse: boolean): BodySource {
    const bodies = this.bodies;
    let index = 0;
    let reused = 0;
    return {
      next() {
        if (index >= bodies.length && singleUse) reused++;
        return bodies[index++ % bodies.length]!;
      },
      get used() {
        return index;
      },
      get reused() {
        return reused;
      },
    };
  }
}

function formBody(assertion: string): string {
  return new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: DEMO_CLIENT_ID,
    client_assertion_type: JWT_BEARER,
    client_assertion: assertion,
    scope: 'openid accounts',
  }).toString();
}

/** The CLI's help text, rendered from one table of options whose defaults come from settings/defaults.ts. */
import { DEFAULTS } from '../settings/defaults.js';

export interface OptionHelp {
  /** The flag and its argument, as typed: `--port N`. */
  flag: string;
  /** What it does, in lines of at most 44 characters. */
  text: string[];
  env?: string;
  /** What applies when it is not given. */
  default?: string | number;
}

export const RUN_OPTIONS: readonly OptionHelp[] = [
  { flag: '--port N', text: ['TCP port (0 picks a free one)'], env: 'PORT', default: DEFAULTS.port },
  { flag: '--host ADDR', text: ['interface to bind; anything but loopback', 'exposes the sandbox to your network (0.0.0.0', 'in a container)'], env: 'HOST', default: DEFAULTS.host },
  {
    flag: '--allowed-hosts NAMES',
    text: ['host names it answers to besides localhost,', '127.0.0.1, [::1] and those of --issuer and', '--host, comma-separated, e.g. sandbox (a CI', 'service), or * for any; requests naming', 'another host get 400 (DNS rebinding)'],
    env: 'SANDBOX_ALLOWED_HOSTS',
  },
  { flag: '--scenarios DIR', text: ['folder of scenario files (*.yaml, *.yml)'], default: 'the shipped scenarios/' },
  { flag: '--clients FILE', text: ['clients file (YAML)'], default: 'demo/clients.yaml' },
  {
    flag: '--contract FILE',
    text: ["the provider's OpenAPI document POST /token", 'is served from (rules, statuses, examples,', 'headers); reloaded when it changes'],
    env: 'SANDBOX_CONTRACT',
    default: 'openapi/token.yaml',
  },
  { flag: '--issuer URL', text: ['fixed issuer, e.g. behind a proxy'], default: 'the URL it is reached at' },
  { flag: '--tls-port N', text: ['also listen with HTTPS for mutual-TLS', 'clients'], default: 'off' },
  { flag: '--tls-cert FILE', text: ['PEM certificate of the HTTPS listener'], default: 'demo/pki/server.pem' },
  { flag: '--tls-key FILE', text: ['PEM key of the HTTPS listener'], default: 'demo/pki/server.key' },
  { flag: '--tls-client-ca FILE', text: ['PEM bundle of CAs client certificates must', 'chain to'], default: 'demo/pki/ca.pem' },
  { flag: '--trust-client-cert-header', text: ['accept the RFC 9440 Client-Cert header from a', 'TLS-terminating proxy'] },
  { flag: '--signing-key FILE', text: ['PEM key that signs access tokens'], default: 'generated at start' },
  { flag: '--signing-alg ALG', text: ['ES256 or PS256, for a generated key', '(PS256 under open-finance-brasil)'], default: DEFAULTS.signingAlg },
  {
    flag: '--profile NAME',
    text: ['FAPI profile enforced: fapi1-advanced, fapi2', 'or open-finance-brasil (README Profiles)'],
    default: DEFAULTS.profile,
  },
  { flag: '--dpop-nonce', text: ['demand DPoP nonces: a proof without the', 'current one gets 400 use_dpop_nonce and a', 'DPoP-Nonce header (RFC 9449 §8)'] },
  { flag: '--token-lifetime S', text: ['access token lifetime in seconds'], default: DEFAULTS.tokenLifetimeSeconds },
  { flag: '--clock-skew S', text: ['clock skew tolerated in client assertions'], default: DEFAULTS.clockSkewSeconds },
  { flag: '--max-assertion-lifetime S', text: ["how far ahead an assertion's exp may be"], default: DEFAULTS.maxAssertionLifetimeSeconds },
  { flag: '--max-body-bytes N', text: ['largest request body read'], default: DEFAULTS.maxBodyBytes },
  { flag: '--device-interval S', text: ['device grant polling interval (0 in CI)'], default: DEFAULTS.deviceIntervalSeconds },
  { flag: '--device-code-lifetime S', text: ['device and user code lifetime'], default: DEFAULTS.deviceCodeLifetimeSeconds },
  { flag: '--consent MODE', text: ['the authorization endpoint: page shows the', 'consent page, auto approves at once (CI)'], default: DEFAULTS.consent },
  { flag: '--par-lifetime S', text: ['request_uri lifetime (PAR), under 600'], default: DEFAULTS.parLifetimeSeconds },
  { flag: '--rotate-refresh-tokens', text: ['a new refresh token at each refresh'] },
  { flag: '--rate-limit N/T', text: ['per-client_id limit, e.g. 10/1s or 100/1m', '(unit ms, s, m or h): beyond it 429 with', 'Retry-After'], default: 'no limit' },
  {
    flag: '--admin-token T',
    text: ['bearer token the control API (/__sandbox/)', 'then requires; needed beyond loopback.', 'Prefer the env (command lines are visible', 'to other users); generate: a random one,', 'printed at start'],
    env: 'SANDBOX_ADMIN_TOKEN',
  },
  { flag: '--no-admin', text: ['turn the control API off'] },
  { flag: '--cors ORIGINS', text: ['let browser scripts on these origins call', 'the sandbox: comma-separated, e.g.', 'http://localhost:3000, or *'], default: 'no CORS' },
  { flag: '--report-rules FILE', text: ["YAML changes to the report's rules", '(severity, thresholds per finding code)'], default: 'the built-in table' },
  {
    flag: '--redis URL',
    text: ['keep the state in Redis (redis:// or', 'rediss://), shared by every sandbox using', 'it: replicas answer as one'],
    env: 'SANDBOX_REDIS_URL',
    default: 'in memory',
  },
  { flag: '--redis-prefix P', text: ['starts every Redis key, so that sandboxes', 'can share one Redis apart'], default: DEFAULTS.redisPrefix },
  { flag: '--workers N', text: ['processes serving the one port, on this', "machine's cores; above 1 needs --redis"], default: DEFAULTS.workers },
  { flag: '-h, --help', text: ['show this help'] },
  { flag: '-v, --version', text: ['show the version'] },
];

export const ASSERTION_OPTIONS: readonly OptionHelp[] = [
  { flag: '--client-id ID', text: ['the client (iss and sub)'], default: 'required' },
  { flag: '--key FILE', text: ["the client's private key, PEM or JWK"], default: 'required, except for the demo clients' },
  { flag: '--aud URL', text: ['the audience'], default: `http://${DEFAULTS.host}:${DEFAULTS.port}` },
  { flag: '--lifetime S', text: ['seconds until exp'], default: DEFAULTS.assertionLifetimeSeconds },
];

export const REPORT_OPTIONS: readonly OptionHelp[] = [
  { flag: '--url URL', text: ["the sandbox's base URL"], default: 'required' },
  { flag: '--format F', text: ['json, or junit (JUnit XML for CI)'], default: 'json' },
  { flag: '--fail-on S', text: ['exit 1 on errors (error), or on errors and', 'warnings (warning); infos never count'], default: 'error' },
  { flag: '--admin-token T', text: ['the control API bearer token'], env: 'SANDBOX_ADMIN_TOKEN' },
];

const FLAG_WIDTH = 26;
const TEXT_WIDTH = 45;

/** One option as help lines: the flag, its text beside it, the env and default after the last line. */
function renderOption({ flag, text, env, default: fallback }: OptionHelp): string {
  const note = [env && `env ${env}`, fallback !== undefined && `default: ${fallback}`].filter(Boolean).join(', ');
  const lines = flag.length >= FLAG_WIDTH - 2 ? [`  ${flag}`, ...text.map((t) => `${' '.repeat(FLAG_WIDTH)}${t}`)] : text.map((t, i) => `${(i === 0 ? `  ${flag}` : '').padEnd(FLAG_WIDTH)}${t}`);
  if (note) lines[lines.length - 1] = `${lines[lines.length - 1]!.padEnd(FLAG_WIDTH + TEXT_WIDTH)}[${note}]`;
  return lines.join('\n');
}

export function helpText(): string {
  return `fapi-token-sandbox: a local stand-in for the Raidiam Connect FAPI token endpoint (POST /token)

Usage:
  fapi-token-sandbox [options]                 run the sandbox
  fapi-token-sandbox assertion [options]       print a signed private_key_jwt client assertion
  fapi-token-sandbox init [DIR]                write your own clients, fresh keys, CA and certificates
                                               and an example scenario to DIR [default: ${DEFAULTS.initDir}]
  fapi-token-sandbox report --url URL          print what the clients did wrong; exit 1 on findings
                                               at --fail-on, 2 when the sandbox cannot be asked

Options:
${RUN_OPTIONS.map(renderOption).join('\n')}

Assertion options:
${ASSERTION_OPTIONS.map(renderOption).join('\n')}

Report options:
${REPORT_OPTIONS.map(renderOption).join('\n')}

Select an outcome per request with the header x-sandbox-scenario: NAME, or Prism-style with
Prefer: code=429 / Prefer: code=400, example=invalid_client. One log line per request goes to
stdout (JSON unless stdout is a terminal). See README.md.
`;
}

/**
 * The one pipeline of every endpoint that authenticates a client (POST /token, /device/auth,
 * /par, /introspect and /revoke), so that they all decide in the same
 * order (README "Order of checks") and leave the same journal record and log line: the form is
 * read and noted; a scenario is selected; the client's rate limit; Accept; header formats; the
 * form's contract rules; client authentication, once; the client's registration for the grant it
 * asks; the DPoP proof, where the endpoint takes one; where it issues tokens, the client's
 * dpop_bound_access_tokens and the profile's token binding rules; then the endpoint's handler, which receives the authenticated client and never
 * authenticates itself. An endpoint states only what differs (ClientEndpoint).
 */
import type { AuthenticatedClient } from '../clients/authenticate.js';
import type { SandboxConfig } from './services.js';
import type { TokenContract } from '../contract/document.js';
import type { Confirmation } from '../state/index.js';
import { checkHeaders, checkTokenForm, type GrantType, type TokenInput } from '../contract/request.js';
import { acceptsJson } from '../http/accept.js';
import { readBody } from '../http/body.js';
import type { Exchange } from '../http/exchange.js';
import { parseForm } from '../http/form.js';
import { endpointsFor, type Endpoints } from './endpoints.js';
import { errorList, notAcceptable, rateLimited, SANDBOX_STYLE, type AnswerStyle } from '../http/responses.js';
import { invalidClient, invalidRequest, refusalResponse, unauthorizedClient, type Refusal } from '../http/refusal.js';
import type { Profile } from './profiles.js';
import { verifyDpopProof, type DpopVerdict } from '../clients/dpop.js';
import { clientCertificate } from '../clients/request-certificate.js';
import { answerScenario } from '../scenarios/answer.js';
import { isResponseScenario, type AuthorizationScenario, type DeviceScenario } from '../scenarios/model.js';
import { selectScenario, type ResponseScenarios, type ScenarioCatalogs, type ScenarioKind } from '../scenarios/select.js';

/** Who a forced 200 is issued to when the request names no client: scenarios do not authenticate. */
const SCENARIO_CLIENT = 'sandbox-scenario';

/** What an endpoint's handler is given once every shared check has passed. */
export interface ClientRequest {
  request: Request;
  interactionId: string;
  exchange: Exchange;
  endpoints: Endpoints;
  /** The form as the token contract's rules read it (the endpoint's ruled fields). */
  input: TokenInput;
  client: AuthenticatedClient;
  /**
   * The key the request proved possession of, which issued tokens are bound to (cnf): the client
   * certificate's x5t#S256, a valid DPoP proof's jkt.
   */
  confirmation: Confirmation;
  /** The scenario the request selected for the handler to act on: a device scenario, or at POST /par an authorization scenario. */
  scenario?: DeviceScenario | AuthorizationScenario;
  /** How this endpoint's answers look (the error shape, each status's headers). */
  style: AnswerStyle;
  /** Answers a refusal as a token error, its code noted for the journal and the log line. */
  refuse(refusal: Refusal): Response;
}

/** What one endpoint says about itself; everything else is the pipeline's. */
export interface ClientEndpoint {
  /**
   * The kind of scenario it takes: a response scenario answers the request before any check; a
   * device or authorization scenario is handed to the handler, after every check, to act on.
   */
  readonly scenarios: ScenarioKind;
  /** How its answers look: the token contract's (POST /token); when absent, openapi/sandbox.yaml's own. */
  style?(contract: TokenContract): AnswerStyle;
  /** Its response scenarios and documented answers; default: POST /token's (the contract in force). */
  readonly responses?: ResponseScenarios;
  /** The form fields the token contract's rules apply to; all of them when absent. */
  ruledFields?(form: Record<string, string>): Record<string, string>;
  /**
   * The grant the client must be registered for (RFC 6749 §5.2 unauthorized_client otherwise);
   * absent for an endpoint every authenticated client may use (introspection, revocation).
   */
  registeredGrant?(input: TokenInput): GrantType;
  /** aud values a client assertion may carry besides the issuer and its token endpoints. */
  audiences?(endpoints: Endpoints): readonly string[];
  /** It issues access tokens: the profile's token binding rules apply (sender constraint, certificate binding). */
  readonly issuesTokens?: boolean;
  /** The URLs a DPoP proof's htu may name, on an endpoint that takes DPoP proofs (RFC 9449); others ignore the header. */
  dpopUrls?(endpoints: Endpoints): readonly string[];
  handle(request: ClientRequest): Promise<Response>;
}

/** Why the profile's token binding rules refuse the request, or null (README "Profiles"). */
function bindingProblem(profile: Profile, certificatePresented: boolean, client: AuthenticatedClient): Refusal | null {
  if (profile.bindEveryCertificate && certificatePresented && client.certificateThumbprint === undefined) {
    return invalidClient(
      'profile.certificate.unbound',
      `the client certificate is not trusted, and the ${profile.name} profile binds every token issued over mutual TLS to the certificate`,
    );
  }
  if (profile.senderConstrained && client.certificateThumbprint === undefined && client.dpopJkt === undefined) {
    return invalidRequest(
      'profile.sender_constraint.missing',
      `the ${profile.name} profile issues sender-constrained tokens only: use mutual TLS with a trusted client certificate, or send a DPoP proof (RFC 9449)`,
    );
  }
  return null;
}

/** What the request proved possession of, that its tokens are bound to (RFC 8705 §3, RFC 9449 §6). */
function confirmationOf({ certificateThumbprint, dpopJkt }: AuthenticatedClient): Confirmation {
  return { ...(certificateThumbprint === undefined ? {} : { 'x5t#S256': certificateThumbprint }), ...(dpopJkt === undefined ? {} : { jkt: dpopJkt }) };
}

/** The verdict on the request's DPoP proof; undefined when it sends none or the endpoint takes none. */
function checkDpop(config: SandboxConfig, endpoint: ClientEndpoint, request: Request, endpoints: Endpoints): Promise<DpopVerdict> | undefined {
  const header = request.headers.get('dpop');
  if (header === null || !endpoint.dpopUrls) return undefined;
  return verifyDpopProof({ header, method: request.method, urls: endpoint.dpopUrls(endpoints), nowMs: config.clock.now() }, config.dpop, config.state.replay);
}

export type ClientRequestHandler = (request: Request, interactionId: string, exchange: Exchange) => Promise<Response>;

export function clientRequestHandler(config: SandboxConfig, endpoint: ClientEndpoint): ClientRequestHandler {
  const { issuer, authenticator, state, rateLimit, clock } = config;
  const catalogs: ScenarioCatalogs = { response: endpoint.responses?.catalog ?? config.catalog, device: config.deviceCatalog, authorization: config.authorizationCatalog };
  return async (request, interactionId, exchange) => {
    const { headers } = request;
    const { notes } = exchange;
    const form = parseForm(headers.get('content-type'), await readBody(request, config.maxBodyBytes, exchange.transport));
    // One contract from here to the answer, and the scenarios loaded with it (live reload swaps both at once).
    const contract = config.contract.current;
    // What the endpoint's scenarios answer from: its own document's responses, else the token contract's.
    const answers = endpoint.responses?.contract ?? contract;
    const style = endpoint.style ? endpoint.style(contract) : SANDBOX_STYLE;
    const refuse = (refusal: Refusal) => refusalResponse(refusal, notes, interactionId, style);
    const fields = form.ok ? form.fields : undefined;
    notes.form = fields;
    const endpoints = endpointsFor(request.url, config);

    const selection = selectScenario(endpoint.scenarios, catalogs, answers, headers, fields);
    if (selection.kind === 'unknown') {
      notes.refusal = 'scenario.unknown';
      return errorList(404, selection.errors, interactionId);
    }
    const scenario = selection.kind === 'scenario' ? selection.scenario : undefined;
    if (scenario) notes.scenario = scenario.name;
    if (scenario && isResponseScenario(scenario)) {
      return answerScenario(scenario, {
        contract: answers, sequences: state.sequences, request, form: fields, interactionId, exchange,
        // An endpoint with responses of its own is not the token endpoint: its 200 is no token.
        issueToken: endpoint.responses ? undefined : () => issuer.issue({ clientId: fields?.client_id || SCENARIO_CLIENT, scope: fields?.scope }, endpoints),
      });
    }

    const waitMs = rateLimit && (await state.rates.take(fields?.client_id ?? '', rateLimit, clock.now()));
    if (waitMs) {
      notes.refusal = 'rate_limit';
      return rateLimited(waitMs, rateLimit, interactionId);
    }
    if (!acceptsJson(headers.get('accept'))) {
      notes.refusal = 'accept.not_acceptable';
      return notAcceptable(interactionId);
    }
    const badHeader = checkHeaders(contract, headers);
    if (badHeader) return refuse(badHeader);
    if (!form.ok) return refuse(form);
    const checked = checkTokenForm(contract, endpoint.ruledFields ? endpoint.ruledFields(form.fields) : form.fields);
    if (!checked.ok) return refuse(checked.refusal);
    const input = checked.value;

    const certificate = clientCertificate(headers, exchange.transport, config);
    const auth = await authenticator.authenticate(input, {
      certificate,
      issuer: endpoints.issuer,
      audiences: endpoint.audiences ? [...endpoints.audiences, ...endpoint.audiences(endpoints)] : endpoints.audiences,
      noteClaims: (claims) => {
        notes.assertion = { ...claims, audIsIssuer: claims.aud === endpoints.issuer };
      },
    });
    if (!auth.ok) return refuse(auth.refusal);
    const { client } = auth;
    notes.clientId = client.clientId;
    const grant = endpoint.registeredGrant?.(input);
    if (grant !== undefined && !client.registration.grantTypes.has(grant)) {
      return refuse(unauthorizedClient('client.grant_not_registered', `client "${client.clientId}" is not registered for the ${grant} grant`));
    }
    const dpop = await checkDpop(config, endpoint, request, endpoints);
    if (dpop && !dpop.ok) return refuse(dpop.refusal);
    const proven: AuthenticatedClient = dpop ? { ...client, dpopJkt: dpop.jkt } : client;
    if (endpoint.issuesTokens && client.registration.dpopBoundAccessTokens && !dpop) {
      return refuse(invalidRequest('client.dpop_required', `client "${client.clientId}" is registered with dpop_bound_access_tokens: send a DPoP proof (RFC 9449 §5.2)`));
    }
    const unbound = endpoint.issuesTokens && bindingProblem(config.profile, certificate.kind === 'present', proven);
    if (unbound) return refuse(unbound);
    return endpoint.handle({ request, interactionId, exchange, endpoints, input, client: proven, confirmation: confirmationOf(proven), scenario, style, refuse });
  };
}

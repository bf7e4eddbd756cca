/**
 * POST /token. The order of checks is fixed so that outcomes are predictable: a selected
 * scenario; the client's rate limit (429); Accept (406); headers (400); body syntax and grant
 * (400); client authentication and the grant's own rules; then the token.
 */
import type { SandboxConfig } from './services.js';
import { checkHeaders, checkTokenForm } from '../contract/request.js';
import { grantHandlers } from '../grants/index.js';
import { acceptsJson } from '../http/accept.js';
import { readBody } from '../http/body.js';
import type { Exchange } from '../http/exchange.js';
import { parseForm } from '../http/form.js';
import { endpointsFor } from '../oauth/endpoints.js';
import { errorList, notAcceptable, rateLimited, tokenError, tokenResponse } from '../http/responses.js';
import { clientCertificate } from '../clients/request-certificate.js';
import { answerScenario } from '../scenarios/answer.js';
import { selectScenario } from '../scenarios/select.js';

/** Who a forced 200 is issued to when the request names no client: scenarios do not authenticate. */
const SCENARIO_CLIENT = 'sandbox-scenario';

export function tokenHandler(config: SandboxConfig) {
  const { contract, catalog, issuer, authenticator, state, rateLimit } = config;
  const grants = grantHandlers(config.devices);
  return async (request: Request, interactionId: string, exchange: Exchange): Promise<Response> => {
    const headers = request.headers;
    const form = parseForm(headers.get('content-type'), await readBody(request, config.maxBodyBytes, exchange.transport));
    const fields = form.ok ? form.fields : undefined;
    exchange.notes.form = fields;
    const endpoints = endpointsFor(request.url, config);

    const selection = selectScenario(catalog, contract, headers, fields, config.deviceCatalog);
    if (selection.kind === 'unknown') return errorList(404, selection.errors, interactionId);
    if (selection.kind === 'scenario') {
      return answerScenario(selection.scenario, {
        contract, counters: state.counters, request, form: fields, interactionId, exchange,
        issueToken: () => issuer.issue({ clientId: fields?.client_id || SCENARIO_CLIENT, scope: fields?.scope }, endpoints),
      });
    }
    const waitMs = rateLimit && state.rates.take(fields?.client_id ?? '', rateLimit, Date.now());
    if (waitMs) return rateLimited(waitMs, rateLimit, interactionId);

    if (!acceptsJson(headers.get('accept'))) return notAcceptable(interactionId);
    const badHeader = checkHeaders(contract, headers);
    if (badHeader) return tokenError(badHeader.error, badHeader.description, interactionId);
    if (!form.ok) return tokenError('invalid_request', form.description, interactionId);
    const input = checkTokenForm(contract, form.fields);
    if (!input.ok) return tokenError(input.violation.error, input.violation.description, interactionId);

    const credentials = { certificate: clientCertificate(headers, exchange.transport, config), audiences: endpoints.audiences };
    const outcome = await grants.get(input.value.grantType)!.handle(input.value, { authenticator, credentials });
    if (!outcome.ok) return tokenError(outcome.violation.error, outcome.violation.description, interactionId);
    return tokenResponse(await issuer.issue(outcome.grant, endpoints), interactionId);
  };
}

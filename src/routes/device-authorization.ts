/**
 * The device authorization endpoint (RFC 8628 §3.1, §3.2), at /device/auth as the provider serves
 * it. The client authenticates as at the token endpoint; the answer carries the device code, the
 * user code and where the user goes to approve. A device scenario (by x-sandbox-scenario or a
 * match rule) makes the code decide itself after some polls.
 */
import type { SandboxConfig } from './services.js';
import { checkTokenForm, DEVICE_CODE_GRANT } from '../contract/request.js';
import type { components } from '../generated/sandbox.js';
import { authenticateFor } from '../grants/grant.js';
import { grantedScope } from '../grants/scope.js';
import { acceptsJson } from '../http/accept.js';
import { readBody } from '../http/body.js';
import { parseForm } from '../http/form.js';
import { endpointsFor } from '../oauth/endpoints.js';
import { errorList, jsonResponse, notAcceptable, tokenError } from '../http/responses.js';
import type { Transport } from '../http/exchange.js';
import { clientCertificate } from '../clients/request-certificate.js';
import type { DeviceScenario } from '../scenarios/model.js';
import { SCENARIO_HEADER } from '../scenarios/select.js';
import { displayUserCode } from '../state/device-codes.js';

type DeviceAuthorizationBody = components['schemas']['DeviceAuthorization'];

export function deviceAuthorizationHandler(config: SandboxConfig) {
  const { contract, deviceCatalog, devices, authenticator } = config;

  function requestedScenario(headers: Headers): DeviceScenario | string[] | undefined {
    const name = headers.get(SCENARIO_HEADER);
    if (name === null) return undefined;
    const scenario = deviceCatalog.byNameOf(name.trim());
    if (scenario) return scenario;
    const known = deviceCatalog.names.join(', ') || '(none loaded)';
    return config.catalog.byNameOf(name.trim())
      ? [`Scenario "${name}" answers POST /token; POST /device/auth takes device scenarios`, `Device scenarios: ${known}`]
      : [`Unknown device scenario "${name}" in header ${SCENARIO_HEADER}`, `Device scenarios: ${known}`];
  }

  return async (request: Request, interactionId: string, transport: Transport | undefined): Promise<Response> => {
    const headers = request.headers;
    const form = parseForm(headers.get('content-type'), await readBody(request, config.maxBodyBytes, transport));
    const named = requestedScenario(headers);
    if (Array.isArray(named)) return errorList(404, named, interactionId);
    if (!acceptsJson(headers.get('accept'))) return notAcceptable(interactionId);
    if (!form.ok) return tokenError('invalid_request', form.description, interactionId);

    // The token request's field rules apply; grant_type and device_code are not part of this request.
    const { grant_type: _grant, device_code: _code, ...fields } = form.fields;
    const checked = checkTokenForm(contract, fields);
    if (!checked.ok) return tokenError(checked.violation.error, checked.violation.description, interactionId);
    const input = { ...checked.value, grantType: DEVICE_CODE_GRANT } as const;

    const endpoints = endpointsFor(request.url, config);
    const auth = await authenticateFor(DEVICE_CODE_GRANT, input, {
      authenticator,
      credentials: {
        certificate: clientCertificate(headers, transport, config),
        // The assertion is addressed to this endpoint or to the issuer.
        audiences: [...endpoints.audiences, endpoints.deviceAuthorizationEndpoint, ...(endpoints.mtlsDeviceAuthorizationEndpoint ? [endpoints.mtlsDeviceAuthorizationEndpoint] : [])],
      },
    });
    if (!auth.ok) return tokenError(auth.violation.error, auth.violation.description, interactionId);
    const { clientId, registration } = auth.client;
    const scope = grantedScope(registration, input.scope);
    if ('error' in scope) return tokenError(scope.error, scope.description, interactionId);

    const scenario = named ?? deviceCatalog.match(headers, form.fields);
    const { intervalSeconds, lifetimeSeconds } = config.device;
    const authorization = devices.issue(
      {
        clientId,
        scope: scope.scope,
        intervalSeconds,
        auto: scenario && { decision: scenario.device.decision === 'approve' ? 'approved' : 'denied', afterPolls: scenario.device.afterPolls },
      },
      lifetimeSeconds,
    );
    const userCode = displayUserCode(authorization.userCode);
    const body: DeviceAuthorizationBody = {
      device_code: authorization.deviceCode,
      user_code: userCode,
      verification_uri: endpoints.verificationUri,
      verification_uri_complete: `${endpoints.verificationUri}?user_code=${userCode}`,
      expires_in: lifetimeSeconds,
      interval: intervalSeconds,
    };
    return jsonResponse(200, body, interactionId, { 'cache-control': 'no-store' });
  };
}

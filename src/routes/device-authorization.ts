/**
 * The device authorization endpoint (RFC 8628 §3.1, §3.2), at /device/auth as the provider serves
 * it, as an endpoint of the client-request pipeline (oauth/client-request.ts): the client
 * authenticates as at the token endpoint, and the same checks run in the same order. The answer
 * carries the device code, the user code and where the user goes to approve. A device scenario
 * (by x-sandbox-scenario or a match rule) makes the code decide itself after some polls.
 */
import type { SandboxConfig } from '../oauth/services.js';
import { DEVICE_CODE_GRANT } from '../contract/request.js';
import type { components } from '../generated/sandbox.js';
import { grantedScope } from '../grants/scope.js';
import { jsonResponse } from '../http/responses.js';
import { clientRequestHandler, type ClientEndpoint } from '../oauth/client-request.js';
import { displayUserCode } from '../state/device-codes.js';
import { isDeviceScenario } from '../scenarios/model.js';

type DeviceAuthorizationBody = components['schemas']['DeviceAuthorization'];

export function deviceAuthorizationEndpoint(config: SandboxConfig): ClientEndpoint {
  const { state: { devices }, clock } = config;
  const { intervalSeconds, lifetimeSeconds } = config.device;
  return {
    scenarios: 'device',
    // The token request's field rules apply; grant_type and device_code are not part of this request.
    ruledFields: ({ grant_type: _grant, device_code: _code, ...fields }) => fields,
    registeredGrant: () => DEVICE_CODE_GRANT,
    // The assertion may be addressed to this endpoint too.
    audiences: (e) => [e.deviceAuthorizationEndpoint, ...(e.mtlsDeviceAuthorizationEndpoint ? [e.mtlsDeviceAuthorizationEndpoint] : [])],
    async handle({ input, client, scenario, endpoints, interactionId, exchange, refuse }) {
      const scope = grantedScope(client.registration, input.scope);
      if ('error' in scope) return refuse(scope);
      const authorization = await devices.issue(
        {
          clientId: client.clientId,
          scope: scope.scope,
          intervalSeconds,
          auto: scenario && isDeviceScenario(scenario) ? { decision: scenario.device.decision === 'approve' ? 'approved' : 'denied', afterPolls: scenario.device.afterPolls } : undefined,
        },
        lifetimeSeconds,
        clock.now(),
      );
      const userCode = displayUserCode(authorization.userCode);
      exchange.notes.userCode = userCode;
      const body: DeviceAuthorizationBody = {
        device_code: authorization.deviceCode,
        user_code: userCode,
        verification_uri: endpoints.verificationUri,
        verification_uri_complete: `${endpoints.verificationUri}?user_code=${userCode}`,
        expires_in: lifetimeSeconds,
        interval: intervalSeconds,
      };
      return jsonResponse(200, body, interactionId, { 'cache-control': 'no-store' });
    },
  };
}

export const deviceAuthorizationHandler = (config: SandboxConfig) => clientRequestHandler(config, deviceAuthorizationEndpoint(config));

/**
 * Control API for CI without a browser: approve or deny a device authorization by its user code
 * (POST /__sandbox/devices/{user_code}/approve | /deny). 204 when done; 404 with an errors list
 * for a code that is unknown, expired or already decided.
 */
import type { SandboxConfig } from '../oauth/services.js';
import { errorList, jsonResponse } from '../http/responses.js';
import type { DeviceDecision } from '../state/device-codes.js';

const WHY: Record<string, string> = {
  unknown: 'No device authorization has the user code',
  expired: 'The device authorization has expired for user code',
  'already-decided': 'The device authorization was already decided for user code',
};

export function deviceDecisionHandler(config: SandboxConfig, decision: DeviceDecision) {
  return async (userCode: string, interactionId: string): Promise<Response> => {
    const result = await config.state.devices.decide(userCode, decision, config.clock.now());
    if (result === 'decided') return jsonResponse(204, undefined, interactionId);
    return errorList(404, [`${WHY[result]} "${userCode}"`], interactionId);
  };
}

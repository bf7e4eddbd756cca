/** Request builders shared by the tests. */
export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
export const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export type Fields = Record<string, string>;

export function form(fields: Fields): string {
  return new URLSearchParams(fields).toString();
}

/** A POST /token request; fields become a form body unless `body` is given as a string. */
export function tokenRequest(
  base: string,
  body: Fields | string = { grant_type: 'client_credentials', client_id: 'sandbox-client' },
  headers: Record<string, string> = {},
): Request {
  return new Request(`${base}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: typeof body === 'string' ? body : form(body),
  });
}

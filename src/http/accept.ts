/**
 * Content negotiation for the only media type the token endpoint produces (RFC 9110 §12.5.1):
 * the most specific media range that matches application/json decides, and q=0 excludes it.
 */
const JSON_RANGES = ['application/json', 'application/*', '*/*'];

export function acceptsJson(accept: string | null | undefined): boolean {
  if (accept === null || accept === undefined || accept.trim() === '') return true;
  let best = -1; // index into JSON_RANGES of the most specific match so far
  let quality = 0;
  for (const part of accept.split(',')) {
    const [range, ...params] = part.split(';');
    const specificity = JSON_RANGES.indexOf(range!.trim().toLowerCase());
    if (specificity === -1) continue;
    if (best !== -1 && specificity > best) continue;
    let q = 1;
    for (const param of params) {
      const [key, value] = param.split('=');
      if (key?.trim().toLowerCase() === 'q') q = Number(value?.trim());
    }
    best = specificity;
    quality = Number.isFinite(q) ? q : 0;
  }
  return best !== -1 && quality > 0;
}

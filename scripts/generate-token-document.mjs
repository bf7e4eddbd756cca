#!/usr/bin/env node
/**
 * Writes src/generated/token-document.ts: openapi/token.yaml as JSON, with the SHA-256 of the text
 * it came from. While the file still has that text, the server reads the JSON instead of parsing
 * the YAML at start (see src/contract/document.ts). Run by `npm run generate`.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'yaml';

const root = new URL('../', import.meta.url);
const text = readFileSync(new URL('openapi/token.yaml', root), 'utf8');
const module = `/**
 * Generated from openapi/token.yaml by scripts/generate-token-document.mjs (npm run generate).
 * Do not make direct changes to the file.
 */

/** SHA-256 (hex) of the text of openapi/token.yaml that TOKEN_DOCUMENT_JSON was parsed from. */
export const TOKEN_DOCUMENT_SHA256 = '${createHash('sha256').update(text).digest('hex')}';

/** That text, parsed and serialised as JSON. */
export const TOKEN_DOCUMENT_JSON = ${JSON.stringify(JSON.stringify(parse(text)))};
`;
writeFileSync(new URL('src/generated/token-document.ts', root), module);

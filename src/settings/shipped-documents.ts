/**
 * The YAML files the package ships (the contract, the scenarios, the demo clients), parsed when
 * they are generated (npm run generate): a file whose text is exactly a shipped one is taken from
 * here rather than parsed, which was most of the start-up's YAML work. Any other text is parsed.
 */
import { createHash } from 'node:crypto';
import { SHIPPED_DOCUMENTS } from '../generated/shipped-documents.js';

/** The data of the shipped file with exactly this text; undefined for any other text. */
export function shippedDocument(text: string): unknown {
  const json = SHIPPED_DOCUMENTS[createHash('sha256').update(text).digest('hex')];
  return json === undefined ? undefined : JSON.parse(json);
}

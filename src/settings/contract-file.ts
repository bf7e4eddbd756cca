/** Reads the contract document (default: the shipped openapi/token.yaml) with one-line errors. */
import { tokenContractFrom, tokenDocumentPath, type TokenContract } from '../contract/document.js';
import { readConfigFile, yamlData } from './yaml-file.js';

export function loadTokenContract(path = tokenDocumentPath()): TokenContract {
  return tokenContractFrom(yamlData(path, readConfigFile(path, 'contract document')));
}

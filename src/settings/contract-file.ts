/** Reads the contract document (default: the shipped openapi/token.yaml) with one-line errors. */
import { tokenContractFrom, tokenDocumentPath, type TokenContract } from '../contract/document.js';
import { ContractError } from '../contract/schema.js';
import { ConfigError } from './errors.js';
import { readConfigFile, yamlData } from './yaml-file.js';

export function loadTokenContract(path = tokenDocumentPath()): TokenContract {
  const data = yamlData(path, readConfigFile(path, 'contract document'));
  try {
    return tokenContractFrom(data);
  } catch (err) {
    if (err instanceof ContractError) throw new ConfigError(path, err.place, err.problem);
    throw err;
  }
}

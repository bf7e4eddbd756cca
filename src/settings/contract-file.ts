/** Reads the contract documents (default: the shipped openapi/token.yaml) with one-line errors. */
import { byOwnEndpoint } from '../scenarios/model.js';
import { responsesContractFrom, sandboxDocumentPath, tokenContractFrom, tokenDocumentPath, type TokenContract } from '../contract/document.js';
import { ContractError } from '../contract/schema.js';
import { ConfigError } from './errors.js';
import type { ScenarioContracts } from './scenario-files.js';
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

/**
 * What scenarios of each endpoint are checked against: POST /token's (`token`, default: the
 * shipped one), and what the sandbox's own endpoints document in openapi/sandbox.yaml.
 */
export function loadScenarioContracts(token: TokenContract = loadTokenContract()): ScenarioContracts {
  const read = (file: string) => yamlData(file, readConfigFile(file, 'contract document'));
  const sandbox = read(sandboxDocumentPath());
  const tokenDocument = read(tokenDocumentPath());
  return { '/token': token, ...byOwnEndpoint((e) => responsesContractFrom(sandbox, e, tokenDocument)) };
}

/** Reads the contract documents (default: the shipped openapi/token.yaml) with one-line errors. */
import { PAR_PATH } from '../oauth/endpoints.js';
import { responsesContractFrom, sandboxDocumentPath, tokenContractFrom, tokenDocumentPath, type ResponsesContract, type TokenContract } from '../contract/document.js';
import type { ScenarioContracts } from './scenario-files.js';
import { readConfigFile, yamlData } from './yaml-file.js';

export function loadTokenContract(path = tokenDocumentPath()): TokenContract {
  return tokenContractFrom(yamlData(path, readConfigFile(path, 'contract document')));
}

/** What POST /par documents it answers (openapi/sandbox.yaml), which its scenarios are held to. */
export function loadParContract(path = sandboxDocumentPath(), tokenPath = tokenDocumentPath()): ResponsesContract {
  const read = (file: string) => yamlData(file, readConfigFile(file, 'contract document'));
  return responsesContractFrom(read(path), PAR_PATH, read(tokenPath));
}

/** What scenarios of each endpoint are checked against: `token` (default: the shipped one) and POST /par's. */
export function loadScenarioContracts(token: TokenContract = loadTokenContract()): ScenarioContracts {
  return { '/token': token, '/par': loadParContract() };
}

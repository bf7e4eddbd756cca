/**
 * The contract in force, replaceable while the sandbox runs (live reload of --contract), as the
 * scenario catalog is: a request reads `current` once and keeps that contract to its answer.
 */
import type { TokenContract } from './document.js';

export class ContractHolder {
  constructor(
    private contract: TokenContract,
    /** The document given with --contract; undefined for the shipped openapi/token.yaml. */
    readonly file?: string,
  ) {}

  get current(): TokenContract {
    return this.contract;
  }

  replace(contract: TokenContract): void {
    this.contract = contract;
  }
}

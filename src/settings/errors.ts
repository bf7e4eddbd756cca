/** A configuration mistake the operator must fix: names the file, where in it, and what is wrong. */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly where: string,
    readonly problem: string,
  ) {
    super(where ? `${file}: at ${where}: ${problem}` : `${file}: ${problem}`);
    this.name = 'ConfigError';
  }
}

/** An option (of startSandbox, createApp, the testing helpers or the CLI) that cannot work as given: the one class for them all. */
export class OptionError extends Error {
  override name = 'OptionError';

  /** The option `name` and what is wrong with it: "options: at cors: names no origin". */
  static at(name: string, problem: string): OptionError {
    return new OptionError(`options: at ${name}: ${problem}`);
  }
}

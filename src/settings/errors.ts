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

/** An option (of startSandbox, createApp or the CLI) that cannot work as given. */
export class OptionError extends Error {
  override name = 'OptionError';
}

/** A setting or config file is wrong; the message names it and says what to do. */
export class ConfigError extends Error {
  readonly code = 'config_invalid';
  override name = 'ConfigError';
}

/** No model is set for a role: the message says exactly what to set. */
export class ModelNotConfiguredError extends Error {
  readonly code = 'model_not_configured';
  override name = 'ModelNotConfiguredError';
}

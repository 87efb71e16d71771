/** Replaces secrets in text before it reaches a model, a log, an event or a message. */
export interface Redactor {
  redact(text: string): string;
  /** Redacts every string inside a JSON-like value. */
  redactValue<Value>(value: Value): Value;
}

// Values that look like secrets whoever they belong to.
const secretPatterns: RegExp[] = [
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
  /\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{20,}\b/g,
  /\bgithub_pat_[A-Za-z0-9_]{20,}\b/g,
  /\bxox[abposr]-[A-Za-z0-9-]{8,}\b/g,
  /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g,
  /\bsk-(?:ant-)?[A-Za-z0-9_-]{20,}\b/g,
  /\bAIza[0-9A-Za-z_-]{35}\b/g,
  /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\b/g,
  // user:password@ in connection strings keeps the user, drops the password.
  /(?<=\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)[^\s@/]+(?=@)/gi,
];

// Anywhere in the name: AWS_SECRET_ACCESS_KEY, STRIPE_SECRET_KEY, GOOGLE_CREDENTIALS_JSON…
const environmentSecretName = /TOKEN|SECRET|PASSWORD|PASSWD|PASSPHRASE|API_?KEY|ACCESS_KEY|PRIVATE_KEY|CREDENTIAL|DATABASE_URL|_DSN$|_KEY$|_AUTH$/i;

/** Values of environment variables whose names say they are secret. */
export function secretValuesFromEnvironment(env: NodeJS.ProcessEnv): string[] {
  return Object.entries(env)
    .filter(([name, value]) => environmentSecretName.test(name) && typeof value === 'string' && value.length >= 6)
    .map(([, value]) => value as string);
}

export function createRedactor(knownSecrets: Iterable<string>): Redactor {
  // Longest first, so a secret that contains another is replaced whole.
  const values = [...new Set([...knownSecrets].filter((value) => value.length >= 6))].sort((a, b) => b.length - a.length);
  const redact = (text: string): string => {
    let result = text;
    for (const value of values) {
      if (result.includes(value)) result = result.split(value).join('[REDACTED]');
    }
    for (const pattern of secretPatterns) result = result.replace(pattern, '[REDACTED]');
    return result;
  };
  const redactValue = <Value>(value: Value): Value => {
    if (typeof value === 'string') return redact(value) as Value;
    if (Array.isArray(value)) return value.map((item) => redactValue(item)) as Value;
    if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, redactValue(item)])) as Value;
    }
    return value;
  };
  return { redact, redactValue };
}

import { randomToken, type PlantedSecret } from './secret-fragments.ts';

const digits = '0123456789';
const upperAndDigits = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const base64Alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Secrets of the shapes real ones have, random each run so nothing matches them by chance. */
export function plantSecrets() {
  const githubToken = `ghp_${randomToken(36)}`;
  const slackToken = `xoxb-${randomToken(12, digits)}-${randomToken(13, digits)}-${randomToken(24)}`;
  const awsSecretAccessKey = randomToken(40, base64Alphabet);
  const processDatabasePassword = randomToken(24);
  const jwt = `eyJ${randomToken(17)}.eyJ${randomToken(40)}.${randomToken(43)}`;
  const awsAccessKeyId = `AKIA${randomToken(16, upperAndDigits)}`;
  const logPrivateKeyBody = randomToken(64, base64Alphabet);
  const errorDatabasePassword = randomToken(22);
  const redisPassword = randomToken(26);
  const dotEnvStripeKey = `sk_live_${randomToken(32)}`;
  const idRsaBody = randomToken(64, base64Alphabet);
  const secretsJsonKey = randomToken(32);
  const credentialsToken = randomToken(32);
  const modelApiKey = `model-key-${randomToken(24)}`;

  const values = {
    githubToken,
    slackToken,
    awsSecretAccessKey,
    processDatabaseUrl: `postgres://app_user:${processDatabasePassword}@db.internal:5432/production`,
    jwt,
    awsAccessKeyId,
    logPrivateKeyBlock: `-----BEGIN RSA PRIVATE KEY-----\n${logPrivateKeyBody}\n-----END RSA PRIVATE KEY-----`,
    errorConnectionString: `postgresql://billing:${errorDatabasePassword}@10.0.0.5:5432/billing`,
    redisUrl: `redis://:${redisPassword}@cache.internal:6379/0`,
    dotEnv: `STRIPE_SECRET_KEY=${dotEnvStripeKey}\n`,
    idRsa: `-----BEGIN OPENSSH PRIVATE KEY-----\n${idRsaBody}\n-----END OPENSSH PRIVATE KEY-----\n`,
    secretsJson: `${JSON.stringify({ apiKey: secretsJsonKey })}\n`,
    credentialsJson: `${JSON.stringify({ token: credentialsToken })}\n`,
    modelApiKey,
  };

  // What must never show, by where it was planted. Connection strings: the password is the secret.
  const secrets: (PlantedSecret & { plantedIn: string })[] = [
    { name: 'GITHUB_TOKEN', value: githubToken, plantedIn: 'process env, Mender env, error logs' },
    { name: 'SLACK_BOT_TOKEN', value: slackToken, plantedIn: 'process env, Mender env, first line of the description' },
    { name: 'AWS_SECRET_ACCESS_KEY', value: awsSecretAccessKey, plantedIn: 'process env, Mender env, error logs' },
    { name: 'DATABASE_URL password', value: processDatabasePassword, plantedIn: 'process env only' },
    { name: 'JWT', value: jwt, plantedIn: 'error stack' },
    { name: 'AWS access key id', value: awsAccessKeyId, plantedIn: 'error logs' },
    { name: 'private key in logs', value: logPrivateKeyBody, plantedIn: 'error logs' },
    { name: 'connection string password', value: errorDatabasePassword, plantedIn: 'error message' },
    { name: 'redis password', value: redisPassword, plantedIn: 'error logs (redis://:password@host)' },
    { name: '.env stripe key', value: dotEnvStripeKey, plantedIn: '.env of the checkout (git-ignored, so not in worktrees)' },
    { name: 'id_rsa', value: idRsaBody, plantedIn: 'id_rsa, committed' },
    { name: 'secrets.json', value: secretsJsonKey, plantedIn: 'secrets.json, committed' },
    { name: 'config/credentials.json', value: credentialsToken, plantedIn: 'config/credentials.json, committed' },
    { name: 'model API key', value: modelApiKey, plantedIn: 'MENDER_MODEL_API_KEY (may only travel in the authorization header)' },
  ];
  return { values, secrets };
}

export type PlantedSecrets = ReturnType<typeof plantSecrets>;

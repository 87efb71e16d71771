import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parsePolicy, PolicyError } from './parse-policy.ts';
import type { Policy } from './policy.ts';

/** The policy shipped with Mender, used when MENDER_POLICY_FILE is not set. */
export const builtInPolicyFile = fileURLToPath(new URL('./default-policy.yaml', import.meta.url));

/** Reads the policy file (or the built-in one); a file that cannot be read or used throws PolicyError. */
export function loadPolicy(file: string | undefined): Policy {
  if (!file) return parsePolicy(fs.readFileSync(builtInPolicyFile, 'utf8'), 'built-in');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new PolicyError(file, 1, `cannot read the policy file: ${(error as Error).message}; check MENDER_POLICY_FILE`);
  }
  return parsePolicy(text, file);
}

import fs from 'node:fs';
import path from 'node:path';
import { HttpError } from '../http/http-error.ts';
import type { GatePolicy } from '../policy/gate-policy.ts';
import { loadPolicy } from '../policy/load-policy.ts';
import { parsePolicy, PolicyError } from '../policy/parse-policy.ts';
import type { Policy } from '../policy/policy.ts';
import { appendAudit } from '../store/audit-log.ts';
import type { Database } from '../store/database.ts';

export interface PolicyChange {
  changed: boolean;
  oldHash: string;
  newHash: string;
}

/**
 * Changes the policy in force, from new text (written to MENDER_POLICY_FILE) or by reading the file
 * again. A policy that does not parse changes nothing; one that does replaces the old one whole, audited.
 */
export class PolicyChanges {
  // One change at a time: two writers must not interleave the file, the audit and the replace.
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly services: { db: Database; policy: GatePolicy; settings: { policyFile?: string } }) {}

  write(text: string, actor: string): Promise<PolicyChange> {
    return this.serially(async () => {
      const file = this.fileOrRefuse('change');
      const policy = parseOrRefuse(() => parsePolicy(text, file));
      // Written beside the file and renamed over it: a reader never sees half a policy.
      const partial = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.partial`);
      fs.writeFileSync(partial, text, { mode: 0o600 });
      try {
        return await this.apply(policy, actor, 'write', () => fs.renameSync(partial, file));
      } finally {
        fs.rmSync(partial, { force: true });
      }
    });
  }

  reload(actor: string): Promise<PolicyChange> {
    return this.serially(async () => {
      const file = this.fileOrRefuse('reload');
      return this.apply(
        parseOrRefuse(() => loadPolicy(file)),
        actor,
        'reload',
        () => undefined,
      );
    });
  }

  /** The audit row and the file land together (a failed rename rolls the row back); then the policy is replaced. */
  private async apply(policy: Policy, actor: string, via: 'write' | 'reload', commitFile: () => void): Promise<PolicyChange> {
    const oldHash = this.services.policy.current.hash;
    const change = { changed: oldHash !== policy.hash, oldHash, newHash: policy.hash };
    await this.services.db.transaction(async (transaction) => {
      if (change.changed)
        await appendAudit(transaction, {
          actor,
          action: 'policy.changed',
          subject: `policy:${policy.source}`,
          details: { ...change, via, rules: policy.rules.length },
        });
      commitFile();
    });
    this.services.policy.replace(policy);
    return change;
  }

  private fileOrRefuse(action: string): string {
    const file = this.services.settings.policyFile;
    if (!file)
      throw new HttpError(
        409,
        'policy_built_in',
        `the built-in policy is in force and is never written: to ${action} the policy, copy src/policy/default-policy.yaml, set MENDER_POLICY_FILE to the copy and restart`,
      );
    return file;
  }

  private serially<Result>(work: () => Promise<Result>): Promise<Result> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }
}

function parseOrRefuse(read: () => Policy): Policy {
  try {
    return read();
  } catch (error) {
    if (error instanceof PolicyError) throw new InvalidPolicyError(error);
    throw error;
  }
}

/** 400 naming the line and the problem; the error body carries both apart, for the CLI and the dashboard. */
class InvalidPolicyError extends HttpError {
  constructor(readonly policyError: PolicyError) {
    super(400, 'invalid_policy', `the policy was not changed: ${policyError.message}`);
  }

  override responseBody(): Record<string, unknown> {
    return {
      error: { code: this.code, message: this.message, source: this.policyError.source, line: this.policyError.line, problem: this.policyError.problem },
    };
  }
}

import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { EventSource } from './detected-event.ts';

export const severities = ['P0', 'P1', 'P2', 'P3', 'P4'] as const;
export type Severity = (typeof severities)[number];

const levels = ['debug', 'info', 'warning', 'error', 'fatal'] as const;
const levelRank: Record<string, number> = { debug: 0, log: 1, info: 1, warning: 2, warn: 2, error: 3, fatal: 4, critical: 4 };

const ruleSchema = z
  .object({
    name: z.string().min(1),
    severity: z.enum(severities),
    when: z
      .object({
        source: z.enum(['sentry', 'log', 'health']).optional(),
        criticalRoute: z.boolean().optional(),
        levelAtLeast: z.enum(levels).optional(),
        levelBelow: z.enum(levels).optional(),
        new: z.boolean().optional(),
        minCount5m: z.number().int().min(0).optional(),
        minCount1h: z.number().int().min(0).optional(),
        minCount24h: z.number().int().min(0).optional(),
        minUsers: z.number().int().min(0).optional(),
      })
      .strict(),
    /** Below this many distinct users a matching P0/P1 rule gives only P2 (one client, e.g. with the public DSN key, cannot raise a P1 alone). */
    requireMinUsers: z.number().int().min(1).optional(),
    /**
     * A matching P0/P1 rule gives only P2 until the issue has an event sent server-side (with the
     * project's server key, or seen by Mender's own log tails and health checks): the public key
     * ships in front-end bundles, so anyone can send events with it.
     */
    requireServerKey: z.boolean().optional(),
  })
  .strict();
export const severityRulesSchema = z.object({ $comment: z.string().optional(), rules: z.array(ruleSchema).min(1) }).strict();
export type SeverityRule = z.output<typeof ruleSchema>;

/** What the rules look at: one issue's state after its latest events were counted. */
export interface SeverityFacts {
  source: EventSource;
  level: string;
  route?: string;
  criticalRoute: boolean;
  isNew: boolean;
  count5m: number;
  count1h: number;
  count24h: number;
  users: number;
  /** Events of the issue sent server-side, this batch included. */
  serverEvents: number;
}

export interface SeverityVerdict {
  severity: Severity;
  rule: string;
}

const defaultRulesFile = fileURLToPath(new URL('./default-severity-rules.json', import.meta.url));

/** The rule list from `file` (or the defaults beside this module); a bad file is a clear error. */
export function loadSeverityRules(file: string = defaultRulesFile): SeverityRule[] {
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`severity rules ${file} cannot be read as JSON: ${(error as Error).message}`, { cause: error });
  }
  const parsed = severityRulesSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `severity rules ${file} are invalid at ${issue?.path.join('.') || '(file)'}: ${issue?.message}; see src/detect/default-severity-rules.json for the shape`,
    );
  }
  return parsed.data.rules;
}

/** First matching rule wins; with no match the issue is P3 ("no rule matched"). */
export function evaluateSeverity(rules: readonly SeverityRule[], facts: SeverityFacts): SeverityVerdict {
  for (const rule of rules) {
    if (!matches(rule, facts)) continue;
    const cap = moreSevere(rule.severity, 'P2') ? capReason(rule, facts) : undefined;
    if (cap) return { severity: 'P2', rule: `${rule.name} (capped at P2: ${cap})` };
    return { severity: rule.severity, rule: rule.name };
  }
  return { severity: 'P3', rule: 'no-rule-matched' };
}

/** Why a P0/P1 rule that matched may not give its severity yet, if it may not. */
function capReason(rule: SeverityRule, facts: SeverityFacts): string | undefined {
  if (rule.requireMinUsers !== undefined && facts.users < rule.requireMinUsers)
    return `${facts.users} of the ${rule.requireMinUsers} distinct users it requires`;
  if (rule.requireServerKey && facts.serverEvents === 0) return 'no event came with the server-side key, only the public one';
  return undefined;
}

function matches(rule: SeverityRule, facts: SeverityFacts): boolean {
  const when = rule.when;
  const rank = levelRank[facts.level] ?? 3;
  if (when.source !== undefined && when.source !== facts.source) return false;
  if (when.criticalRoute !== undefined && when.criticalRoute !== facts.criticalRoute) return false;
  if (when.levelAtLeast !== undefined && rank < levelRank[when.levelAtLeast]!) return false;
  if (when.levelBelow !== undefined && rank >= levelRank[when.levelBelow]!) return false;
  if (when.new !== undefined && when.new !== facts.isNew) return false;
  if (when.minCount5m !== undefined && facts.count5m < when.minCount5m) return false;
  if (when.minCount1h !== undefined && facts.count1h < when.minCount1h) return false;
  if (when.minCount24h !== undefined && facts.count24h < when.minCount24h) return false;
  if (when.minUsers !== undefined && facts.users < when.minUsers) return false;
  return true;
}

/** P0 is the most severe; true when `a` is more severe than `b`. */
export function moreSevere(a: Severity, b: Severity): boolean {
  return severities.indexOf(a) < severities.indexOf(b);
}

/** Turns `/checkout*`, `/api/payments/**` into a matcher; `*` stays within a path segment, `**` crosses them. */
export function createRouteMatcher(patterns: readonly string[]): (route: string | undefined) => boolean {
  const expressions = patterns.map(
    (pattern) =>
      new RegExp(
        `^${pattern
          .split('**')
          .map((piece) => piece.split('*').map(escapeRegExp).join('[^/]*'))
          .join('.*')}$`,
      ),
  );
  return (route) => !!route && expressions.some((expression) => expression.test(route));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}

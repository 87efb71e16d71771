import type { FactName, Weekday } from './policy-facts.ts';

export type PolicyOutcome = 'allow' | 'ask' | 'deny';

/** One test of one fact; every condition of a rule must hold for the rule to match. */
export type Condition =
  | { fact: FactName; test: 'one-of'; values: readonly (string | number | boolean)[] }
  | { fact: FactName; test: 'none-of'; values: readonly (string | number | boolean)[] }
  | { fact: FactName; test: 'range'; atLeast?: number; below?: number };

export interface PolicyRule {
  id: string;
  decision: PolicyOutcome;
  /** Who must approve when the decision is `ask`. */
  level?: 'team-lead' | 'admin';
  reason: string;
  when: Condition[];
  /** `business_hours`: an `ask` outside the window is decided again when the window opens. */
  recheck?: 'business_hours';
  /** Where the rule starts in its file, for explanations and errors. */
  line: number;
}

export interface BusinessHours {
  /** Minutes after local midnight. */
  start: number;
  end: number;
  days: Weekday[];
}

export interface Policy {
  rules: PolicyRule[];
  businessHours: BusinessHours;
  /** Where the text came from: a file path, or `built-in`. */
  source: string;
  /** sha256 of the text, recorded with every decision and every change of policy. */
  hash: string;
  text: string;
}

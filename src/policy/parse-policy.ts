import { createHash } from 'node:crypto';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type Pair } from 'yaml';
import { factDefinitions, isFactName, weekdays, type FactName, type Weekday } from './policy-facts.ts';
import type { BusinessHours, Condition, Policy, PolicyRule } from './policy.ts';

/** A policy file that cannot be used, with the line at fault; nothing of it is applied. */
export class PolicyError extends Error {
  constructor(
    readonly source: string,
    readonly line: number,
    readonly problem: string,
  ) {
    super(`${source}:${line}: ${problem}`);
    this.name = 'PolicyError';
  }
}

const defaultBusinessHours: BusinessHours = { start: 9 * 60, end: 18 * 60, days: ['mon', 'tue', 'wed', 'thu', 'fri'] };
const ruleKeys = new Set(['id', 'decision', 'level', 'reason', 'when', 'recheck']);

/**
 * Reads a policy (YAML): `business_hours` and an ordered list of `rules`. Every key, fact and
 * value is checked against the fact table, so a typo is an error with its line, never a rule
 * that silently never matches.
 */
export function parsePolicy(text: string, source: string): Policy {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  const lineOf = (node: Node | Pair | null | undefined): number => {
    const range = node && 'range' in node ? node.range : node && 'key' in node ? (node.key as Node | null)?.range : undefined;
    return range ? lines.linePos(range[0]).line : 1;
  };
  const fail = (node: Node | Pair | null | undefined, problem: string): never => {
    throw new PolicyError(source, lineOf(node), problem);
  };
  const firstError = document.errors[0];
  if (firstError) throw new PolicyError(source, firstError.linePos?.[0].line ?? 1, `not valid YAML: ${firstError.message.split('\n')[0]}`);
  const root = document.contents;
  if (!isMap(root)) return fail(root, 'a policy is a mapping with `rules:` (and optionally `business_hours:`)');
  let rules: PolicyRule[] | undefined;
  let businessHours = defaultBusinessHours;
  for (const pair of root.items) {
    const key = scalarText(pair.key);
    if (key === 'version') continue;
    if (key === 'business_hours') businessHours = readBusinessHours(pair.value as Node, fail);
    else if (key === 'rules') rules = readRules(pair.value as Node, fail, lineOf);
    else fail(pair, `unknown key "${key}": a policy has \`version\`, \`business_hours\` and \`rules\``);
  }
  if (!rules || rules.length === 0) return fail(root, 'the policy has no `rules:`; without rules every gate would ask the default');
  return { rules, businessHours, source, hash: createHash('sha256').update(text).digest('hex'), text };
}

type Fail = (node: Node | Pair | null | undefined, problem: string) => never;

function scalarText(node: unknown): string {
  return isScalar(node) ? String(node.value) : '';
}

function readBusinessHours(node: Node, fail: Fail): BusinessHours {
  if (!isMap(node)) return fail(node, '`business_hours` is a mapping: { start: "09:00", end: "18:00", days: [mon, tue, wed, thu, fri] }');
  const hours = { ...defaultBusinessHours };
  for (const pair of node.items) {
    const key = scalarText(pair.key);
    const value = pair.value as Node;
    if (key === 'start' || key === 'end') {
      const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(scalarText(value));
      if (!match) fail(value, `business_hours.${key} must be a time "HH:MM" (24 hours), e.g. "09:00"`);
      hours[key] = Number(match![1]) * 60 + Number(match![2]);
    } else if (key === 'days') {
      if (!isSeq(value)) fail(value, `business_hours.days is a list of ${weekdays.join(', ')}`);
      hours.days = (value as unknown as { items: Node[] }).items.map((item) => {
        const day = scalarText(item);
        if (!(weekdays as readonly string[]).includes(day)) fail(item, `"${day}" is not a weekday: use ${weekdays.join(', ')}`);
        return day as Weekday;
      });
    } else fail(pair, `unknown key business_hours.${key}: use start, end and days`);
  }
  if (hours.end <= hours.start) fail(node, 'business_hours.end must be after business_hours.start');
  return hours;
}

function readRules(node: Node, fail: Fail, lineOf: (node: Node | Pair) => number): PolicyRule[] {
  if (!isSeq(node)) return fail(node, '`rules` is a list of rules, each `- id: …`');
  const seen = new Set<string>();
  return node.items.map((item) => {
    const ruleNode = item as Node;
    if (!isMap(ruleNode)) return fail(ruleNode, 'a rule is a mapping with id, decision, reason and when');
    const fields = new Map(ruleNode.items.map((pair) => [scalarText(pair.key), pair]));
    for (const [key, pair] of fields) if (!ruleKeys.has(key)) fail(pair, `unknown rule key "${key}": a rule has ${[...ruleKeys].join(', ')}`);
    const text = (key: string): string | undefined => {
      const pair = fields.get(key);
      if (!pair) return undefined;
      if (!isScalar(pair.value) || typeof pair.value.value !== 'string' || pair.value.value.trim() === '') fail(pair, `rule ${key} must be a non-empty text`);
      return String((pair.value as { value: string }).value);
    };
    const id = text('id') ?? fail(ruleNode, 'a rule needs an `id`');
    if (!/^[a-z0-9][a-z0-9-]*$/.test(id)) fail(fields.get('id'), `rule id "${id}" must be lower-case letters, digits and dashes`);
    if (seen.has(id)) fail(fields.get('id'), `rule id "${id}" is used twice; ids name rules in decisions and must be unique`);
    seen.add(id);
    const decision = text('decision') ?? fail(ruleNode, `rule ${id} needs a \`decision\`: allow, ask or deny`);
    if (decision !== 'allow' && decision !== 'ask' && decision !== 'deny')
      fail(fields.get('decision'), `rule ${id}: decision "${decision}" is not allow, ask or deny`);
    const level = text('level');
    if (decision === 'ask' && level !== 'team-lead' && level !== 'admin')
      fail(fields.get('level') ?? ruleNode, `rule ${id} asks a person: give \`level: team-lead\` or \`level: admin\``);
    if (decision !== 'ask' && level !== undefined) fail(fields.get('level'), `rule ${id}: \`level\` belongs to ask rules only`);
    const reason = text('reason') ?? fail(ruleNode, `rule ${id} needs a \`reason\`: people read it on the approval`);
    const recheck = text('recheck');
    if (recheck !== undefined && (recheck !== 'business_hours' || decision !== 'ask'))
      fail(fields.get('recheck'), `rule ${id}: recheck can only be "business_hours", on an ask rule`);
    const whenPair = fields.get('when');
    if (!whenPair || !isMap(whenPair.value)) return fail(whenPair ?? ruleNode, `rule ${id} needs \`when:\`, a mapping of facts to match (at least \`gate\`)`);
    const when = (whenPair.value as unknown as { items: Pair[] }).items.map((pair) => readCondition(pair, id, fail));
    return {
      id,
      decision: decision as PolicyRule['decision'],
      level: level as PolicyRule['level'],
      reason,
      when,
      recheck: recheck as PolicyRule['recheck'],
      line: lineOf(ruleNode),
    };
  });
}

type ScalarValue = string | number | boolean;

function readCondition(pair: Pair, ruleId: string, fail: Fail): Condition {
  const name = scalarText(pair.key);
  if (!isFactName(name)) return fail(pair, `rule ${ruleId}: unknown fact "${name}"; the facts are listed in docs/policy.md`);
  const fact: FactName = name;
  const value = pair.value as Node;
  if (isMap(value)) {
    const condition: { atLeast?: number; below?: number } = {};
    for (const inner of value.items) {
      const key = scalarText(inner.key);
      if (key === 'not') return { fact, test: 'none-of', values: listOf(inner.value as Node, fact, ruleId, fail) };
      if (key !== 'at_least' && key !== 'below') fail(inner, `rule ${ruleId}: ${fact} takes a value, a list, { not: … }, or { at_least: n, below: n }`);
      if (factDefinitions[fact].type.kind !== 'number') fail(inner, `rule ${ruleId}: ${fact} is not a number; at_least and below compare numbers`);
      const number = isScalar(inner.value) ? inner.value.value : undefined;
      if (typeof number !== 'number') fail(inner, `rule ${ruleId}: ${fact}.${key} must be a number`);
      condition[key === 'at_least' ? 'atLeast' : 'below'] = number as number;
    }
    return { fact, test: 'range', ...condition };
  }
  return { fact, test: 'one-of', values: listOf(value, fact, ruleId, fail) };
}

function listOf(node: Node, fact: FactName, ruleId: string, fail: Fail): ScalarValue[] {
  const items = isSeq(node) ? (node.items as Node[]) : [node];
  if (items.length === 0) fail(node, `rule ${ruleId}: ${fact} lists no value, so the rule could never match`);
  return items.map((item) => {
    if (!isScalar(item)) return fail(item, `rule ${ruleId}: ${fact} takes plain values`);
    return checkValue(item.value, fact, ruleId, (problem) => fail(item, problem));
  });
}

function checkValue(value: unknown, fact: FactName, ruleId: string, fail: (problem: string) => never): ScalarValue {
  const type = factDefinitions[fact].type;
  switch (type.kind) {
    case 'number':
      if (typeof value !== 'number') fail(`rule ${ruleId}: ${fact} is a number, not "${String(value)}"`);
      break;
    case 'boolean':
      if (typeof value !== 'boolean') fail(`rule ${ruleId}: ${fact} is true or false, not "${String(value)}"`);
      break;
    case 'enum':
    case 'enum-list':
      if (!(type.values as readonly string[]).includes(String(value)))
        fail(`rule ${ruleId}: "${String(value)}" is not a value of ${fact} (${type.values.join(', ')})`);
      break;
    default:
      if (typeof value !== 'string') fail(`rule ${ruleId}: ${fact} is text, not ${String(value)}`);
  }
  return value as ScalarValue;
}

import type { ApprovalLevel } from '../domain/approval-level.ts';

export type RiskLevel = 'low' | 'medium' | 'high' | 'critical';
export type ChangeCategory =
  'dependencies' | 'schema' | 'public-api' | 'auth-security' | 'billing' | 'ci-deploy' | 'tests-only' | 'docs-only' | 'formatting-only' | 'source';

export interface FileChange {
  path: string;
  insertions: number;
  deletions: number;
  status: 'added' | 'modified' | 'deleted' | 'renamed';
  isTest: boolean;
}

export interface RiskInput {
  files: FileChange[];
  /** The unified diff, to see exported signatures and dependency lines. */
  diff: string;
  /** True when the diff is empty ignoring whitespace: a formatting-only change. */
  whitespaceOnly: boolean;
  /** Pipeline flags: deleted or weakened tests, tests edited after the source. */
  tamperingFlags: string[];
  reviewFindings: { severity: string; category: string; message: string }[];
  /** Protected glob per protected path touched. */
  protectedHits: { path: string; pattern: string }[];
}

export interface RiskAssessment {
  level: RiskLevel;
  requiredApproval: ApprovalLevel;
  reasons: string[];
  categories: ChangeCategory[];
  linesChanged: number;
  /** True when every condition for an automatic pass holds (autonomy decides whether it is used). */
  autoEligible: boolean;
}

const categoryPatterns: [ChangeCategory, RegExp][] = [
  [
    'dependencies',
    /(^|\/)(package\.json|package-lock\.json|npm-shrinkwrap\.json|pnpm-lock\.yaml|yarn\.lock|requirements[^/]*\.txt|Pipfile(\.lock)?|poetry\.lock|pyproject\.toml|go\.(mod|sum)|Cargo\.(toml|lock)|Gemfile(\.lock)?)$/,
  ],
  ['schema', /(^|\/)(migrations?|migrate)\/|\.sql$|schema\.prisma$|(^|\/)drizzle\//],
  ['auth-security', /auth|login|session|password|crypto|permission|security|oauth|jwt|token/i],
  ['billing', /billing|payment|invoice|subscription|stripe|checkout/i],
  ['ci-deploy', /^\.github\/workflows\/|^\.gitlab-ci\.yml$|^\.circleci\/|Jenkinsfile$|Dockerfile$|docker-compose[^/]*\.ya?ml$|^(k8s|helm|deploy|terraform)\//],
];

const docsPattern = /\.(md|mdx|rst|txt|adoc)$|(^|\/)docs?\//i;
const severityRank: Record<string, number> = { info: 0, minor: 1, major: 2, critical: 3 };

/**
 * Assesses a verified change from its diff and evidence: a risk level with reasons, and the
 * approval level it needs. Policy is data here: each rule adds a reason and raises the level.
 */
export function assessRisk(input: RiskInput): RiskAssessment {
  const reasons: string[] = [];
  const categories = new Set<ChangeCategory>();
  let level = 'low' as RiskLevel;
  const raise = (to: RiskLevel, reason: string) => {
    const order: RiskLevel[] = ['low', 'medium', 'high', 'critical'];
    if (order.indexOf(to) > order.indexOf(level)) level = to;
    reasons.push(reason);
  };
  const linesChanged = input.files.reduce((sum, file) => sum + file.insertions + file.deletions, 0);

  for (const file of input.files) {
    for (const [category, pattern] of categoryPatterns) {
      if (file.isTest && category !== 'ci-deploy') continue;
      if (pattern.test(file.path)) categories.add(category);
    }
  }
  const newDependency = addsDependency(input.diff);
  if (newDependency) raise('high', `adds a dependency (${newDependency})`);
  else if (categories.has('dependencies')) raise('medium', 'changes dependency manifests or lockfiles');
  if (categories.has('schema')) raise('high', 'changes the database schema or migrations');
  if (categories.has('auth-security')) raise('high', 'touches authentication or security code');
  if (categories.has('billing')) raise('high', 'touches billing or payment code');
  if (categories.has('ci-deploy')) raise('high', 'changes CI or deployment configuration');
  if (changesExportedApi(input.diff)) {
    categories.add('public-api');
    raise('medium', 'changes exported (public) declarations');
  }
  const allTests = input.files.length > 0 && input.files.every((file) => file.isTest);
  const allDocs = input.files.length > 0 && input.files.every((file) => docsPattern.test(file.path));
  if (allTests) categories.add('tests-only');
  if (allDocs) categories.add('docs-only');
  if (input.whitespaceOnly) categories.add('formatting-only');
  if (!allTests && !allDocs && !input.whitespaceOnly) categories.add('source');

  if (linesChanged > 300) raise('high', `${linesChanged} lines changed`);
  else if (linesChanged > 50) raise('medium', `${linesChanged} lines changed`);
  for (const hit of input.protectedHits) raise('high', `changes protected path ${hit.path} (${hit.pattern})`);
  for (const flag of input.tamperingFlags) raise('critical', `test tampering: ${flag}`);
  for (const finding of input.reviewFindings) {
    const rank = severityRank[finding.severity] ?? 0;
    if (finding.category === 'security' && rank >= 2) raise('critical', `reviewer: security ${finding.severity}: ${finding.message}`);
    else if (rank >= 3) raise('high', `reviewer: ${finding.severity} ${finding.category}: ${finding.message}`);
    else if (rank >= 2) raise('medium', `reviewer: ${finding.severity} ${finding.category}: ${finding.message}`);
  }
  if (reasons.length === 0) reasons.push(`${linesChanged} lines in ${input.files.length} file(s), no sensitive area`);

  const autoEligible =
    linesChanged < 20 &&
    !newDependency &&
    !categories.has('schema') &&
    !categories.has('public-api') &&
    input.protectedHits.length === 0 &&
    input.tamperingFlags.length === 0 &&
    (allTests || input.whitespaceOnly) &&
    level === 'low';
  const requiredApproval: ApprovalLevel =
    input.tamperingFlags.length > 0
      ? 'manual-only'
      : level === 'critical' || level === 'high' || input.protectedHits.length > 0
        ? 'admin'
        : autoEligible
          ? 'auto'
          : 'team-lead';
  return { level, requiredApproval, reasons, categories: [...categories], linesChanged, autoEligible };
}

/** The name of a dependency the diff adds to package.json, if any. */
function addsDependency(diff: string): string | undefined {
  let inManifest = false;
  let inDependencies = false;
  for (const line of diff.split('\n')) {
    if (line.startsWith('+++ ')) {
      inManifest = /(^|\/)package\.json$/.test(line.slice(4).trim());
      inDependencies = false;
      continue;
    }
    if (!inManifest) continue;
    if (/"(dev|peer|optional)?[dD]ependencies"\s*:/.test(line)) inDependencies = true;
    else if (/^[ +-]\s*}/.test(line)) inDependencies = false;
    const added = /^\+\s*"([^"]+)"\s*:\s*"[^"]*"/.exec(line);
    if (inDependencies && added?.[1]) return added[1];
  }
  return undefined;
}

function changesExportedApi(diff: string): boolean {
  let inTest = false;
  for (const line of diff.split('\n')) {
    if (line.startsWith('+++ ') || line.startsWith('--- ')) {
      inTest = /(^|\/)(test|tests|__tests__)\/|\.(test|spec)\./.test(line);
      continue;
    }
    if (!inTest && /^[+-]\s*export\s+(default\s+)?(async\s+)?(function|class|const|let|interface|type|enum)\b/.test(line)) return true;
  }
  return false;
}

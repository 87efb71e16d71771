import { globToRegularExpression } from './path-policy.ts';

/** Paths whose change needs an admin (or is refused), whatever the diff says otherwise. */
export const defaultProtectedPaths: readonly string[] = [
  '**/migrations/**',
  '**/migrate/**',
  '**/*.sql',
  '**/schema.prisma',
  '**/auth/**',
  '**/*auth*.*',
  '**/billing/**',
  '**/payment*/**',
  '**/*payment*.*',
  '**/webhooks/**',
  '.github/workflows/**',
  '.gitlab-ci.yml',
  '.circleci/**',
  'Jenkinsfile',
  '**/Dockerfile',
  '**/docker-compose*.yml',
  'k8s/**',
  'helm/**',
  'deploy/**',
  'terraform/**',
  // Dependencies: a new or changed package runs code at install and build time.
  '**/package.json',
  '**/package-lock.json',
  '**/npm-shrinkwrap.json',
  '**/pnpm-lock.yaml',
  '**/yarn.lock',
  '**/bun.lockb',
  '**/requirements*.txt',
  '**/Pipfile.lock',
  '**/poetry.lock',
  '**/go.mod',
  '**/go.sum',
  '**/Cargo.toml',
  '**/Cargo.lock',
  '**/Gemfile.lock',
  // Platform deploy configuration.
  'vercel.json',
  'railway.json',
  'railway.toml',
  'fly.toml',
  'Procfile',
  'netlify.toml',
  'render.yaml',
  'app.yaml',
  '**/.env',
  '**/.env.*',
  'mender.config.json',
  '.mender/**',
];

/** Matches repository-relative paths against protected globs. */
export function createProtectedPathMatcher(patterns: readonly string[] = defaultProtectedPaths): (relativePath: string) => string | undefined {
  const compiled = patterns.map((pattern) => ({ pattern, expression: globToRegularExpression(pattern) }));
  return (relativePath) => {
    const normalized = relativePath.replace(/^\.\//, '');
    return compiled.find(({ expression }) => expression.test(normalized))?.pattern;
  };
}

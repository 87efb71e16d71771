import { execFileSync, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A GitHub repository the fake serves, backed by a real bare git repository. */
export interface FakeRepository {
  bare: string;
  defaultBranch: string;
}

export interface FakeGitHubOptions {
  /** "owner/name" → bare repository. */
  repositories: Record<string, FakeRepository>;
  /** Personal access tokens the fake accepts. */
  tokens?: string[];
  /** A GitHub App: JWTs signed with its private key (verified with this public key) get installation tokens. */
  app?: { id: number; slug: string; installationId: number; publicKey: crypto.KeyObject | string };
  /** login → permission on every repository (`admin | maintain | write | triage | read`); others have none. */
  permissions?: Record<string, string>;
  /** Login of the token's owner (GET /user). */
  tokenLogin?: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  authorization?: string;
  body: unknown;
}

export interface FakePullRequest {
  repository: string;
  number: number;
  nodeId: string;
  title: string;
  body: string;
  head: string;
  base: string;
  draft: boolean;
  state: 'open' | 'closed';
  merged: boolean;
  mergeCommit?: string;
  /** Draft flags in the order they were set (true when opened as a draft). */
  draftHistory: boolean[];
}

export interface FakeComment {
  repository: string;
  issueNumber: number;
  body: string;
  user: string;
}

export interface FakeGitHub {
  url: string;
  requests: RecordedRequest[];
  pullRequests: FakePullRequest[];
  comments: FakeComment[];
  /** Installation tokens handed out (newest last). */
  issuedTokens: string[];
  /** Opens an issue (issue and pull request numbers are shared, as on GitHub). */
  createIssue(repository: string, issue: { title: string; body: string }): number;
  commentsOn(repository: string, issueNumber: number): FakeComment[];
  /** Delay, in ms, of every answer to requests whose path matches (to make GitHub slow). */
  slowDown(pattern: RegExp, delayMs: number): void;
  /** The next `count` requests whose path matches answer 502 (GitHub having a bad moment). */
  failNext(pattern: RegExp, count: number): void;
  close(): Promise<void>;
}

class HttpFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const git = (bare: string, args: string[], env: Record<string, string> = {}) =>
  execFileSync('git', args, { cwd: bare, encoding: 'utf8', env: { ...process.env, ...env } }).trim();
const gitStatus = (bare: string, args: string[]) => spawnSync('git', args, { cwd: bare, encoding: 'utf8' });

function verifyJwt(token: string, publicKey: crypto.KeyObject | string, appId: number): boolean {
  const [header, payload, signature] = token.split('.');
  if (!header || !payload || !signature) return false;
  const valid = crypto.verify('RSA-SHA256', Buffer.from(`${header}.${payload}`), publicKey, Buffer.from(signature, 'base64url'));
  if (!valid) return false;
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { iss?: number | string; exp?: number };
  return String(claims.iss) === String(appId) && (claims.exp ?? 0) * 1000 > Date.now();
}

/**
 * A loopback GitHub REST (and the two GraphQL mutations Mender uses) for Octokit: pull requests
 * whose merges are real git merges in a bare repository, issue comments, collaborator permissions,
 * token and GitHub App authentication. Every request is recorded.
 */
export async function startFakeGitHub(options: FakeGitHubOptions): Promise<FakeGitHub> {
  const requests: RecordedRequest[] = [];
  const pullRequests: FakePullRequest[] = [];
  const comments: FakeComment[] = [];
  const issuedTokens: string[] = [];
  const issues = new Map<string, { title: string; body: string }>();
  const delays: { pattern: RegExp; delayMs: number }[] = [];
  const failures: { pattern: RegExp; remaining: number }[] = [];
  let nextNumber = 100;
  let nextCommentId = 5000;

  const repositoryOf = (owner: string, name: string): [string, FakeRepository] => {
    const key = Object.keys(options.repositories).find((candidate) => candidate.toLowerCase() === `${owner}/${name}`.toLowerCase());
    if (!key) throw new HttpFailure(404, 'Not Found');
    return [key, options.repositories[key]!];
  };
  const pullRequestOf = (repository: string, number: number) => {
    const found = pullRequests.find((pull) => pull.repository === repository && pull.number === number);
    if (!found) throw new HttpFailure(404, 'Not Found');
    return found;
  };
  const branchHead = (bare: string, branch: string): string | undefined => {
    const result = gitStatus(bare, ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}^{commit}`]);
    return result.status === 0 ? result.stdout.trim() : undefined;
  };
  const pullView = (pull: FakePullRequest, bare: string) => ({
    number: pull.number,
    node_id: pull.nodeId,
    html_url: `https://github.com/${pull.repository}/pull/${pull.number}`,
    title: pull.title,
    body: pull.body,
    draft: pull.draft,
    state: pull.state,
    merged: pull.merged,
    merge_commit_sha: pull.mergeCommit ?? null,
    head: { ref: pull.head, sha: branchHead(bare, pull.head) ?? null },
    base: { ref: pull.base },
  });

  function authenticate(request: http.IncomingMessage, path: string): void {
    const header = request.headers.authorization ?? '';
    const [scheme, credential] = header.split(' ');
    if (path.startsWith('/app')) {
      if (!options.app || scheme?.toLowerCase() !== 'bearer' || !credential || !verifyJwt(credential, options.app.publicKey, options.app.id))
        throw new HttpFailure(401, 'A JSON web token could not be decoded');
      return;
    }
    if (!credential || !['token', 'bearer'].includes(scheme?.toLowerCase() ?? '')) throw new HttpFailure(401, 'Requires authentication');
    if (!(options.tokens ?? []).includes(credential) && !issuedTokens.includes(credential)) throw new HttpFailure(401, 'Bad credentials');
  }

  function merge(bare: string, pull: FakePullRequest, method: string, title: string | undefined, message: string | undefined): string {
    const tip = branchHead(bare, pull.base)!;
    const head = branchHead(bare, pull.head);
    if (!head) throw new HttpFailure(422, 'Head branch does not exist');
    let result: string;
    if (method === 'rebase') {
      if (gitStatus(bare, ['merge-base', '--is-ancestor', tip, head]).status !== 0) throw new HttpFailure(405, "This branch can't be rebased");
      result = tip;
      for (const commit of git(bare, ['rev-list', '--reverse', `${tip}..${head}`])
        .split('\n')
        .filter(Boolean)) {
        const [authorName, authorEmail, authorDate] = git(bare, ['log', '-1', '--format=%an%x00%ae%x00%aI', commit]).split('\0');
        result = git(bare, ['commit-tree', `${commit}^{tree}`, '-p', result, '-m', git(bare, ['log', '-1', '--format=%B', commit])], {
          GIT_AUTHOR_NAME: authorName!,
          GIT_AUTHOR_EMAIL: authorEmail!,
          GIT_AUTHOR_DATE: authorDate!,
          GIT_COMMITTER_NAME: 'GitHub',
          GIT_COMMITTER_EMAIL: 'noreply@github.com',
        });
      }
    } else {
      const tree = gitStatus(bare, ['merge-tree', '--write-tree', tip, head]);
      if (tree.status !== 0) throw new HttpFailure(405, 'Pull Request is not mergeable');
      const treeId = tree.stdout.trim().split('\n')[0]!;
      const text = `${title ?? `Merge pull request #${pull.number}`}${message ? `\n\n${message}` : ''}`;
      const parents = method === 'squash' ? ['-p', tip] : ['-p', tip, '-p', head];
      result = git(bare, ['commit-tree', treeId, ...parents, '-m', text], {
        GIT_AUTHOR_NAME: 'GitHub',
        GIT_AUTHOR_EMAIL: 'noreply@github.com',
        GIT_COMMITTER_NAME: 'GitHub',
        GIT_COMMITTER_EMAIL: 'noreply@github.com',
      });
    }
    git(bare, ['update-ref', `refs/heads/${pull.base}`, result, tip]);
    return result;
  }

  async function route(request: http.IncomingMessage, path: string, body: Record<string, any>): Promise<[number, unknown]> {
    const method = request.method ?? 'GET';
    let match: RegExpMatchArray | null;
    const failure = failures.find((entry) => entry.remaining > 0 && entry.pattern.test(path));
    if (failure) {
      failure.remaining -= 1;
      throw new HttpFailure(502, 'Server Error');
    }
    authenticate(request, path);
    if (method === 'GET' && path === '/user') return [200, { login: options.tokenLogin ?? 'mender-bot', type: 'User' }];
    if (method === 'GET' && path === '/app') return [200, { id: options.app!.id, slug: options.app!.slug }];
    if (method === 'POST' && (match = path.match(/^\/app\/installations\/(\d+)\/access_tokens$/))) {
      if (Number(match[1]) !== options.app!.installationId) throw new HttpFailure(404, 'Not Found');
      const token = `ghs_${crypto
        .randomBytes(27)
        .toString('base64url')
        .replace(/[^A-Za-z0-9]/g, 'x')
        .slice(0, 36)}`;
      issuedTokens.push(token);
      return [
        201,
        {
          token,
          expires_at: new Date(Date.now() + 3_600_000).toISOString(),
          permissions: { contents: 'write', pull_requests: 'write', issues: 'write' },
          repository_selection: 'all',
        },
      ];
    }
    if (method === 'POST' && path === '/graphql') {
      const query = String(body.query ?? '');
      const id = String(body.variables?.id ?? '');
      const pull = pullRequests.find((candidate) => candidate.nodeId === id);
      if (!pull) return [200, { data: null, errors: [{ type: 'NOT_FOUND', message: `Could not resolve to a node with the global id of '${id}'` }] }];
      if (query.includes('markPullRequestReadyForReview')) {
        pull.draft = false;
        pull.draftHistory.push(false);
        return [200, { data: { markPullRequestReadyForReview: { pullRequest: { isDraft: false } } } }];
      }
      if (query.includes('convertPullRequestToDraft')) {
        pull.draft = true;
        pull.draftHistory.push(true);
        return [200, { data: { convertPullRequestToDraft: { pullRequest: { isDraft: true } } } }];
      }
      return [200, { data: null, errors: [{ message: 'the fake knows markPullRequestReadyForReview and convertPullRequestToDraft only' }] }];
    }
    if (!(match = path.match(/^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/))) throw new HttpFailure(404, 'Not Found');
    const [key, repository] = repositoryOf(decodeURIComponent(match[1]!), decodeURIComponent(match[2]!));
    const rest = match[3] ?? '';
    if (method === 'GET' && rest === '') return [200, { full_name: key, name: key.split('/')[1], default_branch: repository.defaultBranch, private: true }];
    if ((match = rest.match(/^\/collaborators\/([^/]+)\/permission$/)) && method === 'GET') {
      const login = decodeURIComponent(match[1]!);
      const permission = options.permissions?.[login] ?? 'none';
      const legacy = permission === 'maintain' ? 'write' : permission === 'triage' ? 'read' : permission;
      return [200, { permission: legacy, role_name: permission, user: { login } }];
    }
    if (rest === '/pulls' && method === 'POST') {
      const head = String(body.head ?? '');
      const base = String(body.base ?? '');
      if (!branchHead(repository.bare, head)) throw new HttpFailure(422, `Validation Failed: head ${head} does not exist`);
      if (!branchHead(repository.bare, base)) throw new HttpFailure(422, `Validation Failed: base ${base} does not exist`);
      if (pullRequests.some((pull) => pull.repository === key && pull.head === head && pull.state === 'open'))
        throw new HttpFailure(422, `A pull request already exists for ${head}`);
      const draft = body.draft === true;
      const pull: FakePullRequest = {
        repository: key,
        number: nextNumber++,
        nodeId: `PR_kw${crypto.randomBytes(6).toString('hex')}`,
        title: String(body.title ?? ''),
        body: String(body.body ?? ''),
        head,
        base,
        draft,
        state: 'open',
        merged: false,
        draftHistory: [draft],
      };
      if (pull.body.length > 65_536) throw new HttpFailure(422, 'Validation Failed: body is too long (maximum is 65536 characters)');
      pullRequests.push(pull);
      return [201, pullView(pull, repository.bare)];
    }
    if ((match = rest.match(/^\/pulls\/(\d+)$/))) {
      const pull = pullRequestOf(key, Number(match[1]));
      if (method === 'GET') return [200, pullView(pull, repository.bare)];
      if (method === 'PATCH') {
        if (typeof body.body === 'string') {
          if (body.body.length > 65_536) throw new HttpFailure(422, 'Validation Failed: body is too long (maximum is 65536 characters)');
          pull.body = body.body;
        }
        if (typeof body.title === 'string') pull.title = body.title;
        if (body.state === 'closed' || body.state === 'open') pull.state = body.state;
        return [200, pullView(pull, repository.bare)];
      }
    }
    if ((match = rest.match(/^\/pulls\/(\d+)\/merge$/)) && method === 'PUT') {
      const pull = pullRequestOf(key, Number(match[1]));
      if (pull.state !== 'open' || pull.merged) throw new HttpFailure(405, 'Pull Request is not open');
      if (pull.draft) throw new HttpFailure(405, 'Pull Request is still a draft');
      if (body.sha && body.sha !== branchHead(repository.bare, pull.head))
        throw new HttpFailure(409, 'Head branch was modified. Review and try the merge again.');
      const mergeMethod = String(body.merge_method ?? 'merge');
      if (!['merge', 'squash', 'rebase'].includes(mergeMethod)) throw new HttpFailure(422, `Invalid merge_method ${mergeMethod}`);
      const sha = merge(repository.bare, pull, mergeMethod, body.commit_title, body.commit_message);
      Object.assign(pull, { merged: true, state: 'closed', mergeCommit: sha });
      return [200, { sha, merged: true, message: 'Pull Request successfully merged' }];
    }
    if ((match = rest.match(/^\/issues\/(\d+)\/comments$/)) && method === 'POST') {
      const issueNumber = Number(match[1]);
      if (!issues.has(`${key}#${issueNumber}`) && !pullRequests.some((pull) => pull.repository === key && pull.number === issueNumber))
        throw new HttpFailure(404, 'Not Found');
      if (String(body.body ?? '').length > 65_536) throw new HttpFailure(422, 'Validation Failed: body is too long (maximum is 65536 characters)');
      const user = request.headers.authorization?.includes('ghs_') ? `${options.app?.slug ?? 'app'}[bot]` : (options.tokenLogin ?? 'mender-bot');
      comments.push({ repository: key, issueNumber, body: String(body.body ?? ''), user });
      const id = nextCommentId++;
      return [201, { id, body: body.body, html_url: `https://github.com/${key}/issues/${issueNumber}#issuecomment-${id}`, user: { login: user } }];
    }
    throw new HttpFailure(404, `Not Found (the fake does not serve ${method} ${path})`);
  }

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = new URL(request.url ?? '/', 'http://fake').pathname;
      const text = Buffer.concat(chunks).toString('utf8');
      let body: Record<string, any> = {};
      try {
        body = text ? (JSON.parse(text) as Record<string, any>) : {};
      } catch {
        body = {};
      }
      requests.push({ method: request.method ?? 'GET', path, authorization: request.headers.authorization, body });
      const delay = delays.find((entry) => entry.pattern.test(path))?.delayMs ?? 0;
      setTimeout(() => {
        route(request, path, body).then(
          ([status, payload]) => {
            response.writeHead(status, { 'content-type': 'application/json' });
            response.end(JSON.stringify(payload));
          },
          (error: unknown) => {
            const status = error instanceof HttpFailure ? error.status : 500;
            response.writeHead(status, { 'content-type': 'application/json' });
            response.end(JSON.stringify({ message: (error as Error).message, documentation_url: 'https://docs.github.com/rest' }));
          },
        );
      }, delay);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    pullRequests,
    comments,
    issuedTokens,
    createIssue(repository, issue) {
      const number = nextNumber++;
      issues.set(`${repository}#${number}`, issue);
      return number;
    },
    commentsOn: (repository, issueNumber) => comments.filter((comment) => comment.repository === repository && comment.issueNumber === issueNumber),
    slowDown(pattern, delayMs) {
      delays.push({ pattern, delayMs });
    },
    failNext(pattern, count) {
      failures.push({ pattern, remaining: count });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

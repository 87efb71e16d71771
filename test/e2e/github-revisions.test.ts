import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roleScript } from '../fakes/scripted-model-server.ts';
import { countAssistantTurns } from '../fakes/conversation-inspection.ts';
import { coderReplies, plannerReplies, reviewerReplies } from '../support/scripted-roles.ts';
import { buggyCart, fixedCart } from '../support/target-repository.ts';
import { repositoryName, startGitHubPipeline, type GitHubPipeline } from '../support/github-pipeline.ts';
import { eventually } from '../support/eventually.ts';

const feedback = 'Name the quantity in the doc comment.';
const revised = fixedCart.replace('/** Total price', '/** Total price (price × quantity)');

describe('revisions and rollback on GitHub (merge commits)', () => {
  let pipeline: GitHubPipeline;

  beforeAll(async () => {
    const first = coderReplies();
    pipeline = await startGitHubPipeline(
      roleScript({
        planner: plannerReplies,
        reviewer: reviewerReplies,
        coder: (request) => {
          const turn = countAssistantTurns(request.body);
          if (!JSON.stringify(request.body).includes(feedback)) return first[turn] ?? { text: 'done' };
          return (
            [
              { toolCalls: [{ name: 'filesystem__writeFile', arguments: { path: 'src/cart.ts', content: revised } }] },
              { toolCalls: [{ name: 'finish', arguments: { summary: 'Doc comment names the quantity.' } }] },
            ][turn] ?? { text: 'done' }
          );
        },
      }),
      { env: { MENDER_GITHUB_MERGE_METHOD: 'merge' } },
    );
  });
  afterAll(async () => {
    await pipeline?.close();
  });

  it('puts the pull request back to draft on requested changes, ready again with the revision; merges with a merge commit; rolls it back', async () => {
    const { mender, github, remote } = pipeline;
    const initialMain = remote.head('main');
    const id = (await mender.call('POST', '/api/operations', { type: 'fix', description: 'total() ignores quantity', repo: 'cart' })).json.id;
    const proposed = await mender.waitForStatus(id, ['awaiting_approval', 'failed']);
    expect(proposed.status).toBe('awaiting_approval');
    const pull = github.pullRequests.find((candidate) => candidate.head === proposed.branch)!;
    expect(pull.draftHistory).toEqual([true, false]);

    await mender.call('POST', `/api/operations/${id}/request-changes`, { comment: feedback });
    await eventually(
      () => pull.draft,
      (draft) => draft,
      'the pull request back to draft',
    );
    const revision = await mender.waitForStatus(id, ['awaiting_approval', 'failed'], 90_000);
    expect(revision.status).toBe('awaiting_approval');
    expect(revision.headCommit).not.toBe(proposed.headCommit);
    // Same pull request, updated: the remote branch holds the revision and it is ready again.
    expect(github.pullRequests.filter((candidate) => candidate.head === proposed.branch)).toHaveLength(1);
    expect(remote.head(proposed.branch)).toBe(revision.headCommit);
    expect(pull.draftHistory).toEqual([true, false, true, false]);
    expect(github.commentsOn(repositoryName, pull.number).some((comment) => comment.body.includes(`Changes requested by admin: ${feedback}`))).toBe(true);

    await mender.call('POST', `/api/operations/${id}/approve`);
    const merged = await mender.waitForStatus(id, ['done', 'failed']);
    expect(merged.status).toBe('done');
    // A merge commit: first parent the old main, second the verified head.
    expect(remote.git('rev-parse', 'main^1')).toBe(initialMain);
    expect(remote.git('rev-parse', 'main^2')).toBe(revision.headCommit);
    expect(remote.git('show', 'main:src/cart.ts')).toBe(revised.trim());

    const rollback = await mender.call('POST', `/api/operations/${id}/rollback`, { comment: 'customers rely on the old totals' });
    expect(rollback.status).toBe(201);
    const reverting = await mender.waitForStatus(rollback.json.id, ['awaiting_approval', 'failed']);
    expect(reverting.status).toBe('awaiting_approval');
    const revertPull = github.pullRequests.find((candidate) => candidate.head === reverting.branch)!;
    expect(revertPull.title).toBe(`Roll back operation ${id}`);
    await mender.call('POST', `/api/operations/${rollback.json.id}/approve`);
    expect((await mender.waitForStatus(rollback.json.id, ['done', 'failed'])).status).toBe('done');
    expect((await mender.call('GET', `/api/operations/${id}`)).json.status).toBe('rolled_back');
    expect(remote.git('show', 'main:src/cart.ts')).toBe(buggyCart.trim());
    await eventually(
      () => github.commentsOn(repositoryName, pull.number).map((comment) => comment.body),
      (bodies) => bodies.some((body) => body.includes(`Rolled back by operation \`${rollback.json.id}\``)),
      'the rolled-back comment on the original pull request',
    );
  });
});

import type { RateLimiter } from '../../safety/operation-rate-limit.ts';
import type { PathPolicy } from '../../safety/path-policy.ts';
import { toolError } from '../tool.ts';
import type { ToolContext, ToolResult } from '../tool.ts';

export interface FilesystemToolOptions {
  /** The jail and deny list; its root is the worktree the tools work in. */
  policy: PathPolicy;
  /** Shared by all tools; each call takes one unit, keyed by operation. */
  rateLimiter?: RateLimiter;
  /** The ripgrep program for filesystem__searchFiles (default "rg"); false searches in JavaScript only. */
  ripgrepCommand?: string | false;
}

/** The checks every filesystem call starts with: not cancelled, and within the rate limit. */
export function refuseCall(options: FilesystemToolOptions, context: ToolContext): ToolResult<never> | undefined {
  if (context.signal.aborted) return toolError('cancelled', 'the operation was cancelled');
  const limiter = options.rateLimiter;
  if (limiter && !limiter.take(context.operationId)) {
    const seconds = Math.ceil(limiter.millisecondsUntilAvailable(context.operationId) / 1000);
    return toolError(
      'rate_limited',
      `more than ${limiter.limit} filesystem operations in ${limiter.windowMs / 1000} s; wait ${seconds} s, and read larger ranges or search instead of many small calls`,
    );
  }
  return undefined;
}

/** Turns an unexpected filesystem exception into a result the model can read. */
export function ioFailure(action: string, path: string, error: unknown): ToolResult<never> {
  const reason = error instanceof Error ? error.message : String(error);
  return toolError('io_error', `could not ${action} ${path}: ${reason}`);
}

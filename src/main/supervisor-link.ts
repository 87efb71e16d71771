import type { ChildMessage, SelfState, SupervisorMessage } from '../domain/self-update-vocabulary.ts';
import type { SupervisorPort } from '../pipeline/supervisor-port.ts';

/**
 * The supervised Mender's end of the IPC channel its supervisor opened (`supervisor/`): the
 * takeover that tells it where to serve, the supervisor's state as it changes, the release that
 * tells it to stop, and the requests it makes (a self-update after a merge, a rollback, a step).
 */
export class SupervisorLink implements SupervisorPort {
  readonly supervised = true;
  private latest: SelfState | undefined;
  private folder: string | undefined;
  private readonly listeners = new Set<(state: SelfState) => void>();
  private readonly releaseListeners = new Set<() => void>();
  readonly takeover: Promise<{ host: string; port: number }>;

  constructor(private readonly channel: NodeJS.Process) {
    let resolveTakeover: (address: { host: string; port: number }) => void = () => undefined;
    this.takeover = new Promise((resolve) => (resolveTakeover = resolve));
    channel.on('message', (message: SupervisorMessage) => {
      if (message.type === 'takeover') {
        this.folder = message.checkout;
        this.apply(message.state);
        resolveTakeover({ host: message.host, port: message.port });
      } else if (message.type === 'state') this.apply(message.state);
      else if (message.type === 'release') for (const listener of this.releaseListeners) listener();
    });
  }

  get checkout(): string | undefined {
    return this.folder;
  }

  state(): SelfState | undefined {
    return this.latest;
  }

  requestUpdate(request: { commit: string; operationId: string | null; requestedBy: string }): void {
    this.send({ type: 'self_update', ...request });
  }

  requestRollback(requestedBy: string): void {
    this.send({ type: 'rollback', requestedBy });
  }

  stepCompleted(operationId: string): void {
    this.send({ type: 'step_completed', operationId });
  }

  onState(listener: (state: SelfState) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  onRelease(listener: () => void): void {
    this.releaseListeners.add(listener);
  }

  send(message: ChildMessage): void {
    if (this.channel.connected) this.channel.send?.(message);
  }

  private apply(state: SelfState): void {
    this.latest = state;
    for (const listener of this.listeners) listener(state);
  }
}

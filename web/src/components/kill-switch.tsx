import { useState } from 'react';
import { RelativeTime } from './relative-time.tsx';
import { api } from '../api/api-client.ts';
import type { PauseState, TimelineEvent } from '../../../src/server/api-types.ts';
import type { EventType } from '../../../src/domain/operation-vocabulary.ts';
import { useLiveResource } from '../live/use-live-resource.ts';
import { ErrorNotice } from './error-notice.tsx';
import { PauseResumeControl } from './pause-resume-control.tsx';

const isAgentEvent = (event: TimelineEvent) => event.type === ('agent.paused' satisfies EventType) || event.type === ('agent.resumed' satisfies EventType);

/** The kill switch on the settings page: the state in words, then pause or resume. */
export function KillSwitch() {
  const { data, error } = useLiveResource(() => api.get<PauseState>('/api/agent'), 'agent-switch', isAgentEvent);
  // The answer to our own click shows at once; the live reload confirms it.
  const [own, setOwn] = useState<PauseState | undefined>();
  const current = own && data && (own.at ?? '') >= (data.at ?? '') ? own : data;
  return (
    <section className="card kill-switch" aria-labelledby="kill-switch-heading" data-testid="kill-switch">
      <h2 id="kill-switch-heading">Kill switch</h2>
      <ErrorNotice error={error} />
      {current ? (
        <>
          <p>
            Mender is{' '}
            <span className={`badge tone-${current.paused ? 'bad' : 'good'}`} data-testid="kill-switch-state">
              {current.paused ? 'paused' : 'running'}
            </span>
            {current.paused ? (
              <>
                {' '}
                since <RelativeTime at={current.at} /> (by {current.by ?? 'someone'}
                {current.reason ? `: ${current.reason}` : ''})
              </>
            ) : null}
            .
          </p>
          <p className="muted small">
            {current.paused
              ? 'No step starts while paused. Resuming continues every operation from where it stopped.'
              : 'Pausing stops running model calls and commands at once, and nothing new starts until an admin resumes.'}
          </p>
          <PauseResumeControl paused={current.paused} onChanged={setOwn} />
        </>
      ) : null}
    </section>
  );
}

import { useEffect, useRef, useState } from 'react';
import type { TimelineEvent } from '../../../src/server/api-types.ts';
import type { EventType } from '../../../src/domain/operation-vocabulary.ts';
import { describeEvent } from '../format/describe-event.ts';
import { absoluteTime, clockTime } from '../format/time.ts';
import { ToolCallDetails } from './timeline/tool-call-details.tsx';

const kindLabels = { transition: 'Step', tool: 'Tool call', model: 'Model', decision: 'Decision', failure: 'Problem', info: 'Event' };

/** Every step, tool call and decision, oldest first; new entries appear as they are recorded. */
/** `live`: entries still arrive; `held`: they would, but Mender is paused. */
export function OperationTimeline({ events, live }: { events: TimelineEvent[]; live: boolean | 'held' }) {
  const [showModelCalls, setShowModelCalls] = useState(false);
  const shown = showModelCalls ? events : events.filter((event) => event.type !== ('model.called' satisfies EventType));
  const end = useRef<HTMLOListElement>(null);
  const [follow, setFollow] = useState(true);
  useEffect(() => {
    const list = end.current;
    if (follow && list) list.scrollTop = list.scrollHeight;
  }, [shown.length, follow]);
  return (
    <section className="card" aria-labelledby="timeline-heading" id="timeline">
      <div className="card-heading">
        <h2 id="timeline-heading">Timeline</h2>
        {live === 'held' ? (
          <span className="badge tone-waiting" data-testid="held-badge">
            held
          </span>
        ) : live ? (
          <span className="badge tone-active live-badge">live</span>
        ) : null}
      </div>
      <div className="timeline-options">
        <label className="checkbox">
          <input type="checkbox" checked={showModelCalls} onChange={(event) => setShowModelCalls(event.target.checked)} /> Model calls
        </label>
        <label className="checkbox">
          <input type="checkbox" checked={follow} onChange={(event) => setFollow(event.target.checked)} /> Follow new entries
        </label>
      </div>
      {/* A scrolling region: the keyboard reaches it (arrows scroll it) and it is named by its heading. */}
      <ol className="timeline" ref={end} tabIndex={0} aria-labelledby="timeline-heading" aria-live="polite" aria-relevant="additions" data-testid="timeline">
        {shown.map((event) => {
          const described = describeEvent(event);
          return (
            <li key={event.sequence} className={`timeline-entry kind-${described.kind}`} data-event-type={event.type}>
              <span className="timeline-marker" aria-hidden="true" />
              <div>
                <div className="timeline-headline">
                  <span className="visually-hidden">{kindLabels[described.kind]}: </span>
                  <span className={described.kind === 'tool' || described.kind === 'failure' ? 'mono' : ''}>{described.headline}</span>
                  <time className="muted small" dateTime={event.at} title={absoluteTime(event.at)}>
                    {clockTime(event.at)}
                  </time>
                </div>
                {described.detail ? <div className="muted small timeline-detail">{described.detail}</div> : null}
                {event.type === ('tool.called' satisfies EventType) ? <ToolCallDetails event={event} /> : null}
              </div>
            </li>
          );
        })}
      </ol>
      {shown.length === 0 ? <p className="muted">Nothing recorded yet.</p> : null}
    </section>
  );
}

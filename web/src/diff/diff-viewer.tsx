import { useMemo, useState } from 'react';
import { parseUnifiedDiff } from './parse-unified-diff.ts';
import { DiffFileView, type DiffLayout } from './diff-file-view.tsx';

const layoutKey = 'mender-diff-layout';

function storedLayout(): DiffLayout {
  try {
    return window.localStorage.getItem(layoutKey) === 'split' ? 'split' : 'unified';
  } catch {
    return 'unified';
  }
}

/** The change as a diff: a file list, and each file unified or side by side, highlighted. */
export function DiffViewer({ diff }: { diff: string }) {
  const files = useMemo(() => parseUnifiedDiff(diff), [diff]);
  const [layout, setLayout] = useState<DiffLayout>(storedLayout);
  const choose = (next: DiffLayout) => {
    setLayout(next);
    try {
      window.localStorage.setItem(layoutKey, next);
    } catch {
      // the choice lasts for this page only
    }
  };
  const insertions = files.reduce((sum, file) => sum + file.insertions, 0);
  const deletions = files.reduce((sum, file) => sum + file.deletions, 0);
  if (files.length === 0) return <p className="muted">The diff is empty.</p>;
  return (
    <div className="diff-viewer">
      <div className="diff-toolbar">
        <span className="small">
          {files.length} {files.length === 1 ? 'file' : 'files'}, <span className="diff-insertions">+{insertions}</span>{' '}
          <span className="diff-deletions">−{deletions}</span>
        </span>
        <div className="segmented" role="group" aria-label="Diff layout">
          <button type="button" className="button" aria-pressed={layout === 'unified'} onClick={() => choose('unified')}>
            Unified
          </button>
          <button type="button" className="button" aria-pressed={layout === 'split'} onClick={() => choose('split')}>
            Side by side
          </button>
        </div>
      </div>
      <ul className="diff-file-list">
        {files.map((file) => (
          <li key={`${file.oldPath}:${file.newPath}`} className="mono small">
            {file.status === 'deleted' ? file.oldPath : file.newPath} <span className="diff-insertions">+{file.insertions}</span>{' '}
            <span className="diff-deletions">−{file.deletions}</span>
          </li>
        ))}
      </ul>
      {files.map((file) => (
        <DiffFileView key={`${file.oldPath}:${file.newPath}`} file={file} layout={layout} />
      ))}
    </div>
  );
}

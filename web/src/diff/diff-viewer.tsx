import { useMemo, useState } from 'react';
import { parseUnifiedDiff, type DiffFile } from './parse-unified-diff.ts';
import { DiffFileView, type DiffLayout } from './diff-file-view.tsx';
import { useViewedFiles } from './use-viewed-files.ts';
import { useNarrowScreen } from './use-narrow-screen.ts';

const layoutKey = 'mender-diff-layout';

function storedLayout(): DiffLayout {
  try {
    return window.localStorage.getItem(layoutKey) === 'split' ? 'split' : 'unified';
  } catch {
    return 'unified';
  }
}

const pathOf = (file: DiffFile) => (file.status === 'deleted' ? file.oldPath : file.newPath);

/**
 * The change as a diff: a file list that jumps to each file, and each file unified or side by
 * side (unified only on a narrow screen), highlighted, folding, with a Viewed mark kept under
 * `viewedKey` for this tab.
 */
export function DiffViewer({ diff, viewedKey }: { diff: string; viewedKey?: string }) {
  const files = useMemo(() => parseUnifiedDiff(diff), [diff]);
  const [chosenLayout, setLayout] = useState<DiffLayout>(storedLayout);
  const narrow = useNarrowScreen();
  const layout = narrow ? 'unified' : chosenLayout;
  const [viewed, markViewed] = useViewedFiles(viewedKey);
  // Files viewed earlier in this tab start folded; a person's own folding wins from then on.
  const [folded, setFolded] = useState<ReadonlySet<string>>(() => new Set(viewed));
  const fold = (path: string, isFolded: boolean) =>
    setFolded((current) => {
      const next = new Set(current);
      if (isFolded) next.add(path);
      else next.delete(path);
      return next;
    });
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
  const viewedCount = files.filter((file) => viewed.has(pathOf(file))).length;
  return (
    <div className="diff-viewer">
      <div className="diff-toolbar">
        <span className="small">
          {files.length} {files.length === 1 ? 'file' : 'files'}, <span className="diff-insertions">+{insertions}</span>{' '}
          <span className="diff-deletions">−{deletions}</span> ·{' '}
          <span data-testid="viewed-count">
            {viewedCount} of {files.length} viewed
          </span>
        </span>
        {narrow ? null : (
          <div className="segmented" role="group" aria-label="Diff layout">
            <button type="button" className="button" aria-pressed={layout === 'unified'} onClick={() => choose('unified')}>
              Unified
            </button>
            <button type="button" className="button" aria-pressed={layout === 'split'} onClick={() => choose('split')}>
              Side by side
            </button>
          </div>
        )}
      </div>
      <nav aria-label="Files in this change">
        <ul className="diff-file-list" data-testid="diff-file-list">
          {files.map((file, index) => (
            <li key={`${file.oldPath}:${file.newPath}`} className="mono small">
              <a href={`#diff-file-${index}`} onClick={() => fold(pathOf(file), false)}>
                {pathOf(file)}
              </a>{' '}
              <span className="diff-insertions">+{file.insertions}</span> <span className="diff-deletions">−{file.deletions}</span>
              {viewed.has(pathOf(file)) ? <span className="muted"> · viewed</span> : null}
            </li>
          ))}
        </ul>
      </nav>
      {files.map((file, index) => {
        const path = pathOf(file);
        return (
          <DiffFileView
            key={`${file.oldPath}:${file.newPath}`}
            file={file}
            layout={layout}
            id={`diff-file-${index}`}
            open={!folded.has(path)}
            onToggle={() => fold(path, !folded.has(path))}
            viewed={viewed.has(path)}
            onViewed={(isViewed) => {
              markViewed(path, isViewed);
              fold(path, isViewed);
            }}
          />
        );
      })}
    </div>
  );
}

import type { ReactNode } from 'react';
import type { DiffFile, DiffLine } from './parse-unified-diff.ts';
import { languageOf } from './highlight.ts';
import { HighlightedCode } from './highlighted-code.tsx';
import { pairLines } from './pair-lines.ts';

export type DiffLayout = 'unified' | 'split';

const signs = { added: '+', removed: '−', context: ' ', note: ' ' };
const spokenKinds = { added: 'added', removed: 'removed', context: '', note: '' };

function Code({ line, language }: { line: DiffLine; language: string }) {
  return (
    <td className={`diff-code code-${line.kind}`}>
      <span className="diff-sign" aria-hidden="true">
        {signs[line.kind]}
      </span>
      {spokenKinds[line.kind] ? <span className="visually-hidden">{spokenKinds[line.kind]}: </span> : null}
      {line.kind === 'note' ? <span className="muted">{line.text}</span> : <HighlightedCode text={line.text} language={language} />}
    </td>
  );
}

function UnifiedRows({ lines, language }: { lines: DiffLine[]; language: string }) {
  return (
    <>
      {lines.map((line, index) => (
        <tr key={index} className={`diff-line diff-${line.kind}`}>
          <td className="diff-number">{line.oldNumber ?? ''}</td>
          <td className="diff-number">{line.newNumber ?? ''}</td>
          <Code line={line} language={language} />
        </tr>
      ))}
    </>
  );
}

function SplitRows({ lines, language }: { lines: DiffLine[]; language: string }) {
  return (
    <>
      {pairLines(lines).map((row, index) => (
        <tr key={index} className="diff-line">
          <td className={`diff-number diff-${row.left?.kind ?? 'empty'}`}>{row.left?.oldNumber ?? ''}</td>
          {row.left ? <Code line={row.left} language={language} /> : <td className="diff-code diff-empty" />}
          <td className={`diff-number diff-${row.right?.kind ?? 'empty'} diff-split-start`}>{row.right?.newNumber ?? ''}</td>
          {row.right ? <Code line={row.right} language={language} /> : <td className="diff-code diff-empty" />}
        </tr>
      ))}
    </>
  );
}

interface DiffFileViewProps {
  file: DiffFile;
  layout: DiffLayout;
  /** The section's id, which the file list links to. */
  id: string;
  open: boolean;
  onToggle(): void;
  viewed: boolean;
  onViewed(viewed: boolean): void;
}

/** One file of a diff, in the unified or the side-by-side layout; it folds, and the reviewer can mark it viewed. */
export function DiffFileView({ file, layout, id, open, onToggle, viewed, onViewed }: DiffFileViewProps) {
  const path = file.status === 'deleted' ? file.oldPath : file.newPath;
  const language = languageOf(path);
  const columns = layout === 'unified' ? 3 : 4;
  return (
    <section className={`diff-file${viewed ? ' diff-file-viewed' : ''}`} aria-label={`Changes in ${path}`} id={id} data-path={path}>
      <header className="diff-file-header">
        <button type="button" className="diff-toggle" aria-expanded={open} aria-controls={`${id}-body`} onClick={onToggle}>
          <span className="diff-toggle-mark" aria-hidden="true">
            {open ? '▾' : '▸'}
          </span>
          <span className="mono">{file.status === 'renamed' ? `${file.oldPath} → ${file.newPath}` : path}</span>
        </button>
        <span className="small diff-file-meta">
          {file.status !== 'modified' ? <span className="badge tone-neutral">{file.status}</span> : null}{' '}
          <span className="diff-insertions">+{file.insertions}</span> <span className="diff-deletions">−{file.deletions}</span>
          <label className="diff-viewed">
            <input type="checkbox" checked={viewed} onChange={(event) => onViewed(event.target.checked)} /> Viewed
          </label>
        </span>
      </header>
      <div id={`${id}-body`} hidden={!open}>
        {file.binary ? (
          <p className="muted small">Binary file; not shown.</p>
        ) : (
          <div className="table-scroll">
            <table className={`diff-table diff-${layout}`} data-layout={layout}>
              <tbody>
                {file.hunks.map((hunk, index) => (
                  <HunkRows key={index} header={hunk.header} columns={columns}>
                    {layout === 'unified' ? <UnifiedRows lines={hunk.lines} language={language} /> : <SplitRows lines={hunk.lines} language={language} />}
                  </HunkRows>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>
    </section>
  );
}

function HunkRows({ header, columns, children }: { header: string; columns: number; children: ReactNode }) {
  return (
    <>
      <tr className="diff-hunk">
        <td colSpan={columns} className="mono">
          {header}
        </td>
      </tr>
      {children}
    </>
  );
}

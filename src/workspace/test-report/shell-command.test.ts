import { describe, expect, it } from 'vitest';
import { insertIntoCommand, quoteShellArgument, splitShellCommand } from './shell-command.ts';

describe('splitShellCommand', () => {
  it('splits on operators and removes quotes', () => {
    const command = `FOO=1 npm test -- --grep 'a b' && echo "done \\"x\\""; cat x | wc -l`;
    expect(splitShellCommand(command).map((segment) => segment.tokens)).toEqual([
      ['FOO=1', 'npm', 'test', '--', '--grep', 'a b'],
      ['echo', 'done "x"'],
      ['cat', 'x'],
      ['wc', '-l'],
    ]);
  });

  it('reports where each segment ends so arguments land before the operator', () => {
    const command = 'npm test   && echo done';
    const [first] = splitShellCommand(command);
    expect(first?.end).toBe('npm test'.length);
    expect(insertIntoCommand(command, first?.end ?? 0, '-- --json')).toBe('npm test -- --json   && echo done');
  });

  it('keeps operators inside quotes and collapses repeated spaces', () => {
    const command = `node  --test 'a && b'  `;
    expect(splitShellCommand(command)).toEqual([{ tokens: ['node', '--test', 'a && b'], start: 0, end: command.trimEnd().length }]);
    expect(splitShellCommand('   ')).toEqual([]);
  });

  it('gives where each segment starts, so a segment can be replaced', () => {
    const command = `tsc &&  TZ=UTC "jest" -i | cat`;
    const slices = splitShellCommand(command).map((segment) => command.slice(segment.start, segment.end));
    expect(slices).toEqual(['tsc', 'TZ=UTC "jest" -i', 'cat']);
  });
});

describe('quoteShellArgument', () => {
  it('leaves safe arguments alone and single-quotes the rest', () => {
    expect(quoteShellArgument('--outputFile.json=/tmp/report.json')).toBe('--outputFile.json=/tmp/report.json');
    expect(quoteShellArgument("/tmp/it's here")).toBe(`'/tmp/it'\\''s here'`);
  });
});

import { describe, expect, test } from 'vitest';
import { countAssistantTurns, detectRole, lastToolResult, toolNamesOf } from './conversation-inspection.ts';

const openAITool = (name: string) => ({ type: 'function', function: { name, parameters: {} } });
const anthropicTool = (name: string) => ({ name, input_schema: {} });

describe('toolNamesOf and detectRole', () => {
  test('read tool names in both wire formats', () => {
    expect(toolNamesOf({ tools: [openAITool('a'), openAITool('b')] })).toEqual(['a', 'b']);
    expect(toolNamesOf({ tools: [anthropicTool('a')] })).toEqual(['a']);
    expect(toolNamesOf({})).toEqual([]);
    expect(toolNamesOf('not a body')).toEqual([]);
  });

  test('a write tool means the coder, even with submit_plan offered', () => {
    const body = {
      tools: [openAITool('filesystem__readFile'), openAITool('filesystem__writeFile')],
    };
    expect(detectRole(body)).toBe('coder');
    expect(detectRole({ tools: [anthropicTool('write_file'), anthropicTool('submit_plan')] })).toBe('coder');
  });

  test('submit_plan means the planner and submit_review the reviewer', () => {
    expect(detectRole({ tools: [openAITool('filesystem__readFile'), openAITool('submit_plan')] })).toBe('planner');
    expect(detectRole({ tools: [anthropicTool('submit_review')] })).toBe('reviewer');
    expect(detectRole({ tools: [anthropicTool('filesystem__readFile')] })).toBeUndefined();
    expect(detectRole({ tools: [anthropicTool('overwriteFileList')] })).toBeUndefined();
  });
});

describe('countAssistantTurns', () => {
  test('counts assistant messages in either wire format', () => {
    expect(
      countAssistantTurns({
        messages: [
          { role: 'system', content: 's' },
          { role: 'user', content: 'u' },
        ],
      }),
    ).toBe(0);
    expect(
      countAssistantTurns({
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'u' }] },
          { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'x', input: {} }] },
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'r' }] },
          { role: 'assistant', content: 'a' },
        ],
      }),
    ).toBe(2);
  });
});

describe('lastToolResult', () => {
  test('reads the latest OpenAI tool message, including content parts', () => {
    const body = {
      messages: [
        { role: 'tool', tool_call_id: 'c1', content: 'first' },
        { role: 'assistant', content: null, tool_calls: [] },
        {
          role: 'tool',
          tool_call_id: 'c2',
          content: [
            { type: 'text', text: 'sec' },
            { type: 'text', text: 'ond' },
          ],
        },
      ],
    };
    expect(lastToolResult(body)).toBe('second');
  });

  test('reads the latest Anthropic tool_result block, string or text blocks', () => {
    const body = {
      messages: [
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'first' }] },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 't2', content: 'second' },
            { type: 'tool_result', tool_use_id: 't3', content: [{ type: 'text', text: 'third' }] },
          ],
        },
        { role: 'user', content: [{ type: 'text', text: 'no results here' }] },
      ],
    };
    expect(lastToolResult(body)).toBe('third');
  });

  test('is undefined when no tool has answered yet', () => {
    expect(lastToolResult({ messages: [{ role: 'user', content: 'hi' }] })).toBeUndefined();
    expect(lastToolResult(null)).toBeUndefined();
  });
});

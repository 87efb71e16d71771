/**
 * What a script said beyond its exit code: the last line of its output that is a JSON object.
 * Scripts print progress freely; only a final `{"ok": false, "message": "…"}`,
 * `{"commit": "…"}` or `{"healthy": false, "detail": "…"}` is read.
 */
export interface ScriptAnswer {
  ok?: boolean;
  message?: string;
  commit?: string;
  healthy?: boolean;
  detail?: string;
}

export function readScriptAnswer(output: string): ScriptAnswer {
  const lines = output.split('\n').map((line) => line.trim());
  for (let index = lines.length - 1; index >= 0; index -= 1) {
    const line = lines[index]!;
    if (!line.startsWith('{') || !line.endsWith('}')) continue;
    try {
      const value = JSON.parse(line) as unknown;
      if (value && typeof value === 'object' && !Array.isArray(value)) return pick(value as Record<string, unknown>);
    } catch {
      // Not JSON after all: an earlier line may be.
    }
  }
  return {};
}

/** Only fields of the right type count; anything else a script prints is ignored. */
function pick(value: Record<string, unknown>): ScriptAnswer {
  const answer: ScriptAnswer = {};
  if (typeof value.ok === 'boolean') answer.ok = value.ok;
  if (typeof value.message === 'string') answer.message = value.message;
  if (typeof value.commit === 'string' && /^[0-9a-f]{7,64}$/i.test(value.commit)) answer.commit = value.commit;
  if (typeof value.healthy === 'boolean') answer.healthy = value.healthy;
  if (typeof value.detail === 'string') answer.detail = value.detail;
  return answer;
}

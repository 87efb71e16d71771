/**
 * Summarises a V8 .cpuprofile: self time by package or source file, and the heaviest functions.
 *
 *   node bin/run-ts.mjs bench/support/profile-summary.ts <file.cpuprofile> [rows] [from-second] [to-second]
 *
 * It first prints how busy the thread was in each second, so a phase of a benchmark (the
 * sustained load, the storm) can be summarised on its own by giving its seconds.
 */
import fs from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** `node_modules/@scope/name` or `node_modules/name`, else the path below the project, else the V8 category. */
function placeOf(url: string, functionName: string): string {
  if (!url) return `(${functionName || 'anonymous'})`;
  const module = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (module) return module[1]!;
  if (url.startsWith('node:')) return url;
  const local = /\/(src|bench|test|bin)\/(.+)$/.exec(url);
  return local ? `${local[1]}/${local[2]}` : url;
}

const [file, rowsText, fromText, toText] = process.argv.slice(2);
if (!file) throw new Error('give the .cpuprofile file to summarise');
const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
const rows = Number(rowsText ?? 25);
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const idleIds = new Set(profile.nodes.filter((node) => node.callFrame.functionName === '(idle)').map((node) => node.id));
const from = Number(fromText ?? 0) * 1e6;
const to = toText === undefined ? Infinity : Number(toText) * 1e6;
const selfMicros = new Map<number, number>();
const busyBySecond: number[] = [];
let clock = 0;
profile.samples.forEach((id, index) => {
  const delta = profile.timeDeltas[index] ?? 0;
  clock += delta;
  const second = Math.floor(clock / 1e6);
  busyBySecond[second] = (busyBySecond[second] ?? 0) + (idleIds.has(id) ? 0 : delta);
  if (clock >= from && clock < to) selfMicros.set(id, (selfMicros.get(id) ?? 0) + delta);
});
process.stdout.write(`busy % per second: ${Array.from(busyBySecond, (micros) => Math.round((micros ?? 0) / 1e4)).join(' ')}\n`);
const total = [...selfMicros.values()].reduce((sum, value) => sum + value, 0);

const byPlace = new Map<string, number>();
const byFunction = new Map<string, number>();
for (const [id, micros] of selfMicros) {
  const { callFrame } = byId.get(id)!;
  const place = placeOf(callFrame.url, callFrame.functionName);
  byPlace.set(place, (byPlace.get(place) ?? 0) + micros);
  const name = `${callFrame.functionName || '(anonymous)'} ${place}:${callFrame.lineNumber + 1}`;
  byFunction.set(name, (byFunction.get(name) ?? 0) + micros);
}

// Whose work is it: each sample goes to the nearest function of this project on its stack.
const parents = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
const byCaller = new Map<string, number>();
for (const [id, micros] of selfMicros) {
  let current: number | undefined = id;
  let caller = '(outside the project)';
  while (current !== undefined) {
    const { callFrame } = byId.get(current)!;
    if (/\/(src|bench)\//.test(callFrame.url) && !callFrame.url.includes('node_modules')) {
      caller = `${callFrame.functionName || '(anonymous)'} ${placeOf(callFrame.url, callFrame.functionName)}:${callFrame.lineNumber + 1}`;
      break;
    }
    current = parents.get(current);
  }
  byCaller.set(caller, (byCaller.get(caller) ?? 0) + micros);
}

const print = (title: string, entries: Map<string, number>) => {
  process.stdout.write(`\n${title}\n`);
  for (const [name, micros] of [...entries].sort((left, right) => right[1] - left[1]).slice(0, rows))
    process.stdout.write(`${((micros / total) * 100).toFixed(1).padStart(6)}%  ${(micros / 1000).toFixed(0).padStart(8)} ms  ${name}\n`);
};
process.stdout.write(`${file}: ${(total / 1e6).toFixed(1)} s sampled\n`);
print('self time by package or file', byPlace);
print('heaviest functions (self time)', byFunction);
print('by the nearest project function on the stack (self time of everything it called)', byCaller);

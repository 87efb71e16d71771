// Checks that folder imports under src/ follow the layer order in scripts/layers.json
// (production files only; tests may import across layers). Prints each violation as
// `file:line  from → to: why` and exits 1 on any.
// `--graph` also prints the folder graph, its strongly connected sets and file counts.
// `--root <folder>` checks another checkout (default: this one); the order is always this one's.
import path from 'node:path';
import { folderCycles, folderGraph, readSourceTree } from './folder-imports.ts';
import { layerViolations, readLayerOrder } from './layer-order.ts';

const usage = 'usage: node bin/run-ts.mjs scripts/check-layers.ts [--graph] [--root <folder>]';

function parseArguments(args: string[]): { graph: boolean; root: string } {
  let graph = false;
  let root = path.resolve(import.meta.dirname, '..');
  for (let index = 0; index < args.length; index += 1) {
    const argument = args[index];
    if (argument === '--graph') graph = true;
    else if (argument === '--root' && args[index + 1]) root = path.resolve(args[(index += 1)]!);
    else {
      console.error(`unknown argument ${argument}\n${usage}`);
      process.exit(2);
    }
  }
  return { graph, root };
}

const { graph: printGraph, root } = parseArguments(process.argv.slice(2));
const order = readLayerOrder(path.join(import.meta.dirname, 'layers.json'));
const tree = readSourceTree(root);
const folders = [...tree.fileCounts.keys()].sort();

if (printGraph) {
  const graph = folderGraph(tree.crossFolderImports);
  console.log('Folder graph (importing lines per target):');
  for (const folder of folders) {
    const targets = [...(graph.get(folder) ?? new Map<string, number>())].sort(([left], [right]) => left.localeCompare(right));
    console.log(`  ${folder} → ${targets.map(([target, count]) => `${target} (${count})`).join(', ') || '(nothing)'}`);
  }
  const cycles = folderCycles(folders, graph);
  console.log(`Strongly connected sets: ${cycles.length === 0 ? 'none' : ''}`);
  for (const cycle of cycles) console.log(`  ${cycle.length} folders: ${cycle.join(', ')}`);
  const total = folders.reduce((sum, folder) => sum + tree.fileCounts.get(folder)!, 0);
  console.log(`Production files per folder (${total} in all):`);
  for (const folder of folders) console.log(`  ${folder} ${tree.fileCounts.get(folder)}`);
}

const violations = layerViolations(order, folders, tree.crossFolderImports);
for (const violation of violations) console.log(`${violation.file}:${violation.line}  ${violation.message}`);
if (violations.length > 0) {
  console.error(`${violations.length} import(s) break the layer order in scripts/layers.json`);
  process.exit(1);
}
console.log(`Folder imports follow the layer order (${order.layers.length} layers, ${folders.length} folders).`);

// Writes .env.example and the README's configuration table from the settings schema.
// `--check` changes nothing and exits 1 when either file is out of date (for tests and CI).
// `--root <folder>` works on another checkout (default: this one).
import fs from 'node:fs';
import path from 'node:path';
import { configBlockEnd, configBlockStart, renderConfigTable, renderEnvExample, replaceConfigBlock } from '../src/config/config-docs.ts';

const usage = 'usage: npm run docs [-- --check] [-- --root <folder>]';

function parseArguments(args: string[]): { check: boolean; root: string } {
  let check = false;
  let root = path.resolve(import.meta.dirname, '..');
  for (let index = 0; index < args.length; index += 1) {
    const argument = args[index];
    if (argument === '--check') check = true;
    else if (argument === '--root' && args[index + 1]) root = path.resolve(args[(index += 1)]!);
    else {
      console.error(`unknown argument ${argument}\n${usage}`);
      process.exit(2);
    }
  }
  return { check, root };
}

function readIfPresent(file: string): string | undefined {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
}

const { check, root } = parseArguments(process.argv.slice(2));
const table = renderConfigTable();
const envFile = path.join(root, '.env.example');
const readmeFile = path.join(root, 'README.md');

const wanted = new Map<string, string>([[envFile, renderEnvExample()]]);
const readme = readIfPresent(readmeFile);
const updatedReadme = readme === undefined ? undefined : replaceConfigBlock(readme, table);
if (updatedReadme !== undefined) wanted.set(readmeFile, updatedReadme);
const stale = [...wanted].filter(([file, content]) => readIfPresent(file) !== content).map(([file]) => file);

const readmeNote =
  readme === undefined
    ? `${readmeFile} does not exist, so the configuration table is printed here instead`
    : updatedReadme === undefined
      ? `${readmeFile} has no ${configBlockStart} … ${configBlockEnd} block, so the configuration table is printed here instead: add the markers to keep it generated`
      : undefined;

if (check) {
  if (readmeNote) console.error(`${readmeFile} not checked: it has no generated configuration table`);
  if (stale.length > 0) {
    console.error(`out of date: ${stale.map((file) => path.relative(root, file)).join(', ')} — run \`npm run docs\` and commit the result`);
    process.exit(1);
  }
  console.log('configuration docs are up to date');
} else {
  for (const file of stale) {
    fs.writeFileSync(file, wanted.get(file)!);
    console.error(`wrote ${path.relative(root, file)}`);
  }
  if (stale.length === 0) console.error('configuration docs were already up to date');
  if (readmeNote) {
    console.error(readmeNote);
    process.stdout.write(table);
  }
}

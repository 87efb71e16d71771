// Compiles src/ into dist/ (tsc with tsconfig.build.json), copies the files the code reads next to
// itself (migrations, the default severity rules) and stamps the build. `--if-stale` builds only
// when dist/ is missing or older than src/: `npm start` runs it that way. bin/mender.mjs runs
// dist/ whenever its stamp is current, and src/ through tsx otherwise. `--out-dir <folder>` (a
// folder directly under the project, as dist/ is) builds elsewhere, for the build's own test.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import { compiledBuildStaleness, compiledFolder, newestModification, projectRoot, sourceFolder, stampName } from '../bin/compiled-build.mjs';

/** Files the compiled code opens by a path relative to itself, so they must sit beside it. */
const assets = (file: string) => file.endsWith('.sql') || file.endsWith('.yaml') || (file.endsWith('.json') && !file.endsWith('.test.json'));

function copyAssets(from: string, to: string): number {
  let copied = 0;
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) copied += copyAssets(source, target);
    else if (assets(entry.name)) {
      fs.mkdirSync(to, { recursive: true });
      fs.copyFileSync(source, target);
      copied += 1;
    }
  }
  return copied;
}

async function buildServer(outDir: string): Promise<void> {
  // Taken before compiling: a source edited during the build leaves the build stale, not current.
  const newestSource = newestModification(sourceFolder);
  fs.rmSync(outDir, { recursive: true, force: true });
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  try {
    await promisify(execFile)(process.execPath, [tsc, '-p', path.join(projectRoot, 'tsconfig.build.json'), '--outDir', outDir], {
      cwd: projectRoot,
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (error) {
    fs.rmSync(outDir, { recursive: true, force: true });
    const output = (error as { stdout?: string }).stdout?.trim();
    throw new Error(output || (error as Error).message);
  }
  copyAssets(sourceFolder, outDir);
  fs.writeFileSync(path.join(outDir, stampName), JSON.stringify({ newestSource, builtAt: new Date().toISOString() }));
}

const argv = process.argv.slice(2);
const ifStale = argv.includes('--if-stale');
const outDirIndex = argv.indexOf('--out-dir');
const outDir = outDirIndex === -1 ? compiledFolder : path.resolve(projectRoot, argv[outDirIndex + 1] ?? '');
if (path.dirname(outDir) !== projectRoot) {
  console.error(`--out-dir must name a folder directly under ${projectRoot}: the compiled code finds web/dist and skills/ at ../../ from its files`);
  process.exit(2);
}
const started = Date.now();
try {
  const reason = ifStale ? compiledBuildStaleness(outDir) : 'asked for';
  if (reason) {
    await buildServer(outDir);
    console.error(`server compiled into ${path.relative(projectRoot, outDir)}/ (${reason}) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
} catch (error) {
  const reason = error instanceof Error ? error.message : String(error);
  if (ifStale) {
    // Mender runs from src/ through tsx without the build, with more memory: start anyway.
    console.error(`compiling the server failed, Mender runs from src/ instead (run npm run build:server to see why):\n${reason}`);
  } else {
    console.error(`compiling the server failed:\n${reason}`);
    process.exit(1);
  }
}

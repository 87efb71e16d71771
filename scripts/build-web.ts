// Builds the dashboard (web/ → web/dist). `--if-stale` builds only when web/dist is missing or
// older than web/src: `npm start` runs it that way, so a fresh clone serves a built dashboard.
import { buildWeb, ensureWebBuild } from './web-build.ts';

const ifStale = process.argv.slice(2).includes('--if-stale');
const started = Date.now();
try {
  if (ifStale) {
    const result = await ensureWebBuild();
    if (result.built) console.error(`dashboard built (${result.reason}) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } else {
    await buildWeb();
    console.error(`dashboard built into web/dist in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
} catch (error) {
  console.error(`building the dashboard failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

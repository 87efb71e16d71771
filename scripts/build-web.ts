// Builds the dashboard (web/ → web/dist). `--if-stale` builds only when web/dist is missing or
// older than web/src: `npm start` runs it that way, so a fresh clone serves a built dashboard.
import { buildWeb, describePageWeight, ensureWebBuild, measurePageWeight } from './web-build.ts';

const ifStale = process.argv.slice(2).includes('--if-stale');
const started = Date.now();
try {
  if (ifStale) {
    const result = await ensureWebBuild();
    if (result.built)
      console.error(`dashboard built (${result.reason}) in ${((Date.now() - started) / 1000).toFixed(1)} s; ${describePageWeight(measurePageWeight())}`);
  } else {
    await buildWeb();
    console.error(`dashboard built into web/dist in ${((Date.now() - started) / 1000).toFixed(1)} s; ${describePageWeight(measurePageWeight())}`);
  }
} catch (error) {
  const reason = error instanceof Error ? error.message : String(error);
  if (ifStale) {
    // Before `mender start`: the API and the pipeline do not need the dashboard, so start anyway;
    // the page then says how to build it.
    console.error(`building the dashboard failed, Mender starts without it (run npm run build:web to see why): ${reason}`);
  } else {
    console.error(`building the dashboard failed: ${reason}`);
    process.exit(1);
  }
}

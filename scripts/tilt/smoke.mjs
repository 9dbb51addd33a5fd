#!/usr/bin/env node
/**
 * Smoke check of the deployed dev loop, run by Tilt after the deploy and after every edit of
 * src/ or data/ (a local_resource with those deps). An edit is live-updated into the pods, which
 * restart, so a plain check could pass on the old server: this one waits until /ready reports a
 * dataset loaded after the newest edit, on several answers in a row (the NodePort spreads them
 * over the replicas), then checks /health and one /query row.
 *   node scripts/tilt/smoke.mjs [BASE_URL]      (default http://127.0.0.1:32638)
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const base = process.argv[2] ?? 'http://127.0.0.1:32638';
const WATCHED = ['src', 'data'];
const DEADLINE_MS = 90_000;
const IN_A_ROW = 4;
// kind's node shares this machine's clock on Linux; Docker Desktop's VM keeps its own, usually
// within a few milliseconds. A larger skew than this makes the check wait for nothing.
const CLOCK_SKEW_MS = 2_000;

function newestMtimeMs(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const mtime = entry.isDirectory() ? newestMtimeMs(path) : statSync(path).mtimeMs;
    newest = Math.max(newest, mtime);
  }
  return newest;
}

async function get(path) {
  try {
    const response = await fetch(base + path, { signal: AbortSignal.timeout(2_000) });
    return { status: response.status, body: await response.text() };
  } catch (error) {
    return { status: 0, body: String(error?.cause?.code ?? error) };
  }
}

const edited = Math.max(...WATCHED.map(newestMtimeMs));
const deadline = Date.now() + DEADLINE_MS;
let good = 0;
let last = { status: 0, body: '' };
while (good < IN_A_ROW) {
  if (Date.now() > deadline) {
    const served = last.status === 200 ? JSON.parse(last.body).dataset?.loadedAt : undefined;
    console.error(
      served === undefined
        ? `smoke: ${base}/ready did not answer 200 within ${DEADLINE_MS / 1000} s (last: ${last.status} ${last.body.slice(0, 300)}); see the whc-api logs`
        : `smoke: the pods still serve a server started at ${served}, before your last edit (${new Date(edited).toISOString()}): the live update did not restart them (see the whc-api logs)`,
    );
    process.exit(1);
  }
  last = await get('/ready');
  const loadedAt = last.status === 200 ? Date.parse(JSON.parse(last.body).dataset?.loadedAt ?? '') : NaN;
  good = loadedAt >= edited - CLOCK_SKEW_MS ? good + 1 : 0;
  if (good < IN_A_ROW) await new Promise((resolve) => setTimeout(resolve, 250));
}
const health = await get('/health');
if (health.status !== 200) throw new Error(`smoke: /health answered ${health.status}`);
const lookup = await get('/query?unique_number=230');
if (lookup.status !== 200 || !lookup.body.startsWith('[{"unique_number":230,')) {
  console.error(`smoke: unexpected /query answer: ${lookup.status} ${lookup.body.slice(0, 200)}`);
  process.exit(1);
}
console.log(`smoke: ok: ${base} serves the code and data of your last edit; /health and /query?unique_number=230 answer`);

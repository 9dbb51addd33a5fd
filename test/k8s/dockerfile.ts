/** The Dockerfile read as text, per stage: what the chart tests compare the chart with. */
import { readFileSync } from 'node:fs';
import { ROOT } from './helm.js';

/** The instructions of one stage (`FROM ... AS stage` up to the next FROM), continuation lines joined. */
export function dockerfileStage(stage: string): string[] {
  const text = readFileSync(`${ROOT}Dockerfile`, 'utf8').replace(/\\\n\s*/g, ' ');
  const start = text.search(new RegExp(`^FROM .* AS ${stage}$`, 'm'));
  if (start === -1) throw new Error(`the Dockerfile has no stage ${stage}`);
  const end = text.indexOf('\nFROM ', start + 1);
  return text
    .slice(start, end === -1 ? undefined : end)
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'));
}

/** `KEY=value` pairs of the instructions of one kind (ENV, LABEL, ARG) in a stage; double quotes removed. */
export function dockerfilePairs(stage: string, instruction: 'ENV' | 'LABEL' | 'ARG'): Record<string, string> {
  const pairs: Record<string, string> = {};
  for (const line of dockerfileStage(stage).filter((l) => l.startsWith(`${instruction} `))) {
    for (const match of line.slice(instruction.length + 1).matchAll(/([\w.-]+)(?:=("([^"]*)"|\S*))?/g)) {
      const [, key, raw, quoted] = match;
      if (key !== undefined) pairs[key] = quoted ?? raw ?? '';
    }
  }
  return pairs;
}

export const dockerfileEnv = (stage: string): Record<string, string> => dockerfilePairs(stage, 'ENV');

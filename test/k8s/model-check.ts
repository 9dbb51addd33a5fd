/**
 * Checks rendered objects against API schemas: kubernetes-models 5.x for the built-in kinds
 * (Kubernetes 1.36.0, the only schemas any npm package carries for the supported minors), the
 * Gateway API (v1.5.1) and Prometheus Operator (v0.91.0) packages for HTTPRoute and
 * ServiceMonitor. `validate()` checks types, required fields and enums; a TypeScript pass checks
 * field names, which `validate()` lets through: each object becomes a literal typed as the model's
 * interface, and tsc's excess-property check rejects any unknown or misspelled field.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, type K8sObject } from './helm.js';

/** The models package of each API group not built into Kubernetes; the rest are in kubernetes-models. */
const MODEL_PACKAGES: Readonly<Record<string, string>> = {
  'gateway.networking.k8s.io': '@kubernetes-models/gateway-api',
  'monitoring.coreos.com': '@kubernetes-models/prometheus-operator',
};

/** `kubernetes-models/apps/v1/Deployment`, `@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1/HTTPRoute`. */
export function modelModule(object: K8sObject): string {
  const group = object.apiVersion.includes('/') ? (object.apiVersion.split('/')[0] as string) : '';
  return `${MODEL_PACKAGES[group] ?? 'kubernetes-models'}/${object.apiVersion}/${object.kind}`;
}

/** Schema errors of one object, or [] when it is valid. */
export async function schemaErrors(object: K8sObject): Promise<string[]> {
  const module = (await import(modelModule(object))) as Record<string, new (data: unknown) => { validate(): void }>;
  const Model = module[object.kind];
  if (Model === undefined) return [`no model class ${object.kind} in ${modelModule(object)}`];
  try {
    new Model(object).validate();
    return [];
  } catch (error) {
    return [`${object.kind}/${object.metadata.name}: ${error instanceof Error ? error.message : String(error)}`];
  }
}

/** Runs tsc over the objects typed as their models; returns its diagnostics ('' when clean). */
export function unknownFieldDiagnostics(groups: Readonly<Record<string, readonly K8sObject[]>>): string {
  const dir = join(ROOT, '.cache', 'k8s-typecheck');
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  for (const [name, objects] of Object.entries(groups)) {
    const lines = objects.flatMap((object, i) => [
      `import type { I${object.kind} as T${i} } from '${modelModule(object)}';`,
      `// ${object.kind}/${object.metadata.name}`,
      `export const object${i}: T${i} = ${JSON.stringify(object, null, 2)};`,
    ]);
    const file = `${name}.ts`;
    writeFileSync(join(dir, file), `${lines.join('\n')}\n`);
    files.push(file);
  }
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { strict: true, noEmit: true, module: 'NodeNext', moduleResolution: 'NodeNext', skipLibCheck: true, types: [] },
      files,
    }),
  );
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', dir], { encoding: 'utf8' });
  return result.status === 0 ? '' : `${result.stdout}${result.stderr}`;
}

/**
 * Linters for what ships besides TypeScript: yamllint on the chart as Helm renders it (every
 * profile) and on the plain manifests and the chart's own YAML files (.yamllint.yaml says which
 * defaults are relaxed, and why), and ShellCheck on every shell script. Both come from Debian:
 * .ci/run installs them; in CI their absence is a failure, elsewhere the tests are pending.
 * (hadolint has no Debian or npm package, so the Dockerfile has no linter here.)
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { CHART, PROFILES, ROOT, renderText, type Profile } from './helm.js';

const has = (tool: string) => spawnSync(tool, ['--version'], { encoding: 'utf8' }).status === 0;
function needs(context: Mocha.Context, tool: string): void {
  if (!has(tool) && process.env['CI'] !== 'true') context.skip();
}

const YAMLLINT_CONFIG = `${ROOT}.yamllint.yaml`;
/** yamllint in strict mode (warnings fail too), on a file or on text given as standard input. */
function yamllint(args: readonly string[], input?: string) {
  return spawnSync('yamllint', ['-s', '-c', YAMLLINT_CONFIG, '-f', 'parsable', ...args], { cwd: ROOT, encoding: 'utf8', input });
}

/** Every shell script: *.sh under scripts/, and .ci/run. */
function shellScripts(): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(`${ROOT}${dir}`, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(`${dir}/${e.name}`) : e.name.endsWith('.sh') ? [`${dir}/${e.name}`] : [],
    );
  return [...walk('scripts'), '.ci/run'];
}
/** ShellCheck following `source`d files from each script's folder, as `file:line:column: level: message [SCnnnn]`. */
function shellcheck(files: readonly string[], input?: string) {
  return spawnSync('shellcheck', ['-x', '--source-path=SCRIPTDIR', '-f', 'gcc', ...files], { cwd: ROOT, encoding: 'utf8', input });
}

describe('linters for the YAML and shell that ship', function () {
  this.timeout(60_000);

  describe('yamllint', () => {
    for (const profile of Object.keys(PROFILES) as Profile[]) {
      it(`passes on the chart rendered with the ${profile} profile, helm test pod included`, function () {
        needs(this, 'yamllint');
        const result = yamllint(['-'], renderText(profile));
        expect(result.status, result.stdout + result.stderr).to.equal(0);
      });
    }

    it("passes on the plain manifests, the chart's Chart.yaml and values files, and its own configuration", function () {
      needs(this, 'yamllint');
      const files = [
        'k8s/manifests/whc-api.yaml',
        ...['Chart.yaml', 'values.yaml', 'values-dev.yaml', 'values-prod.yaml'].map((f) => `${CHART}/${f}`),
      ];
      const result = yamllint([...files, YAMLLINT_CONFIG]);
      expect(result.status, result.stdout + result.stderr).to.equal(0);
    });

    it('does fail: a duplicate key, trailing spaces and a line past 140 columns, each located', function () {
      needs(this, 'yamllint');
      const result = yamllint(['-'], `---\nkind: Pod\nkind: Service\nname: x   \ndescription: ${'y'.repeat(140)}\n`);
      expect(result.status).to.not.equal(0);
      expect(result.stdout).to.match(/^stdin:3:1: \[error\] duplication of key "kind"/m);
      expect(result.stdout).to.match(/^stdin:4:8: \[error\] trailing spaces/m);
      expect(result.stdout).to.match(/^stdin:5:141: \[error\] line too long/m);
    });
  });

  describe('ShellCheck', () => {
    it('passes on every shell script (scripts/**/*.sh, .ci/run)', function () {
      needs(this, 'shellcheck');
      const files = shellScripts();
      expect(files).to.include.members(['scripts/tools/helm.sh', 'scripts/container/lib.sh', '.ci/run']);
      const result = shellcheck(files);
      expect(result.status, result.stdout + result.stderr).to.equal(0);
    });

    it('does fail: an unquoted expansion, located', function () {
      needs(this, 'shellcheck');
      const result = shellcheck(['-'], '#!/usr/bin/env bash\nrm -rf $1/build\n');
      expect(result.status).to.not.equal(0);
      expect(result.stdout).to.match(/^-:2:8: .*\[SC2086\]/m);
    });
  });
});

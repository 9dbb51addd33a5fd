/**
 * data.source: the image's bundled CSV (default and prod: nothing to bind, so any cluster takes
 * the release) or a shared volume (dev's hostPath, a ReadWriteMany class, an existing claim), and
 * what NOTES.txt tells the operator about it.
 */
import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { dockerfileEnv, dockerfileStage } from './dockerfile.js';
import { CHART, ROOT, findObject, notes, render, type K8sObject } from './helm.js';

interface Container {
  command?: string[];
  env?: { name: string; value?: string }[];
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
}
interface PodSpec {
  containers: Container[];
  volumes: { name: string; persistentVolumeClaim?: { claimName: string }; hostPath?: unknown }[];
}
type Deployment = K8sObject & { spec: { template: { spec: PodSpec } } };

const pod = (objects: K8sObject[]) => findObject<Deployment>(objects, 'Deployment').spec.template.spec;
const dataFile = (objects: K8sObject[]) => pod(objects).containers[0]?.env?.find((e) => e.name === 'DATA_FILE')?.value;
const kinds = (objects: K8sObject[]) => objects.map((o) => o.kind);
const VOLUME_KINDS = ['PersistentVolumeClaim', 'PersistentVolume', 'Job', 'CronJob'];
const publishCommand = (objects: K8sObject[]) =>
  findObject<K8sObject & { spec: { template: { spec: PodSpec } } }>(objects, 'Job').spec.template.spec.containers[0]?.command ?? [];

describe('Helm chart: the data source', function () {
  this.timeout(60_000);
  const values = parseYaml(readFileSync(`${CHART}/values.yaml`, 'utf8')) as {
    data: { source: string; fileName: string; mountPath: string; hostPath: { path: string } };
    dataJob: { source: string };
  };

  describe('data.source=image (the default, and prod)', () => {
    for (const profile of ['default', 'prod'] as const) {
      it(`${profile}: renders no claim, volume or data Job, so nothing waits for storage (installs on a ReadWriteOnce-only cluster)`, () => {
        const objects = render(profile);
        for (const kind of VOLUME_KINDS) expect(kinds(objects), kind).to.not.include(kind);
        const spec = pod(objects);
        expect(spec.volumes.filter((v) => v.persistentVolumeClaim !== undefined || v.hostPath !== undefined)).to.deep.equal([]);
        expect(spec.containers[0]?.volumeMounts?.map((m) => m.name)).to.not.include('data');
      });
    }

    it("serves the image's own copy: DATA_FILE is the production image's DATA_FILE, a file the Dockerfile copies from data/", () => {
      expect(values.data.source).to.equal('image');
      const file = dataFile(render('default'));
      expect(file).to.equal(dockerfileEnv('production')['DATA_FILE']);
      expect(dataFile(render('prod'))).to.equal(file);
      // WORKDIR /app + COPY data ./data: the repository's data/<fileName> is /app/data/<fileName> in the image.
      const production = dockerfileStage('production');
      expect(production).to.include('WORKDIR /app');
      expect(production).to.include('COPY data ./data');
      expect(file).to.equal(`/app/data/${values.data.fileName}`);
      expect(existsSync(`${ROOT}data/${values.data.fileName}`)).to.equal(true);
      // The data Job's default source is that same bundled copy.
      expect(values.dataJob.source).to.equal(file);
      // And the startup snapshot's: the build stage snapshots that path, in the same WORKDIR, and a
      // start is served from it only at that path (src/snapshot/entry.ts).
      expect(dockerfileEnv('build')['DATA_FILE']).to.equal(file);
      expect(dockerfileStage('build')).to.include('COPY --chown=node:node data ./data');
    });

    it('NOTES.txt says the data is the image’s and how to publish new data', () => {
      const text = notes('prod');
      expect(text).to.include('Data source: image.');
      expect(text).to.include(`(${dockerfileEnv('production')['DATA_FILE']})`);
      expect(text).to.include('--set data.source=volume');
      expect(text).to.not.include('Job');
    });
  });

  describe('data.source=volume', () => {
    it('dev: every API pod mounts the claim bound to the hostPath volume at data.hostPath.path, so an edit on the host reaches every pod', () => {
      const dev = render('dev');
      const pv = findObject<K8sObject & { spec: { hostPath: { path: string }; claimRef: { name: string } } }>(dev, 'PersistentVolume');
      const claim = findObject(dev, 'PersistentVolumeClaim');
      expect(pv.spec.hostPath.path).to.equal(values.data.hostPath.path);
      expect(pv.spec.claimRef.name).to.equal(claim.metadata.name);
      // The object names the Tiltfile's data-volume resource lists.
      expect([pv.metadata.name, claim.metadata.name]).to.deep.equal(['whc-api-data', 'whc-api-data']);
      expect(pod(dev).volumes.find((v) => v.name === 'data')?.persistentVolumeClaim?.claimName).to.equal(claim.metadata.name);
      expect(dataFile(dev)).to.equal(`${values.data.mountPath}/${values.data.fileName}`);
      expect(kinds(dev)).to.not.include('Job');
    });

    it('one setting away for a cluster with ReadWriteMany: a ReadWriteMany claim, and the data Job publishing onto it', () => {
      const objects = render('prod', ['--set', 'data.source=volume', '--set', 'data.persistentVolumeClaim.storageClassName=nfs']);
      const claim = findObject<K8sObject & { spec: { accessModes: string[]; storageClassName: string } }>(objects, 'PersistentVolumeClaim');
      expect(claim.spec).to.include({ storageClassName: 'nfs' });
      expect(claim.spec.accessModes).to.deep.equal(['ReadWriteMany']);
      expect(kinds(objects)).to.include.members(['Job', 'CronJob']);
    });

    it('an existing claim: mounted by name, no claim of the release', () => {
      const objects = render('prod', ['--set', 'data.source=volume', '--set', 'data.existingClaim=shared-whc']);
      expect(kinds(objects)).to.not.include('PersistentVolumeClaim');
      expect(pod(objects).volumes.find((v) => v.name === 'data')?.persistentVolumeClaim?.claimName).to.equal('shared-whc');
      expect(publishCommand(objects).at(-1)).to.equal(dataFile(objects));
    });

    it('NOTES.txt names the claim and the data Job by the name it really has, and how to publish again', () => {
      const objects = render('prod', ['--set', 'data.source=volume']);
      const job = findObject(objects, 'Job').metadata.name;
      const text = notes('prod', ['--set', 'data.source=volume']);
      expect(text).to.include('Data source: volume.');
      expect(text).to.include(`from the claim ${findObject(objects, 'PersistentVolumeClaim').metadata.name}`);
      expect(text).to.include(`job/${job}`);
      expect(text).to.include(`--from=cronjob/${findObject(objects, 'CronJob').metadata.name}`);
      const dev = notes('dev');
      expect(dev).to.include(`replacing the file in ${values.data.hostPath.path}`);
      expect(dev).to.not.include('job/');
    });
  });

  describe('dataJob.allowShrink', () => {
    const volume = ['--set', 'data.source=volume'];
    it('passes --allow-shrink to whc-data publish when true, before the operands', () => {
      const command = publishCommand(render('prod', [...volume, '--set', 'dataJob.allowShrink=true']));
      expect(command.slice(0, 4)).to.deep.equal(['node', 'dist/cli/data.js', 'publish', '--allow-shrink']);
      expect(command).to.have.length(6);
    });
    it('passes nothing by default: a shrinking dataset fails the Job and the served file stays', () => {
      const objects = render('prod', volume);
      expect(publishCommand(objects)).to.not.include('--allow-shrink');
      const cronJob = findObject<K8sObject & { spec: { jobTemplate: { spec: { template: { spec: PodSpec } } } } }>(objects, 'CronJob');
      expect(cronJob.spec.jobTemplate.spec.template.spec.containers[0]?.command).to.not.include('--allow-shrink');
    });
  });
});

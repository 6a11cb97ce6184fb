import * as fs from 'fs';
import * as path from 'path';
import { conformanceErrors, schemas, strictify } from './conformance';

describe('conformance harness', () => {
  test('a valid core object passes', () => {
    expect(conformanceErrors([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'b' }, data: { k: 'v' } }])).toEqual([]);
  });

  test('unknown fields are rejected, at the top and deep inside', () => {
    expect(conformanceErrors([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', labelz: {} } }]))
      .toEqual(['v1/ConfigMap "a": /metadata must NOT have additional properties "labelz"']);
    const sts = {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 's' },
      spec: { selector: {}, serviceName: 's', template: { spec: { containers: [{ name: 'c', image: 'x:1', securityContext: { runAsNonRot: true } }] } } },
    };
    expect(conformanceErrors([sts])).toEqual(['apps/v1/StatefulSet "s": /spec/template/spec/containers/0/securityContext must NOT have additional properties "runAsNonRot"']);
  });

  test('wrong types and missing required fields are rejected', () => {
    const errors = conformanceErrors([{ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'x' }, allowVolumeExpansion: 'yes' }]);
    expect(errors).toContain('storage.k8s.io/v1/StorageClass "x": / must have required property \'provisioner\'');
    expect(errors).toContain('storage.k8s.io/v1/StorageClass "x": /allowVolumeExpansion must be boolean');
  });

  test('unknown apiVersion/kind is an error, not a pass', () => {
    expect(conformanceErrors([{ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }])[0]).toMatch(/unknown apiVersion\/kind/);
    expect(conformanceErrors([{ apiVersion: 'kafka.strimzi.io/v1beta2', kind: 'Kafka', metadata: { name: 'k' } }])[0]).toMatch(/unknown apiVersion\/kind/);
  });

  test('null values and missing names are rejected', () => {
    expect(conformanceErrors([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, data: null }])).toEqual(['v1/ConfigMap "a": null value at /data (never emit null)']);
    expect(conformanceErrors([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: {} }])[0]).toMatch(/metadata.name is required/);
  });

  test('CRDs validate with unknown fields rejected and metadata held to ObjectMeta', () => {
    const job = { apiVersion: 'longhorn.io/v1beta2', kind: 'RecurringJob', metadata: { name: 'snap', namespace: 'longhorn-system' }, spec: { task: 'snapshot', cron: '0 * * * *', retain: 5, concurrency: 1, groups: ['default'] } };
    expect(conformanceErrors([job])).toEqual([]);
    expect(conformanceErrors([{ ...job, spec: { ...job.spec, task: 'snapshots' } }])[0]).toMatch(/\/spec\/task must be equal to one of the allowed values/);
    expect(conformanceErrors([{ ...job, spec: { ...job.spec, retian: 5 } }])[0]).toMatch(/\/spec must NOT have additional properties "retian"/);
    expect(conformanceErrors([{ ...job, metadata: { name: 'snap', lables: {} } }])[0]).toMatch(/\/metadata must NOT have additional properties "lables"/);
  });

  test('every CRD the project pins is loadable', () => {
    const kinds = schemas().knownKinds();
    for (const k of ['ceph.rook.io/v1/CephCluster', 'velero.io/v1/Schedule', 'kafka.strimzi.io/v1/KafkaMirrorMaker2', 'snapshot.storage.k8s.io/v1/VolumeSnapshotClass', 'longhorn.io/v1beta2/RecurringJob', 'apps/v1/StatefulSet']) {
      expect(kinds).toContain(k);
    }
    expect(kinds).not.toContain('kafka.strimzi.io/v1beta2/Kafka');
  });

  test('strictify leaves preserve-unknown-fields and combinator branches open', () => {
    expect(strictify({ type: 'object', properties: { a: { 'type': 'object', 'x-kubernetes-preserve-unknown-fields': true, 'properties': { b: {} } } } }))
      .toEqual({ type: 'object', additionalProperties: false, properties: { a: { 'type': 'object', 'x-kubernetes-preserve-unknown-fields': true, 'properties': { b: {} } } } });
    expect(strictify({ anyOf: [{ properties: { a: {} } }] })).toEqual({ anyOf: [{ properties: { a: {} } }] });
    expect(strictify({ nullable: true })).toEqual({});
  });
});

describe('every test synthesizes through the harness', () => {
  // Conformance is only as good as its coverage: tests must not call Testing.synth / toJson directly
  // (except those that exercise synth-time failures, which produce no manifests to validate).
  const testDir = path.resolve(__dirname, '..');
  const files: string[] = [];
  const walk = (d: string) => fs.readdirSync(d, { withFileTypes: true }).forEach((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : e.name.endsWith('.test.ts') && files.push(path.join(d, e.name))));
  walk(testDir);
  test.each(files.map((f) => path.relative(testDir, f)))('%s', (rel) => {
    const text = fs.readFileSync(path.join(testDir, rel), 'utf8');
    const direct = text.split('\n').filter((l) => /Testing\.synth\(|\.toJson\(\)/.test(l) && !/toThrow|expect\(\(\) =>|conformance-exempt/.test(l));
    expect(direct).toEqual([]);
  });
});

import * as fs from 'fs';
import * as path from 'path';
import { Size, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { hosts, muteWarnings } from './fixtures';
import { buildApp } from '../../../examples/rook-ceph/main';
import { locateSchemas } from '../../../scripts/schema-location';
import { CephFailureDomain, KafkaCredentials, RookCephCluster, TlsCredentials } from '../../../src';
import { synth } from '../../support/harness';

muteWarnings();

/**
 * ajv does not run the CEL rules (`x-kubernetes-validations`) of the Rook CRDs. Every rule that can apply to what the
 * library emits is restated here as a JavaScript predicate and run over real output; transition rules (they compare
 * with `oldSelf`, i.e. with the object already in the cluster) cannot be checked at synth and are listed as such.
 * A rule this table does not know fails the test, so a CRD update cannot add an unchecked rule silently.
 */
const RULES: { [rule: string]: (self: any) => boolean } = {
  'has(self.crushNumFailureDomains) == has(self.crushOSDsPerFailureDomain)':
    (s) => (s.crushNumFailureDomains !== undefined) === (s.crushOSDsPerFailureDomain !== undefined),
  '!has(self.zones) || (has(self.zones) && (size(self.zones) <= self.count))':
    (s) => s.zones === undefined || s.zones.length <= s.count,
  '!has(self.stretchCluster) || (has(self.stretchCluster) && (size(self.stretchCluster.zones) > 0) && (size(self.stretchCluster.zones) == 3))':
    (s) => s.stretchCluster === undefined || (s.stretchCluster.zones ?? []).length === 3,
  "!has(self.provider) || (self.provider != 'multus' || (self.provider == 'multus' && size(self.selectors) > 0))":
    (s) => s.provider === undefined || s.provider !== 'multus' || Object.keys(s.selectors ?? {}).length > 0,
  '!has(self.hostNetwork) || self.hostNetwork == false || !has(self.provider) || self.provider == ""':
    (s) => s.hostNetwork === undefined || s.hostNetwork === false || s.provider === undefined || s.provider === '',
  "self.all(k, k.matches('^[A-Z]+(_[A-Z]+)+$'))":
    (s) => Object.keys(s).every((k) => /^[A-Z]+(_[A-Z]+)+$/.test(k)),
  '!(has(self.defaultRealm) && self.defaultRealm == true && has(self.zone) && size(self.zone.name) > 0)':
    (s) => !(s.defaultRealm === true && (s.zone?.name ?? '').length > 0),
};

function crdSchemas(): Map<string, any> {
  const file = path.join(locateSchemas(), 'crds', 'rook', 'crds.yaml');
  const out = new Map<string, any>();
  for (const doc of YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'))) {
    const crd = doc.toJS({ maxAliasCount: -1 });
    if (crd?.kind !== 'CustomResourceDefinition') continue;
    for (const v of crd.spec.versions) out.set(`${crd.spec.group}/${v.name}/${crd.spec.names.kind}`, v.schema.openAPIV3Schema);
  }
  return out;
}

/** Every rule found on the schema path of `value`, evaluated; returns the violations. */
function check(schema: any, value: any, at: string, unknown: Set<string>): string[] {
  if (value === undefined || schema === undefined) return [];
  const problems: string[] = [];
  for (const v of schema['x-kubernetes-validations'] ?? []) {
    const rule = /oldSelf/.test(v.rule) ? 'transition' : RULES[v.rule];
    if (rule === undefined) unknown.add(v.rule);
    else if (rule !== 'transition' && !rule(value)) problems.push(`${at}: ${v.message ?? v.rule}`);
  }
  if (schema.properties && value && typeof value === 'object') {
    for (const [k, s] of Object.entries<any>(schema.properties)) problems.push(...check(s, value[k], `${at}/${k}`, unknown));
  }
  if (schema.items && Array.isArray(value)) value.forEach((item, i) => problems.push(...check(schema.items, item, `${at}/${i}`, unknown)));
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object' && value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, item] of Object.entries(value)) problems.push(...check(schema.additionalProperties, item, `${at}/${k}`, unknown));
  }
  return problems;
}

/** Every CEL rule in the schema tree (to make sure the table covers all of them). */
function allRules(schema: any, into: Set<string>): void {
  if (!schema || typeof schema !== 'object') return;
  for (const v of schema['x-kubernetes-validations'] ?? []) into.add(v.rule);
  for (const value of Object.values(schema)) {
    if (value && typeof value === 'object') allRules(value, into);
  }
}

const EMITTED = ['CephCluster', 'CephBlockPool', 'CephFilesystem', 'CephObjectStore', 'CephObjectStoreUser', 'CephBucketTopic', 'CephBucketNotification'];

function maximalCluster(): any[] {
  const c = Testing.chart();
  const cluster = new RookCephCluster(c, 'ceph', {
    hosts: hosts(5, ['sdb', 'sdc']),
    deviceSets: [{ name: 'pvc', count: 3, storageClassName: 'lvm', size: Size.gibibytes(100), nodes: ['node-1', 'node-2', 'node-3'] }],
    hostNetwork: true,
    monVolume: { storageClassName: 'local' },
    networkEncryption: true,
    cephConfig: { global: { osd_pool_default_size: '3' } },
  });
  cluster.addErasureCodedBlockPool('video', { deviceClass: 'hdd' });
  cluster.addBlockPool('db', { deviceClass: 'hdd', failureDomain: CephFailureDomain.OSD });
  cluster.addFilesystem('files', { deviceClass: 'hdd', erasureCodedDataPool: {} });
  const store = cluster.addObjectStore('objects', { deviceClass: 'hdd', erasureCodedDataPool: { dataChunks: 3 }, tls: TlsCredentials.fromSecretName('tls'), caBundleSecretName: 'ca' });
  store.addUser('app', { namespace: 'app' });
  store.addBucket('b-1', { namespace: 'app' }).addKafkaNotification('n', {
    topic: { topicName: 'events', bootstrapServers: 'k:9093', caCertificate: { name: 'ca', key: 'ca.crt' } },
    credentials: KafkaCredentials.fromSecretName('u', { username: 'u' }),
  });
  return synth(c);
}

describe('CEL rules of the Rook CRDs (restated, ajv does not run them)', () => {
  const schemas = crdSchemas();

  test('the table covers every rule of the kinds the library emits', () => {
    const rules = new Set<string>();
    for (const kind of EMITTED) allRules(schemas.get(`ceph.rook.io/v1/${kind}`), rules);
    const transition = [...rules].filter((r) => /oldSelf/.test(r));
    expect([...rules].filter((r) => !transition.includes(r) && RULES[r] === undefined)).toEqual([]);
    // The immutability rules (dataDirHostPath, network provider, shared pools, keyGeneration, accountRef) are
    // transition rules: documented in docs/rook.md, not checkable at synth.
    expect(transition.length).toBeGreaterThan(0);
  });

  test.each<[string, () => any[]]>([
    ['the example app', () => synth(buildApp(Testing.app()))],
    ['a maximal configuration', maximalCluster],
  ])('%s satisfies every non-transition rule', (_name, make) => {
    const manifests = make().filter((m) => m.apiVersion === 'ceph.rook.io/v1');
    expect(manifests.length).toBeGreaterThan(3);
    const unknown = new Set<string>();
    const problems = manifests.flatMap((m) => check(schemas.get(`ceph.rook.io/v1/${m.kind}`), m, `${m.kind}/${m.metadata.name}`, unknown));
    expect(problems).toEqual([]);
    expect([...unknown]).toEqual([]);
  });

  test('the predicates reject what the CEL rules reject', () => {
    const ec = RULES['has(self.crushNumFailureDomains) == has(self.crushOSDsPerFailureDomain)'];
    expect(ec({ dataChunks: 2, codingChunks: 2, crushNumFailureDomains: 2 })).toBe(false);
    const net = RULES['!has(self.hostNetwork) || self.hostNetwork == false || !has(self.provider) || self.provider == ""'];
    expect(net({ hostNetwork: true, provider: 'host' })).toBe(false);
    expect(net({ provider: 'host' })).toBe(true);
  });
});

// Issue 15 item 10: MirrorMaker2 restarts failed connectors and sizes Kafka Connect's internal topics for a fleet.
// The Strimzi rules are read from the pinned KafkaMirrorMaker2 CRD (Strimzi 1.2.0), not restated here.
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import {
  EdgeKafkaCluster, EdgeKafkaTopic, KafkaCredentials, KafkaCloudCluster, KafkaCloudToEdgeMirror, KafkaSync,
} from '../../src';
import { chart, find, synth } from '../support/harness';

const CRD = path.resolve(__dirname, '..', '..', '..', 'shared', 'schemas', 'crds', 'strimzi', '1.2.0', '048-Crd-kafkamirrormaker2.yaml');

const cloud = (username: string): KafkaCloudCluster => ({
  bootstrapServers: 'kafka.cloud.example.com:9093',
  caCertificate: { name: 'cloud-cluster-ca', key: 'ca.crt' },
  credentials: KafkaCredentials.fromSecretName(username, { username }),
});

/** Both MirrorMaker2 constructs with consumer groups (so both connectors are rendered). */
function mirrors(props: { autoRestart?: boolean } = {}): { push: any; pull: any } {
  const c = chart('site-a');
  const cluster = new EdgeKafkaCluster(c, 'edge');
  const objects = new EdgeKafkaTopic(c, 'objects', { cluster });
  new KafkaSync(c, 'to-cloud', { source: cluster, site: 'site-a', target: cloud('site-a-mm2'), topics: [objects], consumerGroups: ['indexer'], ...props });
  new KafkaCloudToEdgeMirror(c, 'from-cloud', { source: cloud('site-a-pull'), target: cluster, site: 'site-a', topics: ['model-releases'], consumerGroups: ['puller'], ...props });
  const manifests = synth(c);
  return { push: find(manifests, 'KafkaMirrorMaker2', 'to-cloud'), pull: find(manifests, 'KafkaMirrorMaker2', 'from-cloud') };
}

/** The pinned CRD's v1 schema of `spec`. */
function specSchema(): any {
  const crd = parseAllDocuments(fs.readFileSync(CRD, 'utf8')).map((d) => d.toJS()).find((d) => d?.kind === 'CustomResourceDefinition');
  return crd.spec.versions.find((v: any) => v.name === 'v1').schema.openAPIV3Schema.properties.spec;
}

/** "Properties with the following prefixes cannot be set: a, b (with the exception of: c, d)." → lists. */
function prefixRule(description: string): { prefixes: string[]; exceptions: string[] } {
  const m = /cannot be set: (.*?) \(with the exception of: (.*?)\)\./.exec(description);
  if (!m) throw new Error(`no prefix rule in: ${description}`);
  const list = (s: string) => s.split(',').map((x) => x.trim()).filter((x) => x);
  return { prefixes: list(m[1]), exceptions: list(m[2]) };
}

describe('MirrorMaker2 for a fleet (KafkaSync and KafkaCloudToEdgeMirror)', () => {
  test('both connectors restart automatically after a failure (Strimzi autoRestart, in the pinned CRD)', () => {
    const connectorSchema = specSchema().properties.mirrors.items.properties.sourceConnector.properties;
    expect(connectorSchema.autoRestart.properties.enabled.type).toBe('boolean');
    for (const mm2 of Object.values(mirrors())) {
      const mirror = mm2.spec.mirrors[0];
      expect(mirror.sourceConnector.autoRestart).toEqual({ enabled: true });
      expect(mirror.checkpointConnector.autoRestart).toEqual({ enabled: true });
    }
    for (const mm2 of Object.values(mirrors({ autoRestart: false }))) {
      expect(mm2.spec.mirrors[0].sourceConnector.autoRestart).toEqual({ enabled: false });
    }
  });

  test('Kafka Connect\'s offset and status topics get one partition each (the config topic always has one)', () => {
    for (const mm2 of Object.values(mirrors())) {
      expect(mm2.spec.target.config['offset.storage.partitions']).toBe(1);
      expect(mm2.spec.target.config['status.storage.partitions']).toBe(1);
    }
  });

  test('every key the library puts in target.config and the connector configs is one Strimzi 1.2 passes through', () => {
    const spec = specSchema();
    const cluster = prefixRule(spec.properties.target.properties.config.description);
    const connectorRule = /The following properties cannot be set: (.*?)\./.exec(spec.properties.mirrors.items.properties.sourceConnector.properties.config.description);
    const connectorForbidden = connectorRule![1].split(',').map((x) => x.trim());
    expect(cluster.prefixes).toContain('offset.storage.topic');
    for (const mm2 of Object.values(mirrors())) {
      for (const key of Object.keys(mm2.spec.target.config)) {
        const hit = cluster.prefixes.find((p) => key.toLowerCase().startsWith(p));
        expect({ key, dropped: hit !== undefined && !cluster.exceptions.includes(key) }).toEqual({ key, dropped: false });
      }
      const mirror = mm2.spec.mirrors[0];
      for (const connector of [mirror.sourceConnector, mirror.checkpointConnector]) {
        for (const key of Object.keys(connector.config)) expect(connectorForbidden).not.toContain(key.toLowerCase());
      }
    }
  });
});

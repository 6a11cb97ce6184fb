import { App } from 'cdk8s';
import { buildApp } from '../../../examples/minio/main';
import { MinioCluster } from '../../../src';
import { find, synth } from '../../support/harness';

describe('examples/minio', () => {
  test('4 × 1 drives at EC:2 with two buckets that expire data and publish events to Kafka', () => {
    process.env.EDGE_STORAGE_SILENCE_WARNINGS = '1';
    const app = buildApp(new App({ outdir: 'unused' }));
    const manifests = synth(app);
    const store = app.node.findAll().find((c): c is MinioCluster => c instanceof MinioCluster)!;
    expect([store.layout.servers, store.layout.drivesPerServer, store.layout.storageClass, store.layout.toleratesServerLoss]).toEqual([4, 1, 'EC:2', true]);
    expect(store.bucketNames).toEqual(['recordings', 'snapshots']);
    const cm = find(manifests, 'ConfigMap', 'store-provision');
    expect(Object.keys(cm.data).filter((k) => k.startsWith('ilm-')).sort()).toEqual(['ilm-recordings.json', 'ilm-snapshots.json']);
    expect(store.provisioningCommands.filter((c) => c.startsWith('mc event add'))).toHaveLength(2);
    const env = find(manifests, 'StatefulSet', 'store').spec.template.spec.containers[0].env.map((e: any) => e.name);
    expect(env).toContain('MINIO_NOTIFY_KAFKA_QUEUE_DIR_SITEAOBJECTEVENTS');
    expect(find(manifests, 'PodDisruptionBudget', 'store').spec.maxUnavailable).toBe(1);
  });
});

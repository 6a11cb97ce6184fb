import { Testing } from 'cdk8s';
import { buildApp } from '../../examples/backup/main';
import { Warnings } from '../../src';
import { find, synth } from '../support/harness';

describe('examples/backup', () => {
  test('synthesizes conformant objects without warnings', () => {
    const app = buildApp(Testing.app());
    const manifests = synth(app);
    expect(manifests.map((m) => `${m.kind}/${m.metadata.namespace}/${m.metadata.name}`).sort()).toEqual([
      'BackupStorageLocation/velero/site-a',
      'CronJob/site-a/nvr-index-backup',
      'CronJob/site-a/recordings-archive',
      'NetworkPolicy/site-a/nvr-index-backup',
      'NetworkPolicy/site-a/recordings-archive',
      'Schedule/velero/site-a-daily',
      'Schedule/velero/site-a-weekly',
    ]);
    expect(find(manifests, 'BackupStorageLocation', 'site-a').spec.config.checksumAlgorithm).toBe('');
    expect(find(manifests, 'Schedule', 'site-a-daily').spec.template.ttl).toBe('720h0m0s');
    expect(find(manifests, 'Schedule', 'site-a-weekly').spec.template.ttl).toBe('2160h0m0s');
    expect(app.charts.flatMap((c) => Warnings.collect(c))).toEqual([]);
  });
});

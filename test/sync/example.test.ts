import { Testing } from 'cdk8s';
import { fullMatch } from './strimzi-support';
import { buildApp } from '../../examples/kafka-sync/main';
import { find, synth } from '../support/harness';

test('examples/kafka-sync synthesizes conformant edge and cloud charts', () => {
  const manifests = synth(buildApp(Testing.app()));
  const mm2 = find(manifests, 'KafkaMirrorMaker2', 'to-cloud');
  expect(['objects', 'telemetry'].every((t) => fullMatch(mm2.spec.mirrors[0].topicsPattern, t))).toBe(true);
  // The cloud user may create and write only the site's prefixed topics.
  const cloudUser = find(manifests, 'KafkaUser', 'site-a-mm2');
  const remote = cloudUser.spec.authorization.acls.find((a: any) => a.resource.patternType === 'prefix');
  expect(remote.resource).toEqual({ type: 'topic', name: 'site-a.', patternType: 'prefix' });
  // Cloud -> edge: model releases are pulled into the edge cluster; the cloud user for that is read-only.
  const pull = find(manifests, 'KafkaMirrorMaker2', 'from-cloud');
  expect(pull.spec.target.bootstrapServers).toBe('edge-kafka-bootstrap.site-a.svc:9093');
  expect(fullMatch(pull.spec.mirrors[0].topicsPattern, 'model-releases')).toBe(true);
  const reader = find(manifests, 'KafkaUser', 'site-a-releases');
  expect(reader.spec.authorization.acls.flatMap((a: any) => a.operations).sort()).toEqual(['Describe', 'DescribeConfigs', 'Read']);
  const puller = find(manifests, 'KafkaUser', 'model-puller');
  expect(puller.spec.authorization.acls[0].resource.name).toBe('cloud.model-releases');
  expect(find(manifests, 'CronJob', 'video-to-cloud').spec.jobTemplate.spec.template.spec.containers[0].env)
    .toContainEqual({ name: 'SYNC_DESTINATION', value: 'destination:fleet-video/site-a' });
});

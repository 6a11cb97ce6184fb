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
  expect(find(manifests, 'CronJob', 'video-to-cloud').spec.jobTemplate.spec.template.spec.containers[0].args).toContain('destination:fleet-video/site-a');
});

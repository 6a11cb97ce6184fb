// Helpers for the sync tests (not a test file).

/**
 * Fields that exist only in Strimzi's v1beta2 API (removed in `kafka.strimzi.io/v1`, which Strimzi 1.x serves alone).
 * Paths use `[]` for "every array element".
 */
export const V1BETA2_ONLY_FIELDS: { [kind: string]: string[] } = {
  Kafka: ['spec.zookeeper', 'spec.kafka.replicas', 'spec.kafka.storage', 'spec.kafka.resources', 'spec.kafka.template.pod'],
  KafkaMirrorMaker2: ['spec.connectCluster', 'spec.clusters', 'spec.mirrors[].sourceCluster', 'spec.mirrors[].targetCluster',
    'spec.mirrors[].heartbeatConnector', 'spec.mirrors[].topicsBlacklistPattern', 'spec.mirrors[].groupsBlacklistPattern', 'spec.externalConfiguration'],
  KafkaUser: ['spec.authorization.acls[].operation'],
  KafkaTopic: [],
  KafkaNodePool: [],
};

/** Values found at a dotted path (`[]` expands arrays). */
export function valuesAt(obj: any, path: string): any[] {
  let current: any[] = [obj];
  for (const part of path.split('.')) {
    const arr = part.endsWith('[]');
    const key = arr ? part.slice(0, -2) : part;
    current = current.flatMap((o) => (o && typeof o === 'object' && key in o ? [o[key]] : []));
    if (arr) current = current.flatMap((o) => (Array.isArray(o) ? o : []));
  }
  return current;
}

/** Every v1beta2-only field present in the Strimzi objects of `manifests` (empty when clean). */
export function v1beta2Fields(manifests: any[]): string[] {
  return manifests
    .filter((m) => String(m.apiVersion).startsWith('kafka.strimzi.io/'))
    .flatMap((m) => [
      ...(m.apiVersion !== 'kafka.strimzi.io/v1' ? [`${m.kind}/${m.metadata.name}: apiVersion ${m.apiVersion}`] : []),
      ...(V1BETA2_ONLY_FIELDS[m.kind] ?? []).filter((p) => valuesAt(m, p).length > 0).map((p) => `${m.kind}/${m.metadata.name}: ${p}`),
    ]);
}

/** Java-regex full match, close enough for MirrorMaker2's topic filters built from escaped literals. */
export function fullMatch(pattern: string, name: string): boolean {
  return new RegExp(`^(?:${pattern})$`).test(name);
}

// Names for the label sets that recur in the sites' flow tables (test/support/manifest-views.ts). The labels are
// written out here, not taken from the library: a site whose policies select other labels prints them in full and
// its flow-table test fails.
import { Legend } from '../support/manifest-views';

const k = (name: string, instance: string, component?: string) => ({
  'app.kubernetes.io/name': name,
  'app.kubernetes.io/instance': instance,
  ...(component ? { 'app.kubernetes.io/component': component } : {}),
});

/** Pods every site has: the MinIO store, its provisioning Job, Strimzi's pods of cluster `events`, cluster DNS. */
export const siteLegend = {
  'store': k('minio', 'store', 'server'),
  'store-provisioner': k('minio', 'store', 'provisioner'),
  // Strimzi labels every pod of a Kafka cluster with its name; brokers also with their kind and role.
  'kafka-pods': { 'strimzi.io/cluster': 'events' },
  'kafka-brokers': { 'strimzi.io/cluster': 'events', 'strimzi.io/kind': 'Kafka', 'strimzi.io/broker-role': 'true' },
  'entity-operator': { 'strimzi.io/name': 'events-entity-operator' },
  'kube-dns': { 'k8s-app': 'kube-dns' },
} satisfies Legend;

/** The pods of Strimzi's KafkaMirrorMaker2 `name`. */
export const mirrorMaker = (name: string) => ({ 'strimzi.io/cluster': name, 'strimzi.io/kind': 'KafkaMirrorMaker2' });

/** The selector labels the library gives a workload: app.kubernetes.io/name and instance (and component). */
export const workload = k;

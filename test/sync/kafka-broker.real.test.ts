// Real tier: every KafkaTopic and KafkaUser the library emits (each example with Kafka, each blueprint with default
// and customized props, and the building blocks' other options; see kafka-sources.ts) applied to a real Kafka broker
// (KRaft, SASL/SCRAM-SHA-512, StandardAuthorizer):
// - each topic is created with exactly its spec.config, and the broker's described config equals it;
// - each user's spec.authorization.acls (Strimzi `simple` authorization) are added with kafka-acls for a SCRAM user
//   of that name (spec.quotas with kafka-configs), and real clients (console producer/consumer) show they allow what
//   the site needs and deny a topic the user was not granted.
// One broker serves the whole file; each source (and each Kafka cluster within it) starts from an empty broker.
// Single broker: a topic's `replicas` is clamped to 1, and where its min.insync.replicas then exceeds the replicas,
// records are produced with acks=1 (both printed). Anything the broker rejects fails the test with its message.
import { KafkaSource, kafkaSources } from './kafka-sources';
import {
  aclArgs, aclPatternType, describeRun, KafkaBroker, KafkaClass, newPassword, parseTopicConfigs, pool, ScramUser, startBroker,
} from '../support/kafka';
import { requireToolPath, requireTools } from '../support/tools';

requireTools('java');
requireToolPath('kafka/libs');

process.env.EDGE_STORAGE_SILENCE_WARNINGS = '1';
const sources = kafkaSources();
delete process.env.EDGE_STORAGE_SILENCE_WARNINGS;

/** One SCRAM login per user name across all sources (created when the broker is formatted). */
const logins = new Map<string, ScramUser>();
for (const s of sources) {
  for (const u of s.users) {
    expectScram(s, u);
    if (!logins.has(u.metadata.name)) logins.set(u.metadata.name, { name: u.metadata.name, password: newPassword() });
  }
}

function expectScram(s: KafkaSource, u: any) {
  if (u.spec?.authentication?.type !== 'scram-sha-512') {
    throw new Error(`${s.name}: KafkaUser ${u.metadata.name} has authentication ${JSON.stringify(u.spec?.authentication)}; this test logs in with scram-sha-512`);
  }
  if (u.spec?.authorization && u.spec.authorization.type !== 'simple') {
    throw new Error(`${s.name}: KafkaUser ${u.metadata.name} uses authorization type ${u.spec.authorization.type}; only "simple" (ACLs) is applied here`);
  }
}

let broker: KafkaBroker | undefined;

beforeAll(async () => {
  broker = await startBroker({ name: 'kafka-broker-real', scramUsers: [...logins.values()] });
  console.log(`kafka: broker ${broker.bootstrapServers} (KRaft, SASL_PLAINTEXT/SCRAM-SHA-512, StandardAuthorizer) started in ${broker.startMillis} ms with ${logins.size + 1} SCRAM users`);
}, 180_000);

afterAll(async () => {
  await broker?.stop();
});

const topicName = (t: any): string => t.spec.topicName ?? t.metadata.name;
const clusterKey = (m: any): string => `${m.metadata.namespace ?? ''}/${m.metadata.labels?.['strimzi.io/cluster'] ?? ''}`;
const allows = (rule: any, op: string) => (rule.type ?? 'allow') === 'allow' && (rule.operations ?? [rule.operation]).some((o: string) => o === op || o === 'All');
/** A concrete name a rule covers: the name itself, or (prefix rules) the prefix plus "probe". */
const concrete = (rule: any): string => (rule.resource.patternType === 'prefix' ? `${rule.resource.name}probe` : rule.resource.name);
const covers = (rule: any, name: string): boolean => (rule.resource.patternType === 'prefix' ? name.startsWith(rule.resource.name) : name === rule.resource.name);

/** Strimzi KafkaUser `spec.quotas` fields and the Kafka client-quota keys they set. */
const QUOTA_KEYS: { [strimzi: string]: string } = {
  producerByteRate: 'producer_byte_rate',
  consumerByteRate: 'consumer_byte_rate',
  requestPercentage: 'request_percentage',
  controllerMutationRate: 'controller_mutation_rate',
};

const DENIED = /TopicAuthorizationException|Not authorized to access topics/;
const NOT_AUTHORIZED = /AuthorizationException|Not authorized/;

interface Check {
  readonly user: string;
  readonly kind: 'produce' | 'consume';
  readonly topic: string;
  readonly group?: string;
  readonly expect: 'allow' | 'deny';
}

interface ClusterReport {
  topics: number;
  configKeys: number;
  users: number;
  acls: number;
  quotas: number;
  allowedOk: number;
  allowedTotal: number;
  deniedOk: number;
  deniedTotal: number;
  notes: string[];
  problems: string[];
}

/** Bring the broker back to empty: delete the topics and the ACLs on the resources a previous run created. */
async function reset(
  b: KafkaBroker, topics: string[], aclResources: { topics: string[]; groups: string[]; transactionalIds: string[]; cluster: boolean },
  quotaUsers: { name: string; keys: string[] }[],
) {
  for (const q of quotaUsers) {
    await b.mustTool(KafkaClass.CONFIGS, ['--alter', '--entity-type', 'users', '--entity-name', q.name, '--delete-config', q.keys.join(',')]);
  }
  if (topics.length > 0) {
    // --delete takes a regular expression: one call with the exact names.
    await b.mustTool(KafkaClass.TOPICS, ['--delete', '--topic', topics.map((t) => t.replace(/[.]/g, '\\.')).join('|')]);
  }
  const names = [
    ...aclResources.topics.flatMap((t) => ['--topic', t]),
    ...aclResources.groups.flatMap((g) => ['--group', g]),
    ...aclResources.transactionalIds.flatMap((g) => ['--transactional-id', g]),
  ];
  if (names.length > 0) {
    await b.mustTool(KafkaClass.ACLS, ['--remove', '--force', '--resource-pattern-type', 'any', ...names]);
  }
  if (aclResources.cluster) {
    // A separate call: combined with topics and groups, kafka-acls left the cluster rules in place.
    await b.mustTool(KafkaClass.ACLS, ['--remove', '--force', '--cluster']);
  }
  const left = await b.mustTool(KafkaClass.ACLS, ['--list']);
  if (left.stdout.trim() !== '') throw new Error(`ACLs left after reset:\n${left.stdout}`);
}

async function runCluster(b: KafkaBroker, topics: any[], users: any[]): Promise<ClusterReport> {
  const rep: ClusterReport = {
    topics: topics.length,
    configKeys: 0,
    users: users.length,
    acls: 0,
    quotas: 0,
    allowedOk: 0,
    allowedTotal: 0,
    deniedOk: 0,
    deniedTotal: 0,
    notes: [],
    problems: [],
  };
  const created: string[] = [];
  const aclTopics = new Set<string>();
  const aclGroups = new Set<string>();
  const aclTxIds = new Set<string>();
  let aclCluster = false;
  const replicasOnBroker = new Map<string, number>();
  const minInsync = new Map<string, number>();
  const quotaUsers: { name: string; keys: string[] }[] = [];
  try {
    // 1. Topics, exactly as the KafkaTopics say (replicas clamped to the one broker).
    await pool(2, topics.map((t) => async () => {
      const name = topicName(t);
      const config: { [k: string]: string | number } = t.spec.config ?? {};
      const replicas = Math.min(t.spec.replicas ?? 1, 1);
      if ((t.spec.replicas ?? 1) > 1) rep.notes.push(`${name}: replicas ${t.spec.replicas} -> 1 (single broker)`);
      replicasOnBroker.set(name, replicas);
      minInsync.set(name, Number(config['min.insync.replicas'] ?? 1));
      const args = ['--create', '--topic', name, '--partitions', String(t.spec.partitions ?? 1), '--replication-factor', String(replicas),
        ...Object.entries(config).flatMap(([k, v]) => ['--config', `${k}=${v}`])];
      const r = await b.tool(KafkaClass.TOPICS, args);
      if (r.code !== 0) {
        rep.problems.push(`KafkaTopic ${t.metadata.name}: the broker rejected it: ${describeRun(KafkaClass.TOPICS, args, r)}`);
        return;
      }
      created.push(name);
      rep.configKeys += Object.keys(config).length;
    }));
    if (created.length > 0) {
      const described = parseTopicConfigs((await b.mustTool(KafkaClass.CONFIGS, ['--describe', '--entity-type', 'topics'])).stdout);
      for (const t of topics.filter((x) => created.includes(topicName(x)))) {
        const want = Object.fromEntries(Object.entries(t.spec.config ?? {}).map(([k, v]) => [k, String(v)]));
        const got = described[topicName(t)] ?? {};
        if (JSON.stringify(Object.entries(got).sort()) !== JSON.stringify(Object.entries(want).sort())) {
          rep.problems.push(`KafkaTopic ${t.metadata.name}: spec.config ${JSON.stringify(want)} but the broker describes ${JSON.stringify(got)}`);
        }
      }
    }

    // 2. ACLs: one kafka-acls call per rule group with the same principal, permission, host, operations, resource
    // type and pattern type (kafka-acls applies the operations to every resource it is given).
    const batches = new Map<string, { user: string; rule: any; names: string[] }>();
    for (const u of users) {
      for (const rule of u.spec.authorization?.acls ?? []) {
        rep.acls++;
        const r = rule.resource;
        if (r.type === 'topic') aclTopics.add(r.name);
        if (r.type === 'group') aclGroups.add(r.name);
        if (r.type === 'transactionalId') aclTxIds.add(r.name);
        if (r.type === 'cluster') aclCluster = true;
        const k = JSON.stringify([u.metadata.name, rule.type ?? 'allow', rule.host ?? '*', [...(rule.operations ?? [])].sort(), r.type, aclPatternType(r.patternType)]);
        const batch = batches.get(k) ?? { user: u.metadata.name, rule, names: [] as string[] };
        if (r.name !== undefined) batch.names.push(r.name);
        batches.set(k, batch);
      }
    }
    const FLAGS: { [type: string]: string } = { topic: '--topic', group: '--group', transactionalId: '--transactional-id' };
    await pool(2, [...batches.values()].map((batch) => async () => {
      const args = aclArgs(batch.user, batch.rule);
      const flag = FLAGS[batch.rule.resource.type];
      const at = flag ? args.indexOf(flag) : -1;
      const withAll = at >= 0 ? [...args.slice(0, at), ...batch.names.flatMap((n) => [flag, n]), ...args.slice(at + 2)] : args;
      const r = await b.tool(KafkaClass.ACLS, withAll);
      if (r.code !== 0 || NOT_AUTHORIZED.test(r.stderr) || /Error|Exception/.test(r.stderr)) {
        rep.problems.push(`KafkaUser ${batch.user}: the broker rejected ACLs: ${describeRun(KafkaClass.ACLS, withAll, r)}`);
      }
    }));

    // Quotas (spec.quotas): kafka-configs on the user entity, as Strimzi's User Operator sets them; described back.
    for (const u of users.filter((x) => x.spec.quotas)) {
      const want: { [k: string]: number } = Object.fromEntries(Object.entries(u.spec.quotas).map(([k, v]) => [QUOTA_KEYS[k] ?? k, Number(v)]));
      const set = Object.entries(want).map(([k, v]) => `${k}=${v}`).join(',');
      const args = ['--alter', '--entity-type', 'users', '--entity-name', u.metadata.name, '--add-config', set];
      const r = await b.tool(KafkaClass.CONFIGS, args);
      if (r.code !== 0) {
        rep.problems.push(`KafkaUser ${u.metadata.name}: the broker rejected spec.quotas: ${describeRun(KafkaClass.CONFIGS, args, r)}`);
        continue;
      }
      quotaUsers.push({ name: u.metadata.name, keys: Object.keys(want) });
      const described = (await b.mustTool(KafkaClass.CONFIGS, ['--describe', '--entity-type', 'users', '--entity-name', u.metadata.name])).stdout;
      const quotaLine = described.split('\n').find((l) => l.startsWith('Quota configs for')) ?? '';
      const got = Object.fromEntries([...quotaLine.matchAll(/([a-z_]+)=([0-9.]+)/g)].map((m) => [m[1], Number(m[2])]));
      if (JSON.stringify(Object.entries(got).sort()) !== JSON.stringify(Object.entries(want).sort())) {
        rep.problems.push(`KafkaUser ${u.metadata.name}: spec.quotas ${JSON.stringify(u.spec.quotas)} but the broker describes "${quotaLine}"`);
      }
      rep.quotas += Object.keys(want).length;
    }

    // 3. What each user needs, and a topic it was not granted.
    const checks: Check[] = [];
    const kafkaTopicNames = topics.map(topicName);
    for (const u of users) {
      const rules: any[] = u.spec.authorization?.acls ?? [];
      const topicRules = rules.filter((r) => r.resource.type === 'topic');
      const writes = topicRules.filter((r) => allows(r, 'Write'));
      const reads = topicRules.filter((r) => allows(r, 'Read'));
      const groupRead = rules.find((r) => r.resource.type === 'group' && allows(r, 'Read'));
      const group = groupRead ? concrete(groupRead) : undefined;
      const prefer = (rs: any[], alsoPrefer: (r: any) => boolean) =>
        rs.find((r) => kafkaTopicNames.includes(concrete(r))) ?? rs.find(alsoPrefer) ?? rs[0];
      const write = prefer(writes, (r) => !allows(r, 'Read')); // a destination (write-only) before a Connect internal topic
      const read = prefer(reads, () => true);
      if (write) checks.push({ user: u.metadata.name, kind: 'produce', topic: concrete(write), expect: 'allow' });
      if (read) checks.push({ user: u.metadata.name, kind: 'consume', topic: concrete(read), group, expect: 'allow' });
      if (!write && !read) rep.notes.push(`${u.metadata.name}: no topic Read or Write rule to exercise`);
      const granted = (name: string) => topicRules.some((r) => (r.type ?? 'allow') === 'allow' && covers(r, name));
      const others = [...kafkaTopicNames, ...users.flatMap((o) => (o.spec.authorization?.acls ?? []).filter((r: any) => r.resource.type === 'topic').map(concrete))];
      const denyTopic = others.find((n) => !granted(n)) ?? `${concrete(write ?? read ?? { resource: { name: u.metadata.name } })}-not-granted`;
      checks.push({ user: u.metadata.name, kind: write ? 'produce' : 'consume', topic: denyTopic, group, expect: 'deny' });
    }

    // Topics the checks touch that no KafkaTopic declares (Connect's internal topics, mirrored topics, deny probes)
    // are created by the admin with one partition, as MirrorMaker2 or Connect would create them.
    await pool(2, [...new Set(checks.map((c) => c.topic))].filter((n) => !created.includes(n)).map((name) => async () => {
      await b.mustTool(KafkaClass.TOPICS, ['--create', '--topic', name, '--partitions', '1', '--replication-factor', '1']);
      created.push(name);
      aclTopics.add(name);
      replicasOnBroker.set(name, 1);
    }));
    // (No --sync: the console producer then waits its linger time per record; closing flushes and logs any failed send.)
    // The admin writes records with 64 fixed keys to every topic a check consumes, so partition 0 holds some.
    const acksFor = (topic: string) => ((minInsync.get(topic) ?? 1) > (replicasOnBroker.get(topic) ?? 1) ? ['--request-required-acks', '1'] : []);
    await pool(2, [...new Set(checks.filter((c) => c.kind === 'consume').map((c) => c.topic))].map((topic) => async () => {
      const lines = Array.from({ length: 64 }, (_, i) => `k${i}\tseed-${i}`).join('\n') + '\n';
      const r = await b.mustTool(KafkaClass.CONSOLE_PRODUCER, ['--topic', topic, '--reader-property', 'parse.key=true', '--reader-property', 'key.separator=\t', ...acksFor(topic)], b.adminConfig, { stdin: lines });
      if (/ERROR|Exception/.test(r.stderr)) throw new Error(`seeding ${topic} failed: ${describeRun(KafkaClass.CONSOLE_PRODUCER, ['--topic', topic], r)}`);
      if (acksFor(topic).length > 0) rep.notes.push(`${topic}: produced with acks=1 (min.insync.replicas ${minInsync.get(topic)} > 1 replica on this broker)`);
    }));

    const results = await pool(3, checks.map((c) => async () => {
      const login = logins.get(c.user)!;
      let args: string[];
      let stdin = '';
      if (c.kind === 'produce') {
        args = ['--topic', c.topic, ...acksFor(c.topic)];
        stdin = `${c.user} ${c.expect}\n`;
      } else {
        args = ['--topic', c.topic, '--max-messages', '1', '--timeout-ms', '15000',
          ...(c.group ? ['--group', c.group, '--from-beginning'] : ['--partition', '0', '--offset', 'earliest'])];
      }
      const cls = c.kind === 'produce' ? KafkaClass.CONSOLE_PRODUCER : KafkaClass.CONSOLE_CONSUMER;
      const r = await b.tool(cls, args, login, { stdin });
      const what = `${c.user} ${c.kind} ${c.topic}${c.group ? ` (group ${c.group})` : c.kind === 'consume' ? ' (partition 0, no group)' : ''}`;
      if (c.expect === 'allow') {
        const ok = r.code === 0 && !/ERROR|Exception/.test(r.stderr) && (c.kind === 'produce' || /seed-\d+/.test(r.stdout));
        return { c, ok, detail: ok ? '' : `${what} should be allowed: ${describeRun(cls, args, r)}` };
      }
      const ok = DENIED.test(r.stderr) && !/seed-\d+/.test(r.stdout);
      return { c, ok, detail: ok ? '' : `${what} should be denied with a topic authorization error: ${describeRun(cls, args, r)}` };
    }));
    for (const res of results) {
      if (res.c.expect === 'allow') {
        rep.allowedTotal++;
        if (res.ok) rep.allowedOk++;
      } else {
        rep.deniedTotal++;
        if (res.ok) rep.deniedOk++;
      }
      if (!res.ok) rep.problems.push(res.detail);
    }
    const shown = (c: Check) => `${c.user} ${c.kind} ${c.topic}${c.kind === 'consume' ? (c.group ? ` with group ${c.group}` : ' (partition 0, no group)') : ''}`;
    rep.notes.push(...results.map((r) => `${r.c.expect === 'allow' ? 'allowed' : 'denied'} ${r.ok ? 'as expected' : 'WRONG'}: ${shown(r.c)}`));
  } finally {
    await reset(b, created, { topics: [...aclTopics], groups: [...aclGroups], transactionalIds: [...aclTxIds], cluster: aclCluster }, quotaUsers);
  }
  return rep;
}

describe.each(sources.map((s) => [s.name, s] as [string, KafkaSource]))('kafka: %s', (_name, source) => {
  test('the broker accepts every topic config and ACL; the ACLs allow what the site needs and deny the rest', async () => {
    const b = broker!;
    const keys = [...new Set([...source.topics, ...source.users].map(clusterKey))].sort();
    const reports: ClusterReport[] = [];
    for (const key of keys) {
      reports.push(await runCluster(b, source.topics.filter((t) => clusterKey(t) === key), source.users.filter((u) => clusterKey(u) === key)));
    }
    const sum = (f: (r: ClusterReport) => number) => reports.reduce((n, r) => n + f(r), 0);
    const clusters = keys.length > 1 ? ` on ${keys.length} clusters (${keys.join(', ')})` : '';
    console.log(`kafka: ${source.name}: ${sum((r) => r.topics)} topics created with ${sum((r) => r.configKeys)} config keys, ${sum((r) => r.users)} users, `
      + `${sum((r) => r.acls)} ACLs${sum((r) => r.quotas) > 0 ? `, ${sum((r) => r.quotas)} quotas` : ''}${clusters}; allowed ${sum((r) => r.allowedOk)}/${sum((r) => r.allowedTotal)}, denied ${sum((r) => r.deniedOk)}/${sum((r) => r.deniedTotal)}\n`
      + reports.flatMap((r) => r.notes).map((n) => `  ${n}`).join('\n'));
    expect(reports.flatMap((r) => r.problems)).toEqual([]);
    expect(sum((r) => r.topics + r.users)).toBeGreaterThan(0);
    expect(sum((r) => r.allowedTotal)).toBeGreaterThan(0);
    expect(sum((r) => r.deniedTotal)).toBe(sum((r) => r.users));
  }, 600_000);
});

test('a SCRAM credential set later with kafka-configs (as the User Operator does) logs in; the replaced password is refused', async () => {
  const b = broker!;
  const name = sources.flatMap((s) => s.users)[0].metadata.name;
  const old = logins.get(name)!;
  const fresh: ScramUser = { name, password: newPassword() };
  await b.addScramUser(fresh);
  logins.set(name, fresh);
  // Describe on the cluster is all `--list` needs; the rule is removed again below.
  await b.mustTool(KafkaClass.ACLS, ['--add', '--allow-principal', `User:${name}`, '--operation', 'Describe', '--cluster']);
  try {
    const ok = await b.tool(KafkaClass.TOPICS, ['--list'], fresh);
    const refused = await b.tool(KafkaClass.TOPICS, ['--list'], old);
    console.log(`kafka: SCRAM: ${name} with the password set by kafka-configs: exit ${ok.code}; with the replaced one: exit ${refused.code} (${/SaslAuthenticationException/.test(refused.stderr + refused.stdout) ? 'SaslAuthenticationException' : 'no authentication error'})`);
    expect(ok.code).toBe(0);
    expect(ok.stderr).not.toMatch(/Exception/);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr + refused.stdout).toMatch(/SaslAuthenticationException: Authentication failed.*invalid credentials with SASL mechanism SCRAM-SHA-512/);
  } finally {
    await b.mustTool(KafkaClass.ACLS, ['--remove', '--force', '--cluster']);
  }
}, 120_000);

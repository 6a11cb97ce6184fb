// The provisioning Job's script: rendered from a plain plan so it can be tested without constructs.
// This file is not re-exported from the package.
import { ObjectEvent } from '../../core';

/** `mc event add --event` names of the object events MinIO subscribes to (MinIO subscribes by event family). */
export const MC_EVENT_NAMES: { readonly [event: string]: string } = {
  [ObjectEvent.OBJECT_CREATED]: 'put',
  [ObjectEvent.OBJECT_REMOVED]: 'delete',
  [ObjectEvent.OBJECT_ACCESSED]: 'get',
  [ObjectEvent.REPLICATION]: 'replica',
  [ObjectEvent.LIFECYCLE]: 'ilm',
};

/** Names of the environment variables holding one access-key pair (filled from a Secret by the Job). */
export interface PlanCredential {
  readonly accessEnv: string;
  readonly secretEnv: string;
  /** For log lines: where the keys come from (never the keys). */
  readonly label: string;
}

export interface PlanTier {
  readonly name: string;
  readonly type: string;
  readonly endpoint: string;
  readonly bucket: string;
  readonly prefix?: string;
  readonly region?: string;
  readonly storageClass?: string;
  readonly credential: PlanCredential;
}

export interface PlanEvent {
  readonly arn: string;
  /** `ObjectEvent` values (keys of `MC_EVENT_NAMES`), rendered as mc's event names. */
  readonly events: string[];
  readonly prefix?: string;
  readonly suffix?: string;
}

export interface PlanReplication {
  readonly id: string;
  readonly priority: number;
  readonly scheme: string;
  readonly hostPort: string;
  readonly bucket: string;
  readonly credential: PlanCredential;
  /** Value of `--replicate` (comma-separated; never empty). */
  readonly replicate: string;
  readonly synchronous: boolean;
  /** `--bandwidth`: bytes per second. */
  readonly bandwidthBytes?: number;
  readonly storageClass?: string;
}

export interface PlanBucket {
  readonly name: string;
  readonly objectLock: boolean;
  readonly versioning: boolean;
  readonly retention?: { readonly mode: string; readonly days: number };
  readonly quotaBytes?: number;
  readonly anonymous: string;
  /** Variable holding the bucket's read token (anonymous object reads only with it as the Referer). */
  readonly readTokenEnv?: string;
  readonly encryption?: { readonly type: string; readonly key?: string };
  /** File (in the config dir) holding the ILM JSON, when the lifecycle is managed. */
  readonly ilmFile?: string;
  readonly events: PlanEvent[];
  readonly replication: PlanReplication[];
}

export interface PlanPolicy {
  readonly name: string;
  /** File (in the config dir) holding the policy JSON. */
  readonly file: string;
  readonly users: PlanCredential[];
  readonly groups: Array<{ readonly name: string; readonly members: PlanCredential[] }>;
}

export interface ProvisioningPlan {
  /** Construct path, for the script header. */
  readonly source: string;
  readonly tiers: PlanTier[];
  readonly buckets: PlanBucket[];
  /** Every user (deduplicated) referenced by policies and groups. */
  readonly users: PlanCredential[];
  readonly policies: PlanPolicy[];
}

/** One idempotent step: a log-friendly description and the shell it runs. */
export interface ProvisioningStep {
  readonly description: string;
  /** The main command, as written in the script (secrets appear only as `"$VAR"`). */
  readonly command: string;
  /** The lines of script for the step. */
  readonly lines: string[];
}

export interface RenderedProvisioning {
  readonly script: string;
  readonly steps: ProvisioningStep[];
}

/** POSIX-shell single quoting. */
export function shellQuote(value: string): string {
  return /^[A-Za-z0-9_./:=,@+-]+$/.test(value) ? value : `'${value.replace(/'/g, "'\\''")}'`;
}

/** Shell function of buckets with a read token (only in scripts that use it). */
const TOKEN_READ = `# token_read BUCKET TOKEN: the bucket's only anonymous access is s3:GetObject by requests whose Referer header is
# TOKEN (a cache that cannot sign S3 requests sends it). The token is checked before it goes into the JSON.
token_read() {
  case "$2" in
    ''|*[!A-Za-z0-9._~-]*) fail "the read token of bucket $1 is empty or has characters other than letters, digits and ._~-" ;;
  esac
  printf '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["*"]},"Action":["s3:GetObject"],"Resource":["arn:aws:s3:::%s/*"],"Condition":{"StringEquals":{"aws:Referer":["%s"]}}}]}\\n' "$1" "$2" > /tmp/token-read-"$1".json
  mc anonymous set-json /tmp/token-read-"$1".json "$ALIAS/$1"
}
`;

const PRELUDE = `set -eu

ALIAS=target
CONFIG_DIR="\${PROVISION_CONFIG_DIR:-/config}"
MAX_ATTEMPTS="\${PROVISION_MAX_ATTEMPTS:-10}"
MAX_DELAY="\${PROVISION_MAX_DELAY:-60}"

log() {
  printf 'provision: %s\\n' "$*"
}

fail() {
  log "ERROR: $*" >&2
  exit 1
}

[ -d "$CONFIG_DIR" ] || fail "configuration directory $CONFIG_DIR is missing"

# retry DESCRIPTION COMMAND...: run COMMAND until it succeeds, pausing 2s, 4s, 8s ... (at most MAX_DELAY) between
# attempts, at most MAX_ATTEMPTS times. Only the description is logged: command lines may carry secrets.
retry() {
  what="$1"
  shift
  attempt=1
  delay="\${PROVISION_INITIAL_DELAY:-2}"
  until "$@"; do
    if [ "$attempt" -ge "$MAX_ATTEMPTS" ]; then
      log "ERROR: $what failed after $attempt attempts" >&2
      return 1
    fi
    log "$what failed (attempt $attempt of $MAX_ATTEMPTS), retrying in \${delay}s"
    sleep "$delay"
    attempt=$((attempt + 1))
    delay=$((delay * 2))
    if [ "$delay" -gt "$MAX_DELAY" ]; then
      delay="$MAX_DELAY"
    fi
  done
}

bucket_exists() {
  mc stat "$ALIAS/$1" >/dev/null 2>&1
}

# ensure_bucket NAME LOCK: create the bucket unless it exists (LOCK=1: with object lock, which only creation can set).
ensure_bucket() {
  if bucket_exists "$1"; then
    log "bucket $1 exists"
    if [ "$2" = 1 ] && ! mc retention info --default "$ALIAS/$1" >/dev/null 2>&1; then
      fail "bucket $1 exists without object lock, which can only be chosen when a bucket is created; move its data and recreate it, or drop objectLock"
    fi
    return 0
  fi
  log "creating bucket $1"
  if [ "$2" = 1 ]; then
    mc mb --ignore-existing --with-lock "$ALIAS/$1"
  else
    mc mb --ignore-existing "$ALIAS/$1"
  fi
}

# import_ilm BUCKET FILE: replace the bucket's lifecycle configuration with FILE.
import_ilm() {
  mc ilm import "$ALIAS/$1" < "$2"
}

tier_exists() {
  tiers=$(mc ilm tier ls "$ALIAS" --json 2>/dev/null) || return 1
  case "$tiers" in
    *"\\"Name\\":\\"$1\\""*|*"\\"Name\\": \\"$1\\""*) return 0 ;;
  esac
  return 1
}

replication_rule_exists() {
  rules=$(mc replicate ls "$ALIAS/$1" --json 2>/dev/null) || return 1
  case "$rules" in
    *"\\"ID\\":\\"$2\\""*|*"\\"ID\\": \\"$2\\""*) return 0 ;;
  esac
  return 1
}

# check_remote_keys WHAT ACCESS SECRET: mc reads the remote-target URL scheme://ACCESS:SECRET@host/bucket with its
# own patterns, not as a URL: the access key ends at the first ':', the host starts after the last '@', and a second
# ':' before that '@' is taken for a session token, which mc refuses. So neither key may contain ':'; '@' is fine.
check_remote_keys() {
  case "$2" in
    *:*) fail "$1: the access key contains ':', which mc's remote target URL cannot carry (it reads as a session token); use other keys" ;;
  esac
  case "$3" in
    *:*) fail "$1: the secret key contains ':', which mc's remote target URL cannot carry (it reads as a session token); use other keys" ;;
  esac
}

# attach_policy POLICY --user|--group ENTITY LABEL: attach, treating "already attached" as success.
attach_policy() {
  if out=$(mc admin policy attach "$ALIAS" "$1" "$2" "$3" 2>&1); then
    log "attached policy $1 to $4"
    return 0
  fi
  case "$out" in
    *"already in effect"*|*"no net effect"*)
      log "policy $1 is already attached to $4"
      return 0
      ;;
  esac
  printf '%s\\n' "$out" >&2
  return 1
}
`;

/**
 * Renders the idempotent provisioning script for a plan: connect and wait for quorum, tiers, buckets (create if
 * missing, versioning, retention, quota, anonymous access, encryption, lifecycle, notifications, replication),
 * policies, users, groups and attachments.
 */
export class MinioProvisioningScript {
  public static render(plan: ProvisioningPlan): RenderedProvisioning {
    const steps: ProvisioningStep[] = [];
    const step = (description: string, command: string) => {
      steps.push({ description, command, lines: [`retry ${shellQuote(description)} ${command}`] });
    };
    const cred = (c: PlanCredential) => `"$${c.accessEnv}" "$${c.secretEnv}"`;

    step('connect to MinIO', 'mc alias set "$ALIAS" "$MINIO_ENDPOINT" "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD" --api S3v4');
    step('wait for the cluster to reach write quorum', 'mc ready "$ALIAS"');

    for (const t of plan.tiers) {
      const addArgs = [
        `--endpoint ${shellQuote(t.endpoint)}`,
        `--access-key "$${t.credential.accessEnv}" --secret-key "$${t.credential.secretEnv}"`,
        `--bucket ${shellQuote(t.bucket)}`,
        ...(t.prefix ? [`--prefix ${shellQuote(t.prefix)}`] : []),
        ...(t.region ? [`--region ${shellQuote(t.region)}`] : []),
        ...(t.storageClass ? [`--storage-class ${shellQuote(t.storageClass)}`] : []),
      ].join(' ');
      const add = `mc ilm tier add ${t.type} "$ALIAS" ${t.name} ${addArgs}`;
      const edit = `mc ilm tier update "$ALIAS" ${t.name} --access-key "$${t.credential.accessEnv}" --secret-key "$${t.credential.secretEnv}"`;
      steps.push({
        description: `tier ${t.name}`,
        command: add,
        lines: [
          `if tier_exists ${t.name}; then`,
          `  log ${shellQuote(`tier ${t.name} exists, refreshing its credentials`)}`,
          `  retry ${shellQuote(`update tier ${t.name}`)} ${edit}`,
          'else',
          `  retry ${shellQuote(`add tier ${t.name} (${t.type} ${t.endpoint}/${t.bucket})`)} ${add}`,
          'fi',
        ],
      });
    }

    for (const b of plan.buckets) {
      const target = `"$ALIAS/${b.name}"`;
      step(`create bucket ${b.name}`, `ensure_bucket ${b.name} ${b.objectLock ? 1 : 0}`);
      if (b.versioning) step(`enable versioning on ${b.name}`, `mc version enable ${target}`);
      if (b.retention) step(`set default retention on ${b.name}`, `mc retention set --default ${b.retention.mode} ${b.retention.days}d ${target}`);
      if (b.quotaBytes !== undefined) step(`set quota on ${b.name}`, `mc quota set ${target} --size ${b.quotaBytes}`);
      if (b.readTokenEnv) {
        step(`allow anonymous reads of ${b.name} with its read token only`, `token_read ${b.name} "$${b.readTokenEnv}"`);
      } else {
        step(`set anonymous access on ${b.name}`, `mc anonymous set ${b.anonymous} ${target}`);
      }
      if (b.encryption) {
        step(`set default encryption on ${b.name}`, `mc encrypt set ${b.encryption.type}${b.encryption.key ? ` ${shellQuote(b.encryption.key)}` : ''} ${target}`);
      }
      if (b.ilmFile) step(`import lifecycle rules of ${b.name}`, `import_ilm ${b.name} "$CONFIG_DIR/${b.ilmFile}"`);
      for (const e of b.events) {
        const filters = [
          ...(e.prefix ? [`--prefix ${shellQuote(e.prefix)}`] : []),
          ...(e.suffix ? [`--suffix ${shellQuote(e.suffix)}`] : []),
        ];
        step(`subscribe ${b.name} to ${e.arn}`, ['mc event add --ignore-existing', target, e.arn, `--event ${e.events.map((v) => MC_EVENT_NAMES[v] ?? v).join(',')}`, ...filters].join(' '));
      }
      for (const r of b.replication) {
        const what = `replication ${r.id} of ${b.name}`;
        const remote = `${r.scheme}://$${r.credential.accessEnv}:$${r.credential.secretEnv}@${r.hostPort}/${r.bucket}`;
        const common = [
          `--id ${shellQuote(r.id)}`,
          `--remote-bucket "${remote}"`,
          `--priority ${r.priority}`,
          `--replicate ${r.replicate}`,
          ...(r.bandwidthBytes !== undefined ? [`--bandwidth ${r.bandwidthBytes}`] : []),
          ...(r.storageClass ? [`--storage-class ${shellQuote(r.storageClass)}`] : []),
        ];
        const add = ['mc replicate add', target, ...common, ...(r.synchronous ? ['--sync'] : [])].join(' ');
        const update = ['mc replicate update', target, ...common, `--sync ${r.synchronous ? 'enable' : 'disable'}`].join(' ');
        steps.push({
          description: what,
          command: add,
          lines: [
            `check_remote_keys ${shellQuote(what)} "$${r.credential.accessEnv}" "$${r.credential.secretEnv}"`,
            `if replication_rule_exists ${b.name} ${shellQuote(r.id)}; then`,
            `  retry ${shellQuote(`update ${what}`)} ${update}`,
            'else',
            `  retry ${shellQuote(`add ${what} (${r.scheme}://${r.hostPort}/${r.bucket})`)} ${add}`,
            'fi',
          ],
        });
      }
    }

    for (const p of plan.policies) {
      step(`create or update policy ${p.name}`, `mc admin policy create "$ALIAS" ${shellQuote(p.name)} "$CONFIG_DIR/${p.file}"`);
    }
    for (const u of plan.users) {
      step(`create or update ${u.label}`, `mc admin user add "$ALIAS" ${cred(u)}`);
    }
    const groups = new Map<string, PlanCredential[]>();
    for (const p of plan.policies) {
      for (const g of p.groups) {
        const members = groups.get(g.name) ?? [];
        for (const m of g.members) if (!members.some((x) => x.accessEnv === m.accessEnv)) members.push(m);
        groups.set(g.name, members);
      }
    }
    for (const [name, members] of groups) {
      step(`add members to group ${name}`, `mc admin group add "$ALIAS" ${shellQuote(name)} ${members.map((m) => `"$${m.accessEnv}"`).join(' ')}`);
    }
    for (const p of plan.policies) {
      for (const u of p.users) {
        step(`attach policy ${p.name} to ${u.label}`, `attach_policy ${shellQuote(p.name)} --user "$${u.accessEnv}" ${shellQuote(u.label)}`);
      }
      for (const g of p.groups) {
        step(`attach policy ${p.name} to group ${g.name}`, `attach_policy ${shellQuote(p.name)} --group ${shellQuote(g.name)} ${shellQuote(`group ${g.name}`)}`);
      }
    }

    const body = steps.flatMap((s) => [`# ${s.description}`, ...s.lines, '']);
    const script = [
      '#!/bin/sh',
      `# Provisioning of MinioCluster "${plan.source}", generated by cdk8s-edge-storage.`,
      '# Idempotent: every step creates what is missing or converges what exists, so the Job may run any number of times.',
      PRELUDE,
      ...(plan.buckets.some((b) => b.readTokenEnv) ? [TOKEN_READ] : []),
      ...body,
      'log "done"',
      '',
    ].join('\n');
    return { script, steps };
  }

  private constructor() {}
}

// Module-internal: the POSIX shell program the ObjectReplication CronJob runs in the rclone image (busybox sh and awk
// there; any POSIX sh and awk elsewhere). Not re-exported from the package.
//
// A plain `rclone copy` cannot tell "both sides changed this key" from "the edge changed it": it only sees the two
// current copies. The job therefore keeps state: after every run it records, per key, a fingerprint of the edge copy
// and of the cloud copy (MD5, or size@modtime when a store has no MD5 for an object). On the next run a key is
//   - edge-changed  when the edge fingerprint differs from the recorded one (or the key was never synced),
//   - cloud-changed when the cloud fingerprint differs from the recorded one (or the key was never synced),
// and only a key that is both is a conflict, resolved by the policy. A key only the cloud changed is left alone; a key
// missing in the cloud is copied (copy never deletes, so what went missing comes back).
//
// Environment: SYNC_SOURCE / SYNC_DESTINATION (`remote:bucket[/prefix]`), SYNC_STATE (`remote:bucket/key` of the
// state file), SYNC_POLICY (a ConflictPolicy value), SYNC_CONFLICTS (`remote:bucket[/prefix]`, MANUAL only),
// SYNC_MAX_AGE (optional, e.g. `3600s`: only edge objects modified within it are considered). The positional
// arguments are rclone options every rclone call gets (retries, bandwidth, CA files, logging).

/** Prefix (relative to the destination bucket) under which the state files live; excluded from every listing. */
export const STATE_DIR = '.cdk8s-edge-sync';

export const REPLICATION_SCRIPT = `set -eu
export TZ=UTC
W=$(mktemp -d "\${TMPDIR:-/tmp}/sync.XXXXXX")
trap 'rm -rf "$W"' EXIT
TAB=$(printf '\\t')
EXCLUDE='/${STATE_DIR}/**'
log() { printf '{"level":"notice","msg":"object-replication: %s"}\\n' "$*" >&2; }

# Run a command up to SYNC_RETRIES times, SYNC_RETRIES_SLEEP seconds apart (rclone's own --retries covers copies only).
retry() {
  what=$1; shift
  n=1
  while :; do
    if "$@"; then return 0; fi
    if [ "$n" -ge "\${SYNC_RETRIES:-1}" ]; then log "Attempt $n/\${SYNC_RETRIES:-1} failed: $what"; return 1; fi
    log "Attempt $n/\${SYNC_RETRIES:-1} failed: $what; retrying in \${SYNC_RETRIES_SLEEP:-0}s"
    n=$((n + 1))
    sleep "\${SYNC_RETRIES_SLEEP:-0}"
  done
}

# path<TAB>md5<TAB>size<TAB>modtime of every object under a remote path.
listing() {
  remote=$1; out=$2; shift 2
  rclone lsf -R --files-only --format phst --hash MD5 --separator "$TAB" --exclude "$EXCLUDE" "$@" "$remote" > "$out"
}
list() { retry "listing $1" listing "$@"; }
cat_state() { rclone cat "$@" "$SYNC_STATE" > "$W/state"; }

# The state of the last run (a missing file reads as empty: the first run).
retry "reading $SYNC_STATE" cat_state "$@"
list "$SYNC_SOURCE" "$W/src" \${SYNC_MAX_AGE:+"--max-age=$SYNC_MAX_AGE"} "$@"
list "$SYNC_DESTINATION" "$W/dst" "$@"

# Classify every edge object: "copy" (write the edge copy), "save" (MANUAL: keep the cloud copy first), or nothing.
awk -F "$TAB" -v OFS="$TAB" -v policy="$SYNC_POLICY" -v state="$W/state" -v dst="$W/dst" -v out="$W" '
  function fp(hash, size, time) { return hash != "" ? "md5:" hash : "st:" size "@" time }
  BEGIN {
    while ((getline line < state) > 0) { split(line, f, "\\t"); ss[f[1]] = f[2]; sd[f[1]] = f[3]; known[f[1]] = 1 }
    while ((getline line < dst) > 0) { split(line, f, "\\t"); d[f[1]] = fp(f[2], f[3], f[4]); dt[f[1]] = f[4] }
    copies = 0; conflicts = 0; kept = 0
  }
  {
    p = $1; s = fp($2, $3, $4)
    if (!(p in d)) { print p > (out "/copy"); copies++; next }
    if (s == d[p]) next
    edge = !(p in known) || s != ss[p]
    cloud = !(p in known) || d[p] != sd[p]
    if (!edge) { kept++; next }
    if (!cloud) { print p > (out "/copy"); copies++; next }
    conflicts++
    if (policy == "edge-priority") win = "edge"
    else if (policy == "cloud-priority") win = "cloud"
    else if (policy == "last-write-wins") win = ($4 > dt[p]) ? "edge" : "cloud"
    else if (policy == "manual") { win = "edge"; print p > (out "/save") }
    else { print "unknown policy " policy > "/dev/stderr"; exit 2 }
    printf "{\\"level\\":\\"notice\\",\\"msg\\":\\"object-replication: conflict on %s: edge and cloud both changed since the last run; %s copy wins (%s)\\"}\\n", p, win, policy > "/dev/stderr"
    if (win == "edge") { print p > (out "/copy"); copies++ } else kept++
  }
  END { printf "%d %d %d\\n", copies, conflicts, kept > (out "/counts") }
' "$W/src"
read -r COPIES CONFLICTS KEPT < "$W/counts"

if [ -s "$W/save" ]; then
  # MANUAL: the displaced cloud copies go to a folder named after this run, so no earlier saved copy is overwritten.
  RUN=$(date -u +%Y%m%dT%H%M%SZ)
  rclone copy --files-from-raw "$W/save" "$@" "$SYNC_DESTINATION" "$SYNC_CONFLICTS/$RUN"
  log "kept $(wc -l < "$W/save") displaced cloud copies under $SYNC_CONFLICTS/$RUN"
fi
if [ -s "$W/copy" ]; then
  rclone copy --files-from-raw "$W/copy" --no-traverse "$@" "$SYNC_SOURCE" "$SYNC_DESTINATION"
  list "$SYNC_DESTINATION" "$W/dst" "$@"
fi

# New state: every edge object seen now, with the cloud copy as it is after this run; keys the listing did not cover
# (older than SYNC_MAX_AGE) keep their entry.
awk -F "$TAB" -v OFS="$TAB" -v state="$W/state" -v dst="$W/dst" '
  function fp(hash, size, time) { return hash != "" ? "md5:" hash : "st:" size "@" time }
  BEGIN { while ((getline line < dst) > 0) { split(line, f, "\\t"); d[f[1]] = fp(f[2], f[3], f[4]) } }
  { seen[$1] = 1; if ($1 in d) print $1, fp($2, $3, $4), d[$1] }
  END { while ((getline line < state) > 0) { split(line, f, "\\t"); if (!(f[1] in seen) && (f[1] in d)) print line } }
' "$W/src" > "$W/state.new"
rclone copyto "$@" "$W/state.new" "$SYNC_STATE"
log "copied $COPIES, conflicts $CONFLICTS, left $KEPT cloud copies in place (policy $SYNC_POLICY)"
`;

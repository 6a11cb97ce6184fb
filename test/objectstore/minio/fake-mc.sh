#!/bin/sh
# A stand-in for MinIO's `mc`, used to run the provisioning script without a server. It keeps the state a real
# cluster would keep (buckets, object lock, tiers, replication rules, policies, users, groups, attachments) under
# $FAKE_MC_STATE, records every call in $FAKE_MC_STATE/calls.log, and answers the way mc does for the cases the
# script branches on (exists / does not exist / already attached / JSON listings).
set -eu
state="${FAKE_MC_STATE:?}"
mkdir -p "$state/buckets" "$state/tiers" "$state/policies" "$state/users" "$state/groups" "$state/attached"
printf '%s\n' "$*" >> "$state/calls.log"

die() {
  printf 'mc: <ERROR> %s\n' "$*" >&2
  exit 1
}

# bucket ALIAS/NAME -> NAME (the alias must be the one configured by `alias set`)
bucket() {
  alias_name="${1%%/*}"
  [ -f "$state/alias-$alias_name" ] || die "alias $alias_name is not configured"
  printf '%s' "${1#*/}"
}

counter() {
  n=0
  [ -f "$state/$1" ] && n=$(cat "$state/$1")
  n=$((n + 1))
  printf '%s' "$n" > "$state/$1"
  printf '%s' "$n"
}

cmd="$1"
shift
case "$cmd" in
  alias)
    [ "$1" = set ] || die "unsupported: alias $1"
    [ "$#" -ge 5 ] || die "alias set needs ALIAS URL ACCESS SECRET"
    if [ -z "$4" ] || [ -z "$5" ]; then die "empty credentials"; fi
    : > "$state/alias-$2"
    echo "Added \`$2\` successfully."
    ;;
  ready)
    n=$(counter ready-calls)
    if [ "$n" -le "${FAKE_MC_READY_FAILURES:-0}" ]; then
      die "Couldn't get the health status for \`$1\`."
    fi
    echo "The cluster is ready"
    ;;
  stat)
    b=$(bucket "$1")
    [ -d "$state/buckets/$b" ] || die "Object does not exist"
    echo "Name      : $b"
    ;;
  mb)
    ignore=0
    lock=0
    target=""
    for a in "$@"; do
      case "$a" in
        --ignore-existing|-p) ignore=1 ;;
        --with-lock|-l) lock=1 ;;
        -*) die "unknown flag $a" ;;
        *) target="$a" ;;
      esac
    done
    b=$(bucket "$target")
    if [ -d "$state/buckets/$b" ]; then
      [ "$ignore" = 1 ] || die "Unable to make bucket \`$target\`. Your previous request to create the named bucket succeeded and you already own it."
    else
      mkdir "$state/buckets/$b"
      [ "$lock" = 0 ] || { : > "$state/buckets/$b/lock"; : > "$state/buckets/$b/versioning"; }
    fi
    echo "Bucket created successfully \`$target\`."
    ;;
  retention)
    sub="$1"
    shift
    [ "$1" = --default ] || die "only --default is faked"
    shift
    case "$sub" in
      info)
        b=$(bucket "$1")
        [ -f "$state/buckets/$b/lock" ] || die "Unable to get object lock configuration on the specified bucket. Object Lock configuration does not exist for this bucket"
        echo "Object locking 'Enabled'"
        ;;
      set)
        b=$(bucket "$3")
        [ -f "$state/buckets/$b/lock" ] || die "Object Lock configuration does not exist for this bucket"
        printf '%s %s\n' "$1" "$2" > "$state/buckets/$b/retention"
        ;;
      *) die "unsupported: retention $sub" ;;
    esac
    ;;
  version)
    [ "$1" = enable ] || die "unsupported: version $1"
    b=$(bucket "$2")
    [ -d "$state/buckets/$b" ] || die "bucket does not exist"
    : > "$state/buckets/$b/versioning"
    ;;
  quota)
    if [ "$1" != set ] || [ "$3" != --size ]; then die "unsupported: quota $*"; fi
    b=$(bucket "$2")
    printf '%s\n' "$4" > "$state/buckets/$b/quota"
    ;;
  anonymous)
    [ "$1" = set ] || die "unsupported: anonymous $1"
    b=$(bucket "$3")
    printf '%s\n' "$2" > "$state/buckets/$b/anonymous"
    ;;
  encrypt)
    [ "$1" = set ] || die "unsupported: encrypt $1"
    shift
    if [ "$1" = sse-kms ]; then
      b=$(bucket "$3")
      printf 'sse-kms %s\n' "$2" > "$state/buckets/$b/encryption"
    else
      b=$(bucket "$2")
      printf '%s\n' "$1" > "$state/buckets/$b/encryption"
    fi
    ;;
  ilm)
    sub="$1"
    shift
    case "$sub" in
      import)
        b=$(bucket "$1")
        [ -d "$state/buckets/$b" ] || die "bucket does not exist"
        cat > "$state/buckets/$b/ilm.json"
        ;;
      tier)
        op="$1"
        shift
        case "$op" in
          ls)
            [ -f "$state/alias-$1" ] || die "alias $1 is not configured"
            printf '{"status":"success","tiers":['
            sep=""
            for t in "$state"/tiers/*; do
              [ -e "$t" ] || continue
              printf '%s{"Version":"v1","Type":"minio","Name":"%s"}' "$sep" "$(basename "$t")"
              sep=","
            done
            printf ']}\n'
            ;;
          add)
            type="$1"
            name="$3"
            [ ! -e "$state/tiers/$name" ] || die "Unable to configure remote tier target. Specified remote tier already exists"
            printf '%s\n' "$type $*" > "$state/tiers/$name"
            ;;
          update|edit) # edit: the hidden alias of update in mc RELEASE.2025-08-13
            name="$2"
            [ -e "$state/tiers/$name" ] || die "Specified remote tier was not found"
            printf 'edited\n' >> "$state/tiers/$name"
            ;;
          *) die "unsupported: ilm tier $op" ;;
        esac
        ;;
      *) die "unsupported: ilm $sub" ;;
    esac
    ;;
  event)
    [ "$1" = add ] || die "unsupported: event $1"
    shift
    ignore=0
    [ "$1" = --ignore-existing ] && { ignore=1; shift; }
    b=$(bucket "$1")
    line="$*"
    if [ -f "$state/buckets/$b/events" ] && grep -qxF -- "$line" "$state/buckets/$b/events"; then
      [ "$ignore" = 1 ] || die "Unable to enable notification on the specified bucket. An object key name filtering rule defined with overlapping prefixes, suffixes and events for the same event types."
    else
      printf '%s\n' "$line" >> "$state/buckets/$b/events"
    fi
    ;;
  replicate)
    sub="$1"
    shift
    b=$(bucket "$1")
    mkdir -p "$state/buckets/$b/replication"
    id=""
    prev=""
    for a in "$@"; do
      [ "$prev" = --id ] && id="$a"
      prev="$a"
    done
    case "$sub" in
      ls)
        found=0
        for r in "$state/buckets/$b/replication"/*; do
          [ -e "$r" ] || continue
          found=1
          printf '{\n "op": "list",\n "status": "success",\n "url": "",\n "rule": {\n  "ID": "%s",\n  "Status": "Enabled"\n }\n}\n' "$(basename "$r")"
        done
        [ "$found" = 1 ] || die "Unable to list replication configuration: replication configuration not set"
        ;;
      add)
        [ ! -e "$state/buckets/$b/replication/$id" ] || die "unable to add replication rule: A replication rule with the same ID already exists"
        [ -f "$state/buckets/$b/versioning" ] || die "replication needs versioning"
        printf '%s\n' "$*" > "$state/buckets/$b/replication/$id"
        ;;
      update)
        [ -e "$state/buckets/$b/replication/$id" ] || die "rule $id not found"
        printf '%s\n' "$*" >> "$state/buckets/$b/replication/$id"
        ;;
      *) die "unsupported: replicate $sub" ;;
    esac
    ;;
  admin)
    area="$1"
    op="$2"
    shift 2
    case "$area $op" in
      "policy create")
        [ -f "$3" ] || die "policy file $3 not found"
        cp "$3" "$state/policies/$2.json"
        ;;
      "user add")
        if [ -z "$2" ] || [ -z "$3" ]; then die "empty user credentials"; fi
        printf '%s\n' "$3" > "$state/users/$2"
        ;;
      "group add")
        g="$2"
        shift 2
        for m in "$@"; do
          [ -f "$state/users/$m" ] || die "user $m does not exist"
          printf '%s\n' "$m" >> "$state/groups/$g"
        done
        ;;
      "policy attach")
        p="$2"
        kind="$3"
        who="$4"
        [ -f "$state/policies/$p.json" ] || die "The canned policy does not exist."
        [ -z "${FAKE_MC_ATTACH_ERROR:-}" ] || die "Unable to attach the policy: $FAKE_MC_ATTACH_ERROR"
        key="$p$kind-$who"
        if [ -e "$state/attached/$key" ]; then
          die "Unable to attach the policy: The specified policy change is already in effect."
        fi
        : > "$state/attached/$key"
        echo "Attached Policies: [$p]"
        ;;
      *) die "unsupported: admin $area $op" ;;
    esac
    ;;
  *) die "unsupported command: $cmd" ;;
esac

#!/usr/bin/env bash
# Kafka jars for the real-program tier: the KRaft broker/controller, the CLI tool classes and MirrorMaker2 (Kafka
# Connect), resolved by Maven from scripts/tools/kafka/pom.xml into one classpath folder, $TOOLS_DIR/kafka/libs.
# Nothing is compiled; tests run e.g. `java -cp "$TOOLS_DIR/kafka/libs/*" kafka.Kafka server.properties`. Needs Java 17.
set -euo pipefail
# shellcheck source=scripts/tools/lib.sh
source "$(dirname "$0")/lib.sh"
KAFKA_VERSION=4.3.1 # Strimzi 1.2.0's default Kafka version; keep in step with kafka/pom.xml
pom="$(cd "$(dirname "$0")" && pwd)/kafka/pom.xml"
libs="$TOOLS_DIR/kafka/libs"
# The stamp also names the pom's checksum, so editing the dependency list re-resolves.
stamp="kafka@$KAFKA_VERSION-$(sha256sum "$pom" | cut -c1-12)"
if stamp_ok "$stamp" && [ -f "$libs/kafka_2.13-$KAFKA_VERSION.jar" ]; then
  log "kafka: $KAFKA_VERSION jars present ($(find "$libs" -name '*.jar' | wc -l) in $libs)"
  exit 0
fi
if ! command -v java >/dev/null || ! command -v mvn >/dev/null; then
  echo "kafka: needs java (17+) and mvn on PATH" >&2
  exit 1
fi
java_major="$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
[ "${java_major%%.*}" -ge 17 ] || { echo "kafka: Kafka $KAFKA_VERSION needs Java 17+, found $java_major" >&2; exit 1; }
grep -q "<kafka.version>$KAFKA_VERSION</kafka.version>" "$pom" || { echo "kafka: $pom does not pin Kafka $KAFKA_VERSION" >&2; exit 1; }
rm -rf "$libs.tmp"
mkdir -p "$TOOLS_DIR/kafka"
mvnlog="$TOOLS_DIR/kafka/maven.log"
if ! mvn -B -Dstyle.color=never -f "$pom" dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$libs.tmp" >"$mvnlog" 2>&1; then
  tail -40 "$mvnlog" >&2
  echo "kafka: Maven could not resolve the jars (full log: $mvnlog)" >&2
  exit 1
fi
rm -rf "$libs"
mv "$libs.tmp" "$libs"
stamp_set "$stamp"
log "kafka: $KAFKA_VERSION: $(find "$libs" -name '*.jar' | wc -l) jars, $(du -sh "$libs" | cut -f1) in $libs"

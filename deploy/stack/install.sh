#!/usr/bin/env bash
# Installs/builds the native dev stack into $STACK_CACHE (default ~/.cache/speech-stack).
# Idempotent: each component is installed into a versioned dir and marked with
# .installed; a rerun with everything present does nothing.
#
# Usage: deploy/stack/install.sh [kafka|registry|ferretdb|s3 ...]   (default: all)
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

GO_BUILT=0

is_installed() { [[ -f "$1/.installed" ]] && [[ "$(cat "$1/.installed")" == "$2" ]]; }

# mark DIR.tmp as complete and move it into place atomically.
finish() {
  local tmp="$1" final="$2" stamp="$3"
  printf '%s\n' "$stamp" >"$tmp/.installed"
  rm -rf "$final"
  mv "$tmp" "$final"
}

# install_component NAME HOME STAMP FN: unless HOME already holds STAMP, run FN STAMP, timed.
install_component() {
  local name="$1" home="$2" stamp="$3" fn="$4"
  is_installed "$home" "$stamp" && return 0
  timed "$name" "$fn" "$stamp"
}

# fresh_tmp HOME SUBDIR...: print HOME.tmp, emptied and holding the given subdirs.
fresh_tmp() {
  local tmp="$1.tmp"; shift
  rm -rf "$tmp"; mkdir -p "$tmp"
  local d
  for d in "$@"; do mkdir -p "$tmp/$d"; done
  printf '%s\n' "$tmp"
}

# finish_go_binary TMP HOME BIN STAMP: check the built $TMP/bin/BIN runs, then finish.
finish_go_binary() {
  "$1/bin/$3" --version >/dev/null
  GO_BUILT=1
  finish "$1" "$2" "$4"
}

# pom ARTIFACT [BODY]: a pom-packaged Maven project local.speech-stack:ARTIFACT, holding BODY
# (its <dependencies>), for Maven to fetch into the cache.
pom() {
  printf '%s\n' '<project xmlns="http://maven.apache.org/POM/4.0.0">' '  <modelVersion>4.0.0</modelVersion>' \
    '  <groupId>local.speech-stack</groupId>' "  <artifactId>$1</artifactId>" '  <version>1</version>' \
    '  <packaging>pom</packaging>'
  [[ -z "${2:-}" ]] || printf '%s\n' "$2"
  printf '%s\n' '</project>'
}

timed() {
  local name="$1"; shift
  local t0=$SECONDS
  log "$name: installing ..."
  "$@"
  log "$name: installed in $((SECONDS - t0)) s"
}

mvn_() {
  command -v mvn >/dev/null || die "mvn not found (need Maven 3.8+ and Java 17+)"
  mvn -q -B -ntp -Dstyle.color=never -Dmaven.repo.local="$STACK_M2" "$@"
}

go_() {
  command -v go >/dev/null || die "go not found (need Go 1.24+)"
  env GOMODCACHE="$STACK_GOMODCACHE" GOCACHE="$STACK_GOCACHE" \
      GOFLAGS="-modcacherw -buildvcs=false" CGO_ENABLED=0 GOTOOLCHAIN=local go "$@"
}

# ---------------------------------------------------------------- Kafka (KRaft)
install_kafka() {
  install_component kafka "$KAFKA_HOME" "kafka_$KAFKA_SCALA-$KAFKA_VERSION log4j-$LOG4J_VERSION" _install_kafka
}
_install_kafka() {
  local tmp
  tmp="$(fresh_tmp "$KAFKA_HOME" lib)"
  pom kafka-dist "$(cat <<EOF
  <dependencies>
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>kafka_$KAFKA_SCALA</artifactId>
      <version>$KAFKA_VERSION</version>
    </dependency>
    <!-- console producer/consumer, kafka-topics, storage tool helpers -->
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>kafka-tools</artifactId>
      <version>$KAFKA_VERSION</version>
      <exclusions>
        <exclusion><groupId>org.apache.kafka</groupId><artifactId>connect-runtime</artifactId></exclusion>
      </exclusions>
    </dependency>
    <dependency>
      <groupId>org.apache.logging.log4j</groupId>
      <artifactId>log4j-slf4j-impl</artifactId>
      <version>$LOG4J_VERSION</version>
    </dependency>
    <dependency>
      <groupId>org.apache.logging.log4j</groupId>
      <artifactId>log4j-core</artifactId>
      <version>$LOG4J_VERSION</version>
    </dependency>
  </dependencies>
EOF
)" >"$tmp/pom.xml"
  mvn_ -f "$tmp/pom.xml" \
    "org.apache.maven.plugins:maven-dependency-plugin:$MAVEN_DEPENDENCY_PLUGIN_VERSION:copy-dependencies" \
    -DincludeScope=runtime -DoutputDirectory="$tmp/lib"
  cat >"$tmp/log4j2.properties" <<'EOF'
status = warn
appender.stdout.type = Console
appender.stdout.name = STDOUT
appender.stdout.layout.type = PatternLayout
appender.stdout.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRefs = stdout
rootLogger.appenderRef.stdout.ref = STDOUT
logger.kafka.name = kafka
logger.kafka.level = INFO
logger.ak.name = org.apache.kafka
logger.ak.level = INFO
EOF
  # Tools (console producer/consumer, topics) log only warnings.
  sed -e 's/rootLogger.level = INFO/rootLogger.level = WARN/' -e 's/level = INFO/level = WARN/' \
    "$tmp/log4j2.properties" >"$tmp/tools-log4j2.properties"
  mkdir -p "$tmp/bin"
  cat >"$tmp/bin/kafka-run-class" <<'EOF'
#!/usr/bin/env bash
# Usage: kafka-run-class <main class> [args...]  (e.g. org.apache.kafka.tools.TopicCommand --bootstrap-server 127.0.0.1:19092 --list)
set -euo pipefail
home="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
exec java ${KAFKA_TOOLS_HEAP_OPTS:--Xmx256m} -Dlog4j2.configurationFile="$home/tools-log4j2.properties" -cp "$home/lib/*" "$@"
EOF
  chmod +x "$tmp/bin/kafka-run-class"
  rm -f "$tmp/pom.xml"
  finish "$tmp" "$KAFKA_HOME" "$1"
}

# ---------------------------------------------------------------- Apicurio Registry
install_registry() {
  select_registry
  install_component registry "$APICURIO_HOME" "apicurio-registry-app-$REGISTRY_VERSION" _install_registry
}
_install_registry() {
  local tmp dl
  tmp="$(fresh_tmp "$APICURIO_HOME" dl)"
  dl="$tmp/dl"
  pom apicurio-dist >"$dl/pom.xml"
  mvn_ -f "$dl/pom.xml" \
    "org.apache.maven.plugins:maven-dependency-plugin:$MAVEN_DEPENDENCY_PLUGIN_VERSION:copy" \
    -Dartifact="io.apicurio:apicurio-registry-app:$REGISTRY_VERSION:tar.gz:all" \
    -DoutputDirectory="$dl"
  # 3.x tarballs hold the Quarkus fast-jar layout (quarkus-run.jar, lib/, app/, quarkus/),
  # 2.x ones the legacy layout (*-runner.jar + lib/); normalise either to $tmp/app and
  # record the runnable jar's name in app/.runjar.
  mkdir -p "$tmp/x"
  tar -xzf "$dl"/apicurio-registry-app-*.tar.gz -C "$tmp/x"
  rm -rf "$dl"
  local run
  run="$(find "$tmp/x" -maxdepth 3 \( -name quarkus-run.jar -o -name '*-runner.jar' \) -print -quit)"
  [[ -n "$run" ]] || die "registry: no quarkus-run.jar / *-runner.jar in apicurio-registry-app tarball"
  mv "$(dirname "$run")" "$tmp/app"
  rm -rf "$tmp/x" "$STACK_M2/io/apicurio/apicurio-registry-app"   # no second copy of the tarball
  basename "$run" >"$tmp/app/.runjar"
  finish "$tmp" "$APICURIO_HOME" "$1"
}

# ---------------------------------------------------------------- FerretDB
install_ferretdb() {
  install_component ferretdb "$FERRETDB_HOME" "ferretdb-$FERRETDB_VERSION" _install_ferretdb
}
_install_ferretdb() {
  local tmp src="$STACK_CACHE/src/ferretdb"
  tmp="$(fresh_tmp "$FERRETDB_HOME" bin)"
  rm -rf "$src"; mkdir -p "$src"
  (
    cd "$src"
    go_ mod init local.speech-stack/ferretdb >/dev/null 2>&1
    go_ get -tool "github.com/FerretDB/FerretDB/cmd/ferretdb@$FERRETDB_VERSION"
    # FerretDB embeds build/version/version.txt (normally generated from `git describe`),
    # which the module zip from the proxy does not contain: the binary would panic at start.
    # So build from a copy of the module source with that file added, via a replace.
    local moddir
    moddir="$(go_ list -m -f '{{.Dir}}' github.com/FerretDB/FerretDB)"
    cp -r "$moddir" FerretDB
    chmod -R u+w FerretDB
    printf '%s\n' "$FERRETDB_VERSION" >FerretDB/build/version/version.txt
    printf '%s\n' "module-proxy" >FerretDB/build/version/package.txt
    go_ mod edit -replace github.com/FerretDB/FerretDB=./FerretDB
    go_ mod tidy >/dev/null 2>&1 || true
    GOBIN="$tmp/bin" go_ install -trimpath -ldflags="-s -w" github.com/FerretDB/FerretDB/cmd/ferretdb
  )
  finish_go_binary "$tmp" "$FERRETDB_HOME" ferretdb "$1"
}

# ---------------------------------------------------------------- MinIO (S3)
install_s3() {
  install_component s3 "$MINIO_HOME" "minio-$MINIO_VERSION" _install_minio
}
_install_minio() {
  local tmp
  tmp="$(fresh_tmp "$MINIO_HOME" bin)"
  GOBIN="$tmp/bin" go_ install -trimpath -ldflags="-s -w" "github.com/minio/minio@$MINIO_VERSION"
  finish_go_binary "$tmp" "$MINIO_HOME" minio "$1"
}

main() {
  local comps=("$@")
  [[ ${#comps[@]} -gt 0 ]] || comps=(kafka registry ferretdb s3)
  mkdir -p "$STACK_CACHE"
  local c go_locked=0
  for c in "${comps[@]}"; do
    # Serialise concurrent installs (e.g. two up.sh at once). The Go builds share one lock
    # because they share the Go caches that are cleaned up below.
    case "$c" in
      kafka|registry)
        exec 9>"$STACK_CACHE/.install-$c.lock"
        flock 9
        "install_$c"
        exec 9>&-
        ;;
      ferretdb|s3)
        if (( ! go_locked )); then
          exec 7>"$STACK_CACHE/.install-go.lock"
          flock 7
          go_locked=1
        fi
        "install_$c"
        ;;
      *) die "unknown component '$c' (kafka|registry|ferretdb|s3)" ;;
    esac
  done
  # The Go module + build caches of a MinIO/FerretDB build take ~3 GB; only the binaries
  # are needed afterwards. STACK_KEEP_BUILD_CACHES=1 keeps them (faster version bumps).
  # Deleting ~200k files takes a minute or more, so move them aside and delete in the
  # background (a detached, low-priority rm).
  if (( GO_BUILT )) && [[ "${STACK_KEEP_BUILD_CACHES:-0}" != 1 ]]; then
    local trash="$STACK_CACHE/.trash-$$"
    mkdir -p "$trash"
    mv "$STACK_CACHE/go" "$STACK_CACHE/src" "$trash/" 2>/dev/null || true
    setsid nice -n 19 rm -rf "$STACK_CACHE"/.trash-* </dev/null >/dev/null 2>&1 7>&- 9>&- &
    log "Go build caches ($STACK_CACHE/go) are being removed in the background"
  fi
}

main "$@"

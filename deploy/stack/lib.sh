# shellcheck shell=bash disable=SC2034  # variables here are used by the scripts that source it
# Common settings for install.sh / up.sh / down.sh. Sourced, not executed.

STACK_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$STACK_HOME/../.." && pwd)"

# shellcheck source=versions.env
source "$STACK_HOME/versions.env"

STACK_CACHE="${STACK_CACHE:-$HOME/.cache/speech-stack}"
STACK_DIR="${STACK_DIR:-$REPO_ROOT/.stack}"

# Ports (loopback only).
STACK_HOST="${STACK_HOST:-127.0.0.1}"
KAFKA_PORT="${KAFKA_PORT:-19092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-19093}"
# A second broker listener with SASL/PLAIN, for the tests of the services' Kafka authentication.
KAFKA_SASL_PORT="${KAFKA_SASL_PORT:-$((KAFKA_PORT + 2))}"
KAFKA_SASL_USER="${KAFKA_SASL_USER:-stack}"
KAFKA_SASL_SECRET="${KAFKA_SASL_SECRET:-stack-sasl-secret}"
REGISTRY_PORT="${REGISTRY_PORT:-18081}"
REGISTRY_MGMT_PORT="${REGISTRY_MGMT_PORT:-18082}"   # Quarkus management: /health, /metrics
FERRETDB_PORT="${FERRETDB_PORT:-27018}"
FERRETDB_DEBUG_PORT="${FERRETDB_DEBUG_PORT:-18088}" # /debug/readyz, /debug/metrics
S3_PORT="${S3_PORT:-19000}"
S3_CONSOLE_PORT="${S3_CONSOLE_PORT:-19001}"

# S3 credentials / bucket (dev only).
S3_BUCKET="${S3_BUCKET:-speech-analytics}"
S3_ACCESS_KEY="${S3_ACCESS_KEY:-stackadmin}"
S3_SECRET_KEY="${S3_SECRET_KEY:-stackadmin-secret}"
S3_REGION="${S3_REGION:-us-east-1}"

# JVM heaps.
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms128m -Xmx512m}"
REGISTRY_HEAP_OPTS="${REGISTRY_HEAP_OPTS:--Xms64m -Xmx384m}"

# Install locations inside the cache (one dir per pinned version).
KAFKA_HOME="$STACK_CACHE/kafka-$KAFKA_VERSION"
FERRETDB_HOME="$STACK_CACHE/ferretdb-$FERRETDB_VERSION"
MINIO_HOME="$STACK_CACHE/minio-$MINIO_VERSION"

# Private Maven / Go caches so the stack never touches the repo and can be wiped as one dir.
STACK_M2="$STACK_CACHE/m2"
STACK_GOMODCACHE="$STACK_CACHE/go/mod"
STACK_GOCACHE="$STACK_CACHE/go/build"

log() { printf '[stack] %s\n' "$*" >&2; }
die() { printf '[stack] ERROR: %s\n' "$*" >&2; exit 1; }

# pid_alive NAME -> 0 if .stack/pids/NAME.pid names a live process whose cmdline matches
# the marker recorded next to it (guards against PID reuse).
pid_alive() {
  local pidfile="$STACK_DIR/pids/$1.pid" pid marker
  [[ -f "$pidfile" ]] || return 1
  pid="$(head -n1 "$pidfile" 2>/dev/null || true)"
  marker="$(sed -n 2p "$pidfile" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  if [[ -n "$marker" ]]; then
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$marker" || return 1
  fi
  return 0
}

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

# java_major JAVA_BIN -> prints the feature version (17, 21, 25, ...) of that java.
java_major() {
  local bin="$1" home rel v
  home="$(dirname "$(dirname "$(readlink -f "$bin")")")"
  rel="$home/release"
  if [[ -f "$rel" ]]; then
    v="$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$rel")"
  fi
  if [[ -z "${v:-}" ]]; then
    v="$("$bin" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p')"
  fi
  printf '%s\n' "${v:-0}"
}

# find_java MIN [OVERRIDE] -> prints the path of a java binary whose version is >= MIN.
# If OVERRIDE (a java binary) is given, only it is considered. Otherwise the order is
# $JAVA_HOME, java on PATH, then /usr/lib/jvm/* (newest first).
find_java() {
  local min="$1" c
  local cands=()
  if [[ -n "${2:-}" ]]; then
    [[ -x "$2" ]] || die "$2 is not an executable java"
    (( $(java_major "$2") >= min )) || return 1
    printf '%s\n' "$2"; return 0
  fi
  [[ -n "${JAVA_HOME:-}" ]] && cands+=("$JAVA_HOME/bin/java")
  command -v java >/dev/null 2>&1 && cands+=("$(command -v java)")
  while IFS= read -r c; do [[ -n "$c" ]] && cands+=("$c"); done \
    < <(printf '%s\n' /usr/lib/jvm/*/bin/java | sort -rV)
  for c in "${cands[@]}"; do
    [[ -x "$c" ]] || continue
    if (( $(java_major "$c") >= min )); then printf '%s\n' "$c"; return 0; fi
  done
  return 1
}

# Apicurio 3.3.x needs Java 21+. Use it when such a JDK exists (e.g. the Temurin 25 in
# /usr/lib/jvm on these machines); otherwise fall back to the newest Java-17 release.
select_registry() {
  if REGISTRY_JAVA_BIN="$(find_java "$APICURIO_JAVA_MIN" "${REGISTRY_JAVA:-}")"; then
    REGISTRY_VERSION="$APICURIO_VERSION"
  else
    REGISTRY_JAVA_BIN="$(find_java 17 "${REGISTRY_JAVA:-}")" || die "registry: no Java 17+ found"
    REGISTRY_VERSION="$APICURIO_JAVA17_VERSION"
  fi
  APICURIO_HOME="$STACK_CACHE/apicurio-registry-$REGISTRY_VERSION"
}

#!/usr/bin/env bash
# Starts the native dev stack (Kafka KRaft, Apicurio Registry, FerretDB/SQLite, MinIO)
# in the background on loopback. Runs install.sh first (a no-op when cached).
# Reuses servers that are still running from a previous up.sh.
# Writes $STACK_DIR/env (KEY=value) for the app/tests.
#
# Usage: deploy/stack/up.sh [kafka|registry|ferretdb|s3 ...]   (default: all)
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

STARTUP_TIMEOUT="${STACK_STARTUP_TIMEOUT:-90}"   # seconds, per server

PIDS="$STACK_DIR/pids"
LOGS="$STACK_DIR/logs"
DATA="$STACK_DIR/data"
CONF="$STACK_DIR/conf"

# start NAME MARKER CMD... : start CMD detached (own session, stdin closed), log to
# logs/NAME.log, record "pid\nmarker" in pids/NAME.pid. The wrapper shell writes its own
# PID and then execs the server, so the recorded PID is the server itself.
start() {
  local name="$1" marker="$2"; shift 2
  local log="$LOGS/$name.log"
  [[ -f "$log" ]] && mv -f "$log" "$log.1"
  printf '%s\n%s\n' "pending" "$marker" >"$PIDS/$name.pid"
  # shellcheck disable=SC2016  # $$/$1/$2 are for the inner shell
  setsid bash -c 'printf "%s\n%s\n" "$$" "$1" >"$2"; shift 2; exec "$@"' \
    _ "$marker" "$PIDS/$name.pid" "$@" </dev/null >"$log" 2>&1 8>&- &
  local _i
  for _i in $(seq 1 50); do
    [[ "$(head -n1 "$PIDS/$name.pid")" =~ ^[0-9]+$ ]] && break
    sleep 0.1
  done
  log "$name: started pid $(head -n1 "$PIDS/$name.pid") (log: $log)"
}

# ports_free NAME PORT... : die if something (not ours) already listens on one of them.
ports_free() {
  local name="$1" p; shift
  for p in "$@"; do
    if port_open "$STACK_HOST" "$p"; then
      die "$name: port $STACK_HOST:$p is already in use by another process (override the port via env, see deploy/stack/README.md)"
    fi
  done
}

fail() {
  local name="$1" why="$2"
  printf '[stack] ERROR: %s %s. Last lines of %s:\n' "$name" "$why" "$LOGS/$name.log" >&2
  tail -n 40 "$LOGS/$name.log" >&2 || true
  exit 1
}

# wait_for NAME CHECK_FN : poll CHECK_FN until it succeeds, the process dies, or timeout.
wait_for() {
  local name="$1" check="$2" t0=$SECONDS
  until "$check"; do
    pid_alive "$name" || fail "$name" "exited during startup"
    (( SECONDS - t0 < STARTUP_TIMEOUT )) || fail "$name" "not healthy after ${STARTUP_TIMEOUT}s"
    sleep 0.5
  done
  log "$name: healthy after $((SECONDS - t0)) s"
}

# ---------------------------------------------------------------- Kafka
kafka_ok() { port_open "$STACK_HOST" "$KAFKA_PORT"; }
up_kafka() {
  if pid_alive kafka; then log "kafka: already running (pid $(head -n1 "$PIDS/kafka.pid"))"; return; fi
  ports_free kafka "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT" "$KAFKA_SASL_PORT"
  local props="$CONF/kafka.properties" logdir="$DATA/kafka"
  mkdir -p "$logdir"
  cat >"$props" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$STACK_HOST:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://$STACK_HOST:$KAFKA_PORT,CONTROLLER://$STACK_HOST:$KAFKA_CONTROLLER_PORT,SASL_PLAINTEXT://$STACK_HOST:$KAFKA_SASL_PORT
advertised.listeners=PLAINTEXT://$STACK_HOST:$KAFKA_PORT,SASL_PLAINTEXT://$STACK_HOST:$KAFKA_SASL_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT
sasl.enabled.mechanisms=PLAIN
listener.name.sasl_plaintext.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="$KAFKA_SASL_USER" password="$KAFKA_SASL_SECRET" user_$KAFKA_SASL_USER="$KAFKA_SASL_SECRET";
log.dirs=$logdir
num.partitions=1
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
auto.create.topics.enable=true
group.initial.rebalance.delay.ms=0
log.retention.hours=168
EOF
  local java_bin
  java_bin="$(find_java 17 "${KAFKA_JAVA:-}")" || die "kafka: needs Java 17+ (set KAFKA_JAVA=/path/to/java)"
  local cp="$KAFKA_HOME/lib/*"
  local l4j="-Dlog4j2.configurationFile=$KAFKA_HOME/log4j2.properties"
  if [[ ! -f "$logdir/meta.properties" ]]; then
    local cid
    [[ -f "$DATA/kafka-cluster-id" ]] || {
      # Kafka cluster ids are 16 random bytes, base64url without padding.
      cid="$(head -c16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')"
      while [[ "$cid" == -* ]]; do cid="$(head -c16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')"; done
      echo "$cid" >"$DATA/kafka-cluster-id"
    }
    cid="$(cat "$DATA/kafka-cluster-id")"
    log "kafka: formatting storage (cluster id $cid)"
    "$java_bin" -Xmx256m "$l4j" -cp "$cp" kafka.tools.StorageTool format -t "$cid" -c "$props" \
      >"$LOGS/kafka-format.log" 2>&1 || { cat "$LOGS/kafka-format.log" >&2; die "kafka: storage format failed"; }
  fi
  # shellcheck disable=SC2086
  start kafka "kafka.Kafka" "$java_bin" $KAFKA_HEAP_OPTS -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -Djava.awt.headless=true "$l4j" -cp "$cp" kafka.Kafka "$props"
}
ready_kafka() { wait_for kafka kafka_ok; }

# ---------------------------------------------------------------- Apicurio Registry
registry_ok() {
  curl -fsS -o /dev/null "http://$STACK_HOST:$REGISTRY_PORT/apis/ccompat/v7/subjects" 2>/dev/null
}
up_registry() {
  if pid_alive registry; then log "registry: already running (pid $(head -n1 "$PIDS/registry.pid"))"; return; fi
  ports_free registry "$REGISTRY_PORT" "$REGISTRY_MGMT_PORT"
  local dir="$DATA/registry"
  mkdir -p "$dir/tmp"
  select_registry
  local jar
  jar="$APICURIO_HOME/app/$(cat "$APICURIO_HOME/app/.runjar")"
  log "registry: Apicurio $REGISTRY_VERSION on $REGISTRY_JAVA_BIN (Java $(java_major "$REGISTRY_JAVA_BIN"))"
  # Storage: Apicurio's SQL storage on an H2 *file* database (persists across restarts).
  local db="jdbc:h2:file:$dir/registry-${REGISTRY_VERSION%%.*}x;DB_CLOSE_ON_EXIT=FALSE"
  local opts=(
    -Djava.io.tmpdir="$dir/tmp"
    -Dquarkus.http.host="$STACK_HOST" -Dquarkus.http.port="$REGISTRY_PORT"
  )
  if [[ "$REGISTRY_VERSION" == 2.* ]]; then
    opts+=(
      -Dquarkus.datasource.jdbc.url="$db"
      -Dquarkus.datasource.jdbc.initial-size=2 -Dquarkus.datasource.jdbc.min-size=2
      -Dregistry.rest.artifact.deletion.enabled=true
    )
  else
    opts+=(
      -Dquarkus.management.host="$STACK_HOST" -Dquarkus.management.port="$REGISTRY_MGMT_PORT"
      -Dapicurio.storage.kind=sql -Dapicurio.storage.sql.kind=h2
      -Dapicurio.datasource.url="$db"
      -Dapicurio.datasource.jdbc.initial-size=2 -Dapicurio.datasource.jdbc.min-size=2
      -Dapicurio.datasource.jdbc.max-size=20
      -Dapicurio.storage.snapshot.location="$dir/tmp" -Dapicurio.import.work-dir="$dir/tmp"
      -Dapicurio.rest.deletion.group.enabled=true
      -Dapicurio.rest.deletion.artifact.enabled=true
      -Dapicurio.rest.deletion.artifact-version.enabled=true
      -Dquarkus.otel.sdk.disabled=true
    )
  fi
  # shellcheck disable=SC2086
  start registry "$jar" "$REGISTRY_JAVA_BIN" $REGISTRY_HEAP_OPTS -XX:+UseSerialGC \
    -XX:TieredStopAtLevel=1 "${opts[@]}" -jar "$jar"
}
ready_registry() { wait_for registry registry_ok; }

# ---------------------------------------------------------------- FerretDB
ferretdb_ok() {
  port_open "$STACK_HOST" "$FERRETDB_PORT" &&
    curl -fsS -o /dev/null "http://$STACK_HOST:$FERRETDB_DEBUG_PORT/debug/readyz" 2>/dev/null
}
up_ferretdb() {
  if pid_alive ferretdb; then log "ferretdb: already running (pid $(head -n1 "$PIDS/ferretdb.pid"))"; return; fi
  ports_free ferretdb "$FERRETDB_PORT" "$FERRETDB_DEBUG_PORT"
  local dir="$DATA/ferretdb"
  mkdir -p "$dir/sqlite" "$dir/state"
  start ferretdb "$FERRETDB_HOME/bin/ferretdb" "$FERRETDB_HOME/bin/ferretdb" \
    --listen-addr="$STACK_HOST:$FERRETDB_PORT" \
    --handler=sqlite --sqlite-url="file:$dir/sqlite/" \
    --state-dir="$dir/state" \
    --debug-addr="$STACK_HOST:$FERRETDB_DEBUG_PORT" \
    --telemetry=disable --log-level=info
}
ready_ferretdb() { wait_for ferretdb ferretdb_ok; }

# ---------------------------------------------------------------- MinIO (S3)
s3_ok() { curl -fsS -o /dev/null "http://$STACK_HOST:$S3_PORT/minio/health/live" 2>/dev/null; }
s3_curl() {
  curl -fsS --aws-sigv4 "aws:amz:$S3_REGION:s3" --user "$S3_ACCESS_KEY:$S3_SECRET_KEY" "$@"
}
up_s3() {
  if pid_alive s3; then log "s3: already running (pid $(head -n1 "$PIDS/s3.pid"))"; return; fi
  ports_free s3 "$S3_PORT" "$S3_CONSOLE_PORT"
  local dir="$DATA/minio"
  mkdir -p "$dir"
  start s3 "$MINIO_HOME/bin/minio" env \
    MINIO_ROOT_USER="$S3_ACCESS_KEY" MINIO_ROOT_PASSWORD="$S3_SECRET_KEY" \
    MINIO_SITE_REGION="$S3_REGION" MINIO_BROWSER=off MINIO_UPDATE=off \
    "$MINIO_HOME/bin/minio" server --quiet --anonymous \
    --address "$STACK_HOST:$S3_PORT" --console-address "$STACK_HOST:$S3_CONSOLE_PORT" "$dir"
}
ready_s3() {
  wait_for s3 s3_ok
  # Create the bucket (idempotent: HEAD first).
  local url="http://$STACK_HOST:$S3_PORT/$S3_BUCKET"
  if ! s3_curl -o /dev/null -I "$url" 2>/dev/null; then
    s3_curl -o /dev/null -X PUT "$url" || die "s3: could not create bucket $S3_BUCKET"
    log "s3: created bucket $S3_BUCKET"
  fi
}

write_env() {
  local tmp="$STACK_DIR/env.tmp"
  cat >"$tmp" <<EOF
KAFKA_BROKERS=$STACK_HOST:$KAFKA_PORT
SCHEMA_REGISTRY_URL=http://$STACK_HOST:$REGISTRY_PORT/apis/ccompat/v7
MONGODB_URL=mongodb://$STACK_HOST:$FERRETDB_PORT/
S3_ENDPOINT=http://$STACK_HOST:$S3_PORT
S3_BUCKET=$S3_BUCKET
S3_FORCE_PATH_STYLE=true
AWS_ACCESS_KEY_ID=$S3_ACCESS_KEY
AWS_SECRET_ACCESS_KEY=$S3_SECRET_KEY
AWS_REGION=$S3_REGION
# Not KAFKA_SASL_*: the services read those, and this file is their environment.
SASL_KAFKA_BROKERS=$STACK_HOST:$KAFKA_SASL_PORT
SASL_KAFKA_USERNAME=$KAFKA_SASL_USER
SASL_KAFKA_PASSWORD=$KAFKA_SASL_SECRET
EOF
  mv -f "$tmp" "$STACK_DIR/env"
}

main() {
  local comps=("$@")
  [[ ${#comps[@]} -gt 0 ]] || comps=(kafka registry ferretdb s3)
  local c
  for c in "${comps[@]}"; do
    case "$c" in kafka|registry|ferretdb|s3) ;; *) die "unknown component '$c' (kafka|registry|ferretdb|s3)" ;; esac
  done
  "$STACK_HOME/install.sh" "${comps[@]}"
  command -v curl >/dev/null || die "curl not found"
  mkdir -p "$PIDS" "$LOGS" "$DATA" "$CONF"
  # Keep git from ever seeing the runtime dir.
  [[ -f "$STACK_DIR/.gitignore" ]] || printf '*\n' >"$STACK_DIR/.gitignore"
  exec 8>"$STACK_DIR/.up.lock"
  flock 8
  # Launch everything first (the servers do not depend on each other), then wait for each.
  for c in "${comps[@]}"; do "up_$c"; done
  for c in "${comps[@]}"; do "ready_$c"; done
  write_env
  log "stack is up; environment in $STACK_DIR/env:"
  sed 's/^/  /' "$STACK_DIR/env" >&2
}

main "$@"

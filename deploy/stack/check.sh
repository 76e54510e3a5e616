#!/usr/bin/env bash
# Smoke test of a running stack (after up.sh), using only curl and the Kafka tool classes
# from the cached Kafka jars (no Node/Python deps). Exits non-zero on the first failure.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ok() { printf '[check] ok   %s\n' "$*" >&2; }
bad() { printf '[check] FAIL %s\n' "$*" >&2; exit 1; }
run_id="check$(date +%s)$$"

# ---- Kafka: create topic, produce 2 records, consume them back.
krun="$KAFKA_HOME/bin/kafka-run-class"
bs="$STACK_HOST:$KAFKA_PORT"
"$krun" org.apache.kafka.tools.TopicCommand --bootstrap-server "$bs" --create \
  --topic "$run_id" --partitions 1 --replication-factor 1 >/dev/null || bad "kafka: create topic"
printf 'a\nb\n' | "$krun" org.apache.kafka.tools.ConsoleProducer --bootstrap-server "$bs" \
  --topic "$run_id" >/dev/null || bad "kafka: produce"
got="$("$krun" org.apache.kafka.tools.consumer.ConsoleConsumer --bootstrap-server "$bs" \
  --topic "$run_id" --from-beginning --max-messages 2 --timeout-ms 20000 2>/dev/null | tr '\n' ,)"
[[ "$got" == "a,b," ]] || bad "kafka: consumed '$got'"
"$krun" org.apache.kafka.tools.TopicCommand --bootstrap-server "$bs" --delete --topic "$run_id" >/dev/null || true
ok "kafka $bs: produce/consume"

# ---- Schema registry (Confluent-compatible API).
reg="http://$STACK_HOST:$REGISTRY_PORT/apis/ccompat/v7"
ct='Content-Type: application/vnd.schemaregistry.v1+json'
subj="$run_id-value"
schema='{"schema":"{\"type\":\"record\",\"name\":\"Check\",\"namespace\":\"stack\",\"fields\":[{\"name\":\"id\",\"type\":\"string\"}]}"}'
id="$(curl -fsS -X POST -H "$ct" --data "$schema" "$reg/subjects/$subj/versions" | sed -n 's/.*"id":\([0-9]*\).*/\1/p')"
[[ -n "$id" ]] || bad "registry: register schema"
curl -fsS -X PUT -H "$ct" --data '{"compatibility":"BACKWARD"}' "$reg/config/$subj" | grep -q BACKWARD ||
  bad "registry: set compatibility"
curl -fsS "$reg/schemas/ids/$id" | grep -q '"schema"' || bad "registry: get schema by id $id"
code="$(curl -sS -o /dev/null -w '%{http_code}' -X POST -H "$ct" \
  --data '{"schema":"{\"type\":\"record\",\"name\":\"Check\",\"namespace\":\"stack\",\"fields\":[{\"name\":\"id\",\"type\":\"string\"},{\"name\":\"n\",\"type\":\"int\"}]}"}' \
  "$reg/subjects/$subj/versions")"
[[ "$code" == 409 ]] || bad "registry: incompatible schema got HTTP $code, expected 409"
curl -fsS -o /dev/null -X DELETE "$reg/subjects/$subj" || true
ok "registry $reg: register (id $id), BACKWARD config, get by id, 409 on incompatible"

# ---- FerretDB: port + readiness probe (the app tests use the mongodb driver).
port_open "$STACK_HOST" "$FERRETDB_PORT" || bad "ferretdb: port $FERRETDB_PORT closed"
curl -fsS -o /dev/null "http://$STACK_HOST:$FERRETDB_DEBUG_PORT/debug/readyz" || bad "ferretdb: readyz"
ok "ferretdb mongodb://$STACK_HOST:$FERRETDB_PORT/: listening, ready"

# ---- S3: PUT/GET/DELETE an object in the bucket (SigV4, path-style).
s3="http://$STACK_HOST:$S3_PORT/$S3_BUCKET/$run_id.txt"
sig=(--aws-sigv4 "aws:amz:$S3_REGION:s3" --user "$S3_ACCESS_KEY:$S3_SECRET_KEY")
tmpf="$(mktemp)"; trap 'rm -f "$tmpf"' EXIT
printf 'hello %s' "$run_id" >"$tmpf"
curl -fsS "${sig[@]}" -T "$tmpf" "$s3" >/dev/null || bad "s3: put"
[[ "$(curl -fsS "${sig[@]}" "$s3")" == "hello $run_id" ]] || bad "s3: get"
curl -fsS "${sig[@]}" -X DELETE "$s3" >/dev/null || bad "s3: delete"
ok "s3 http://$STACK_HOST:$S3_PORT bucket $S3_BUCKET: put/get/delete"
echo "4 passed, 0 failed"

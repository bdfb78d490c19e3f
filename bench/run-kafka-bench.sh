#!/usr/bin/env bash
# Kafka benchmark: Confluent.Kafka 2.16.0 against Omnibus's Kafka listener (acks=all, idempotent, 1 KiB values).
# No Kafka can be installed on these machines, so durable produce is printed against the disk's own sequential
# write + fsync bandwidth, measured in the same run on the file system that holds the broker's data directory.
# Usage: bench/run-kafka-bench.sh [seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-10}"
kafka_port=9094
work="$(mktemp -d)"
omnibus_pid=""

cleanup() {
  if [[ -n "$omnibus_pid" ]]; then kill -TERM "$omnibus_pid" 2>/dev/null && wait "$omnibus_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

dotnet build -c Release src/Omnibus.Server >/dev/null
dotnet build -c Release bench/Omnibus.Kafka.LoadTest >/dev/null
OMNIBUS__Storage__DataDirectory="$work/data" OMNIBUS__Kafka__Port=$kafka_port OMNIBUS__Amqp__Port=5674 OMNIBUS__Http__Port=5301 \
  OMNIBUS__Aws__Enabled=false OMNIBUS__RabbitMqManagement__Enabled=false dotnet src/Omnibus.Server/bin/Release/net10.0/omnibus.dll >"$work/omnibus.log" 2>&1 &
omnibus_pid=$!
for _ in $(seq 1 60); do
  if curl -fsS "http://127.0.0.1:5301/health/ready" >/dev/null 2>&1; then break; fi
  sleep 0.5
done
echo "Omnibus $(git rev-parse --short HEAD)$(git diff --quiet || echo ' + uncommitted changes'), ${seconds} s per row"
dotnet bench/Omnibus.Kafka.LoadTest/bin/Release/net10.0/Omnibus.Kafka.LoadTest.dll \
  --bootstrap 127.0.0.1:$kafka_port --disk-dir "$work/disk-probe" --seconds "$seconds"

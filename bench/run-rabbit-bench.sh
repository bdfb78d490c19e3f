#!/usr/bin/env bash
# End-to-end AMQP 0-9-1 benchmark: the same RabbitMQ.Client 7.2.2 workloads (persistent 1 KiB with
# publisher confirms, one consumer and four competing ones; transient 16 B without confirms) against
# Omnibus and against RabbitMQ from Debian's packages, in one run; prints msg/s and the ratio.
# Usage: bench/run-rabbit-bench.sh [seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-10}"
rabbit_port=5673
omnibus_amqp=5674
omnibus_http=5301
work="$(mktemp -d)"
started_rabbit=0
omnibus_pid=""

cleanup() {
  if [[ -n "$omnibus_pid" ]]; then kill -TERM "$omnibus_pid" 2>/dev/null && wait "$omnibus_pid" 2>/dev/null || true; fi
  if [[ "$started_rabbit" == 1 ]]; then RABBITMQ_NODE_PORT=$rabbit_port rabbitmqctl stop >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# shellcheck source=bench/start-rabbitmq.sh
source bench/start-rabbitmq.sh

dotnet build -c Release src/Omnibus.Server >/dev/null
dotnet build -c Release bench/Omnibus.Amqp091.LoadTest >/dev/null
OMNIBUS__Aws__Enabled=false OMNIBUS__Kafka__Enabled=false OMNIBUS__RabbitMqManagement__Enabled=false OMNIBUS__Storage__DataDirectory="$work/data" OMNIBUS__Amqp__Port=$omnibus_amqp OMNIBUS__Http__Port=$omnibus_http \
  dotnet src/Omnibus.Server/bin/Release/net10.0/omnibus.dll >"$work/omnibus.log" 2>&1 &
omnibus_pid=$!
for _ in $(seq 1 60); do
  if curl -fsS "http://127.0.0.1:$omnibus_http/health/ready" >/dev/null 2>&1; then break; fi
  sleep 0.5
done
echo "Omnibus $(git rev-parse --short HEAD)$(git diff --quiet || echo ' + uncommitted changes'), RabbitMQ $(rabbitmqctl version 2>/dev/null || echo '?'), ${seconds} s per row"
dotnet bench/Omnibus.Amqp091.LoadTest/bin/Release/net10.0/Omnibus.Amqp091.LoadTest.dll \
  --omnibus 127.0.0.1:$omnibus_amqp --rabbitmq 127.0.0.1:$rabbit_port --seconds "$seconds"

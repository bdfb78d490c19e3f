#!/usr/bin/env bash
# End-to-end AMQP 1.0 benchmark: the same workload (AMQPNetLite and the Service Bus SDK, 1 KiB
# durable messages, batching senders, a prefetching receiver) against Omnibus and against
# RabbitMQ's AMQP 1.0 listener, in one run; prints msg/s, p50/p99 latency and the ratio.
# Installs RabbitMQ from Debian's packages when missing.
# Usage: bench/run-amqp-bench.sh [seconds] [baseline-git-rev]
# With a baseline revision (e.g. HEAD~3 or main), that build of Omnibus is built in a temporary
# worktree and run beside this one with the same workload, and the ratio to it is printed too.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-10}"
baseline_rev="${2:-}"
rabbit_port=5673
omnibus_amqp=5674
omnibus_http=5301
baseline_amqp=5675
baseline_http=5302
work="$(mktemp -d)"
started_rabbit=0
omnibus_pid=""
baseline_pid=""
baseline_tree=""

cleanup() {
  for pid in $omnibus_pid $baseline_pid; do kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; done
  if [[ -n "$baseline_tree" ]]; then git worktree remove --force "$baseline_tree" >/dev/null 2>&1 || true; fi
  if [[ "$started_rabbit" == 1 ]]; then RABBITMQ_NODE_PORT=$rabbit_port rabbitmqctl stop >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# shellcheck source=bench/start-rabbitmq.sh
source bench/start-rabbitmq.sh

dotnet build -c Release src/Omnibus.Server >/dev/null
dotnet build -c Release bench/Omnibus.LoadTest >/dev/null
cat >"$work/Config.json" <<'JSON'
{"UserConfig":{"Namespaces":[{"Name":"sbemulatorns","Queues":[{"Name":"bench","Properties":{}}],"Topics":[]}],"Logging":{"Type":"Console"}}}
JSON
OMNIBUS__Aws__Enabled=false OMNIBUS__Kafka__Enabled=false OMNIBUS__RabbitMqManagement__Enabled=false OMNIBUS__Storage__DataDirectory="$work/data" OMNIBUS__Amqp__Port=$omnibus_amqp OMNIBUS__Http__Port=$omnibus_http \
OMNIBUS__Entities__ConfigFile="$work/Config.json" \
  dotnet src/Omnibus.Server/bin/Release/net10.0/omnibus.dll >"$work/omnibus.log" 2>&1 &
omnibus_pid=$!
baseline_args=()
if [[ -n "$baseline_rev" ]]; then
  baseline_tree="$work/baseline-src"
  git worktree add --detach "$baseline_tree" "$baseline_rev" >/dev/null 2>&1
  dotnet build -c Release "$baseline_tree/src/Omnibus.Server" >/dev/null
  OMNIBUS__Aws__Enabled=false OMNIBUS__Kafka__Enabled=false OMNIBUS__RabbitMqManagement__Enabled=false OMNIBUS__Storage__DataDirectory="$work/baseline-data" OMNIBUS__Amqp__Port=$baseline_amqp OMNIBUS__Http__Port=$baseline_http \
  OMNIBUS__Entities__ConfigFile="$work/Config.json" \
    dotnet "$baseline_tree/src/Omnibus.Server/bin/Release/net10.0/omnibus.dll" >"$work/baseline.log" 2>&1 &
  baseline_pid=$!
  baseline_args=(--baseline "127.0.0.1:$baseline_amqp")
  echo "baseline: $(git rev-parse --short "$baseline_rev") against this build: $(git rev-parse --short HEAD)$(git diff --quiet || echo ' + uncommitted changes')"
fi
for port in $omnibus_http ${baseline_pid:+$baseline_http}; do
  for _ in $(seq 1 60); do
    if curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1; then break; fi
    sleep 0.5
  done
done

dotnet bench/Omnibus.LoadTest/bin/Release/net10.0/Omnibus.LoadTest.dll \
  --omnibus 127.0.0.1:$omnibus_amqp "${baseline_args[@]}" --rabbitmq 127.0.0.1:$rabbit_port --seconds "$seconds"

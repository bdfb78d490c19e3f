#!/usr/bin/env bash
# End-to-end AMQP 1.0 benchmark: the same workload (AMQPNetLite and the Service Bus SDK, 1 KiB
# durable messages, batching senders, a prefetching receiver) against Omnibus and against
# RabbitMQ's AMQP 1.0 listener, in one run; prints msg/s, p50/p99 latency and the ratio.
# Installs RabbitMQ from Debian's packages when missing. Usage: bench/run-amqp-bench.sh [seconds]
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
  [[ -n "$omnibus_pid" ]] && kill -TERM "$omnibus_pid" 2>/dev/null && wait "$omnibus_pid" 2>/dev/null || true
  if [[ "$started_rabbit" == 1 ]]; then RABBITMQ_NODE_PORT=$rabbit_port rabbitmqctl stop >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

if ! command -v rabbitmq-server >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rabbitmq-server >/dev/null
fi
export RABBITMQ_NODE_PORT=$rabbit_port RABBITMQ_DIST_PORT=25673
rabbitmq-plugins enable --offline rabbitmq_amqp1_0 >/dev/null
if ! rabbitmqctl status >/dev/null 2>&1; then
  (rabbitmq-server >"$work/rabbit.log" 2>&1 &)
  started_rabbit=1
fi
rabbitmqctl await_startup >/dev/null

dotnet build -c Release src/Omnibus.Server >/dev/null
dotnet build -c Release bench/Omnibus.LoadTest >/dev/null
cat >"$work/Config.json" <<'JSON'
{"UserConfig":{"Namespaces":[{"Name":"sbemulatorns","Queues":[{"Name":"bench","Properties":{}}],"Topics":[]}],"Logging":{"Type":"Console"}}}
JSON
OMNIBUS__Storage__DataDirectory="$work/data" OMNIBUS__Amqp__Port=$omnibus_amqp OMNIBUS__Http__Port=$omnibus_http \
OMNIBUS__Entities__ConfigFile="$work/Config.json" \
  dotnet src/Omnibus.Server/bin/Release/net10.0/omnibus.dll >"$work/omnibus.log" 2>&1 &
omnibus_pid=$!
for _ in $(seq 1 60); do
  if curl -fsS "http://127.0.0.1:$omnibus_http/health/ready" >/dev/null 2>&1; then break; fi
  sleep 0.5
done

dotnet bench/Omnibus.LoadTest/bin/Release/net10.0/Omnibus.LoadTest.dll \
  --omnibus 127.0.0.1:$omnibus_amqp --rabbitmq 127.0.0.1:$rabbit_port --seconds "$seconds"

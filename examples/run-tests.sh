#!/usr/bin/env bash
# Runs the JavaScript examples (@azure/service-bus 7.9.5, amqplib 2.3.1, @aws-sdk/client-sqs, @aws-sdk/client-sns, kafkajs 2.2.4) against a broker started here:
# installs the npm packages, starts examples/host on a free port with a temporary data
# directory, points the examples at it with the emulator-style connection string, stops it after.
set -euo pipefail
cd "$(dirname "$0")"

if [[ -f package-lock.json ]]; then npm ci --no-audit --no-fund --silent; else npm install --no-audit --no-fund --silent; fi

data_dir="$(mktemp -d -t omnibus-examples-XXXXXX)"
log="$data_dir/host.log"
dotnet build host -c Release --nologo -v quiet >/dev/null
dotnet run --project host -c Release --no-build -- "$data_dir/data" 0 >"$log" 2>&1 &
host_pid=$!
cleanup() { kill "$host_pid" 2>/dev/null || true; wait "$host_pid" 2>/dev/null || true; rm -rf "$data_dir"; }
trap cleanup EXIT

port=""
for _ in $(seq 1 300); do
  port="$(sed -n 's/^LISTENING \([0-9]*\)$/\1/p' "$log" | head -1)"
  [[ -n "$port" ]] && break
  if ! kill -0 "$host_pid" 2>/dev/null; then cat "$log"; echo "example host exited" >&2; exit 1; fi
  sleep 0.1
done
[[ -n "$port" ]] || { cat "$log"; echo "example host did not start" >&2; exit 1; }

export OMNIBUS_CONNECTION_STRING="Endpoint=sb://127.0.0.1:${port};SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true;"
# RabbitMQ clients reach the same broker on the same port (AMQP 0-9-1, told apart by its protocol header).
export OMNIBUS_AMQP_URL="amqp://guest:guest@127.0.0.1:${port}"
# Amazon SQS clients reach it over HTTP on a port of its own (access key test / secret test, any region).
export OMNIBUS_SQS_ENDPOINT="http://127.0.0.1:$(sed -n 's/^SQS \([0-9]*\)$/\1/p' "$log" | head -1)"
# Kafka clients reach it on a port of their own (PLAINTEXT, as Kafka's default).
export OMNIBUS_KAFKA_BROKERS="127.0.0.1:$(sed -n 's/^KAFKA \([0-9]*\)$/\1/p' "$log" | head -1)"
npm test
# The JS test left a message for the .NET SDK: check it reads the same there.
dotnet host/bin/Release/net10.0/Omnibus.ExamplesHost.dll verify-interop "$OMNIBUS_CONNECTION_STRING"

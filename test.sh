#!/usr/bin/env bash
# Runs the whole test suite: every .NET test project (unit, crash, integration with the official
# Service Bus SDK) and, when present, the JavaScript examples with @azure/service-bus.
# Usage: ./test.sh [extra dotnet test args]
set -euo pipefail
cd "$(dirname "$0")"
dotnet test Omnibus.slnx -c Release --logger "console;verbosity=normal" "$@"
if [[ -x examples/run-tests.sh ]]; then
  examples/run-tests.sh
fi

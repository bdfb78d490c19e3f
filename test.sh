#!/usr/bin/env bash
# Runs the whole test suite: every .NET test project (unit, crash, integration with the official
# Service Bus SDK; the core suite on the file store and again on the memory store) and, when present, the JavaScript examples with @azure/service-bus.
# Usage: ./test.sh [extra dotnet test args]
set -euo pipefail
cd "$(dirname "$0")"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
dotnet test Omnibus.slnx -c Release --logger "console;verbosity=normal" "$@" 2>&1 | tee "$log" || status=$?
# The storage-neutral core suite once more on the memory store (tests that need files on disk are left out).
OMNIBUS_TEST_STORE=memory dotnet test tests/Omnibus.Core.Tests -c Release --no-build --filter "Store!=file-only" \
  --logger "console;verbosity=normal" "$@" 2>&1 | tee -a "$log" || status=$?
if [[ -x examples/run-tests.sh ]]; then
  examples/run-tests.sh 2>&1 | tee -a "$log" || status=$?
fi
# One plain summary line over every runner (dotnet prints one block per test project).
# (node --test prints "# pass N" / "ℹ pass N".)
passed=$(grep -E '^\s+Passed:\s+[0-9]+|^(#|ℹ) pass [0-9]+' "$log" | awk '{s+=$NF} END {print s+0}')
failed=$(grep -E '^\s+Failed:\s+[0-9]+|^(#|ℹ) fail [0-9]+' "$log" | awk '{s+=$NF} END {print s+0}')
echo "${passed} passed, ${failed} failed"
# Name the failures again at the very end, where a truncated CI log still shows them.
if [[ "$failed" != 0 ]]; then
  grep -E '^\s+Failed [A-Za-z_][A-Za-z0-9_.]+|^not ok [0-9]+ ' "$log" | sed -E 's/^\s+//' | sort -u | head -50
fi
exit "$status"

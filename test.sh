#!/usr/bin/env bash
# Runs the whole test suite (unit and integration). Usage: ./test.sh [extra dotnet test args]
set -euo pipefail
cd "$(dirname "$0")"
dotnet test Omnibus.slnx -c Release --logger "console;verbosity=normal" "$@"

#!/usr/bin/env bash
# The README's test command: prepare the machine, then run the whole suite.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source .ci/prepare.sh
npm test

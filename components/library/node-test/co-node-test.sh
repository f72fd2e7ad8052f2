#!/usr/bin/env bash
# library/node-test: runs `npm run <script>` (default: npm test) in the workspace directory `dir`
# and reports the passed/failed/skipped counts of Node's test runner.
set -euo pipefail
COMPONENT=node-test

# input, output, fail, in_workspace and WORKSPACE: the shared contract helpers.
# shellcheck source=../../base/contract.sh
source /usr/local/lib/containerops/contract.sh

dir="$(input dir .)"
root="$(in_workspace "$dir")"
[ -f "$root/package.json" ] || fail "no package.json in \"$dir\""
script="$(input script test)"
install="$(input install false)"
case "$install" in
true | false) ;;
*) fail "input \"install\" must be true or false, got \"$install\"" ;;
esac

cd "$root"
echo "node $(node --version), npm $(npm --version) in $dir"
# Plain, uncoloured output that the summary parser below can read.
export CI=true NO_COLOR=1 FORCE_COLOR=0 npm_config_update_notifier=false npm_config_fund=false
if [ "$install" = true ]; then
  if [ -f package-lock.json ]; then npm ci --no-audit || fail 'npm ci failed'; else
    npm install --no-audit || fail 'npm install failed'
  fi
fi

log="$(mktemp)"
status=0
npm run "$script" 2>&1 | tee "$log" || status="${PIPESTATUS[0]}"

# Node's test runner ends with a summary: "# pass 3" lines in TAP (Node 18/20 when not on a
# terminal), "ℹ pass 3" in the spec reporter (Node 22+). Only unindented lines count (nested
# output is not a summary); several runs in one script are summed.
count() {
  awk -v key="$1" '
    /^(#|ℹ) / && $2 == key && $3 ~ /^[0-9]+$/ && NF == 3 { n += $3; seen = 1 }
    END { print (seen ? n : 0) }
  ' "$log"
}
summaries="$(grep -cE '^(#|ℹ) tests [0-9]+$' "$log" || true)"
passed="$(count pass)"
failed="$(count fail)"
skipped="$(($(count skipped) + $(count todo)))"
cancelled="$(count cancelled)"
rm -f "$log"
[ "$summaries" -gt 0 ] || echo "note: no summary of Node's test runner found in the output: counts are 0"

output PASSED "$passed"
output FAILED "$((failed + cancelled))"
output SKIPPED "$skipped"
output TESTS "$((passed + failed + cancelled + skipped))"
[ "$status" -eq 0 ] || fail "npm run $script exited with code $status ($((failed + cancelled)) failed)"
echo "$passed passed, $((failed + cancelled)) failed, $skipped skipped"

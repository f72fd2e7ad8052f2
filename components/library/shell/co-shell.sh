#!/usr/bin/env bash
# library/shell: runs the `script` input with `shell` in the workspace directory `dir`.
# The script's own [COUT] lines and $CO_OUTPUT writes are its outputs.
set -euo pipefail
COMPONENT=shell

# input, output, fail, in_workspace and WORKSPACE: the shared contract helpers.
# shellcheck source=../../base/contract.sh
source /usr/local/lib/containerops/contract.sh

script="$(input script)"
[ -n "$script" ] || fail 'input "script" is required: the commands to run'
dir="$(in_workspace "$(input dir .)")"
[ -d "$dir" ] || fail "directory \"$(input dir .)\" does not exist in the workspace"
read -r -a interpreter <<<"$(input shell 'bash -eo pipefail')"
command -v "${interpreter[0]}" >/dev/null || fail "shell \"${interpreter[0]}\" is not installed in this image"

file="$(mktemp /tmp/co-script.XXXXXX)"
printf '%s\n' "$script" >"$file"
cd "$dir"
status=0
"${interpreter[@]}" "$file" || status=$?
rm -f "$file"
[ "$status" -eq 0 ] || fail "the script exited with code $status"

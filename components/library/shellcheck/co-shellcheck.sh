#!/usr/bin/env bash
# library/shellcheck: lints the shell scripts under `path` with ShellCheck, reports the number of
# findings, and fails when there are more than `max-findings`.
set -euo pipefail
COMPONENT=shellcheck

# input, output, fail, in_workspace and WORKSPACE: the shared contract helpers.
# shellcheck source=../../base/contract.sh
source /usr/local/lib/containerops/contract.sh

path="$(input path .)"
root="$(in_workspace "$path")"
[ -e "$root" ] || fail "\"$path\" does not exist in the workspace"
max="$(input max-findings 0)"
[[ "$max" =~ ^[0-9]+$ ]] || fail "input \"max-findings\" must be a number, got \"$max\""
severity="$(input severity style)"
case "$severity" in
error | warning | info | style) ;;
*) fail "input \"severity\" must be error, warning, info or style, got \"$severity\"" ;;
esac
options=(--format=gcc --severity="$severity")
dialect="$(input shell)"
[ -n "$dialect" ] && options+=(--shell="$dialect")
exclude="$(input exclude)"
[ -n "$exclude" ] && options+=(--exclude="$exclude")

# The scripts: *.sh and *.bash files, and files starting with a shell shebang (bin/ scripts
# without an extension); never inside .git or node_modules.
files=()
while IFS= read -r -d '' file; do
  case "$file" in
  *.sh | *.bash) files+=("$file") ;;
  *)
    if head -c 64 "$file" 2>/dev/null | head -n 1 | grep -Eq '^#!.*[/ ](ba|da|k)?sh( |$)'; then
      files+=("$file")
    fi
    ;;
  esac
done < <(find "$root" \( -name .git -o -name node_modules \) -prune -o -type f -print0 | sort -z)

echo "shellcheck $(shellcheck --version | sed -n 's/^version: //p'): ${#files[@]} file(s) under $path, severity >= $severity"
findings=0
if [ "${#files[@]}" -gt 0 ]; then
  report="$(mktemp)"
  status=0
  (cd "$WORKSPACE" && shellcheck "${options[@]}" "${files[@]#"$WORKSPACE"/}") >"$report" || status=$?
  # 0: clean, 1: findings; anything else means ShellCheck itself could not run.
  [ "$status" -le 1 ] || { cat "$report"; fail "shellcheck failed with code $status"; }
  cat "$report"
  findings="$(grep -c ':[0-9]*:[0-9]*: ' "$report" || true)"
  rm -f "$report"
fi

output FINDINGS "$findings"
output FILES "${#files[@]}"
if [ "$findings" -gt "$max" ]; then
  fail "$findings finding(s), more than the $max allowed (max-findings)"
fi
echo "$findings finding(s), within the $max allowed"

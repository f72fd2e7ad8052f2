# Component contract helpers (docs/design.md §3), shared by every library component.
# Installed at /usr/local/lib/containerops/contract.sh by the containerops/component-base image;
# a component script sets COMPONENT (its name, for error messages) and then sources this file.
# shellcheck shell=bash
# input KEY [DEFAULT]: the input KEY from CO_<KEY>, else from the key=value pairs of CO_DATA
# (engines that set only CO_DATA), else DEFAULT. An empty value counts as not given.
input() {
  local key="$1" var pair
  var="CO_$(printf '%s' "$key" | tr '[:lower:]' '[:upper:]' | tr -c 'A-Z0-9_' '_')"
  if [ -n "${!var:-}" ]; then
    printf '%s' "${!var}"
    return
  fi
  local -a pairs
  read -r -a pairs <<<"${CO_DATA:-}"
  for pair in "${pairs[@]}"; do
    if [ "${pair%%=*}" = "$key" ] && [ -n "${pair#*=}" ] && [ "$pair" != "$key" ]; then
      printf '%s' "${pair#*=}"
      return
    fi
  done
  printf '%s' "${2-}"
}
# output KEY VALUE: on stdout as [COUT] (readable, for every engine) and into $CO_OUTPUT when the
# engine provides it (that file wins, so test output that forges [COUT] lines cannot override).
output() {
  printf '[COUT] %s = %s\n' "$1" "$2"
  if [ -n "${CO_OUTPUT:-}" ]; then printf '%s=%s\n' "$1" "$2" >>"$CO_OUTPUT"; fi
}
# fail MESSAGE: reports the failure by both channels of the contract and exits non-zero.
fail() {
  printf '%s: error: %s\n' "$COMPONENT" "$*" >&2
  output CO_RESULT false
  exit 1
}
# in_workspace PATH: PATH resolved under the workspace; refuses absolute paths and "..".
in_workspace() {
  case "/$1/" in
  */../*) fail "path \"$1\" must stay inside the workspace (no \"..\")" ;;
  esac
  case "$1" in
  /*) fail "path \"$1\" must be relative to the workspace" ;;
  esac
  printf '%s/%s' "$WORKSPACE" "$1"
}
WORKSPACE="${CO_WORKSPACE:-/workspace}"

#!/usr/bin/env bash
# Assembles everything the server image holds into OUT, from an already built checkout, without
# the network:
#
#   OUT/usr/local/bin/node     the Node.js 20 binary that runs this script (same glibc as the
#                              Debian bookworm runtime image; better-sqlite3 was built for it)
#   OUT/app/node_modules/...   @containerops/cli and @containerops/server with their PRODUCTION
#                              dependencies only (`npm ls --omit=dev --omit=peer`), workspace packages copied
#                              as published (package.json + its "files"), not linked
#   OUT/app/web/dist           the built dashboard
#
# Used twice: inside the Dockerfile's build stage (after `npm ci && npm run build`), and on this
# host by scripts/docker/build-server-image.sh, where Docker builds have no network.
#
#   bash scripts/docker/stage-server.sh OUT
set -euo pipefail

say() { printf '[stage-server] %s\n' "$*"; }
die() { printf '[stage-server] ERROR: %s\n' "$*" >&2; exit 1; }

[ $# -eq 1 ] || die "usage: stage-server.sh OUT"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
OUT="$(mkdir -p "$1" && cd "$1" && pwd)"
cd "$ROOT"

node -e 'process.exit(Number(process.versions.node.split(".")[0]) === 20 ? 0 : 1)' ||
  die "Node.js 20 required (found $(node --version))"
for built in packages/cli/dist/main.js packages/server/dist/index.js web/dist/index.html; do
  [ -f "$built" ] || die "$built missing: build first (npm run build)"
done

# OUT is replaced, so it must be a staging directory of its own: empty, or a former staging.
for entry in "$OUT"/* "$OUT"/.[!.]*; do
  case "${entry##*/}" in app | usr | '*' | '.[!.]*') ;; *) die "$OUT holds ${entry##*/}: not a staging directory" ;; esac
done
rm -rf "${OUT:?}/app" "${OUT:?}/usr"
mkdir -p "$OUT/app/node_modules" "$OUT/app/web" "$OUT/usr/local/bin"
cp "$(command -v node)" "$OUT/usr/local/bin/node"
cp -a web/dist "$OUT/app/web/dist"

# Workspace locations and names ("packages/server @containerops/server").
declare -A WORKSPACE_NAME=()
while read -r location name; do WORKSPACE_NAME["$location"]="$name"; done < <(
  npm query .workspace | node -e '
    let s = "";
    process.stdin.on("data", (d) => (s += d)).on("end", () => {
      for (const w of JSON.parse(s)) console.log(w.location, w.name);
    });'
)

# Copies one package directory without its nested node_modules (those are listed on their own).
copy_package() {
  mkdir -p "$2"
  tar -C "$1" --exclude=./node_modules -cf - . | tar -C "$2" -xf -
}

# A workspace package as npm would publish it: package.json and the entries of "files".
copy_workspace() {
  local location="$1" dest="$2" entry
  mkdir -p "$dest"
  cp "$location/package.json" "$dest/"
  while read -r entry; do
    [ -e "$location/$entry" ] && cp -a "$location/$entry" "$dest/"
  done < <(node -p "(require('./$location/package.json').files ?? []).join('\n')")
}

# Where a path of the dev tree goes in the image: workspace dirs become node_modules/<name>.
image_path() {
  local path="$1" location
  for location in "${!WORKSPACE_NAME[@]}"; do
    case "$path" in
      "$location/"*) printf 'node_modules/%s/%s' "${WORKSPACE_NAME[$location]}" "${path#"$location/"}"; return ;;
    esac
  done
  printf '%s' "$path"
}

count=0
while read -r path; do
  [ "$path" = "$ROOT" ] && continue
  relative="${path#"$ROOT/"}"
  target="$(readlink -f "$path")"
  target="${target#"$ROOT/"}"
  if [ -n "${WORKSPACE_NAME[$target]:-}" ]; then
    copy_workspace "$target" "$OUT/app/node_modules/${WORKSPACE_NAME[$target]}"
  else
    copy_package "$path" "$OUT/app/$(image_path "$relative")"
  fi
  count=$((count + 1))
# --omit=peer: an optional peer that happens to be installed is not a runtime need (the SDK's
# `vitest` peer, for plugin authors' conformance suites, would bring vite, esbuild and rolldown:
# ~60 MB); the required peers of our dependencies are direct dependencies of ours anyway.
done < <(npm ls --omit=dev --omit=peer --all --parseable -w @containerops/cli -w @containerops/server)

say "staged $count packages, node $(node --version), into $OUT ($(du -sh "$OUT" | cut -f1))"

#!/usr/bin/env bash
# library/package: packs the workspace directory `dir` into a reproducible .tar.gz under
# `output-dir` and reports its path, SHA-256 and size.
set -euo pipefail
COMPONENT=package

# input, output, fail, in_workspace and WORKSPACE: the shared contract helpers.
# shellcheck source=../../base/contract.sh
source /usr/local/lib/containerops/contract.sh

dir="$(input dir)"
[ -n "$dir" ] || fail 'input "dir" is required: the workspace directory to pack'
source_dir="$(in_workspace "${dir%/}")"
[ -d "$source_dir" ] || fail "directory \"$dir\" does not exist in the workspace"
source_dir="$(cd "$source_dir" && pwd -P)"
base="$(basename "$source_dir")"
name="$(input name "$base.tar.gz")"
case "$name" in */* | .*) fail "input \"name\" must be a plain file name, got \"$name\"" ;; esac
output_dir="$(input output-dir artifacts)"
artifact_dir="$(in_workspace "$output_dir")"
read -r -a patterns <<<"$(input exclude '.git node_modules')"

mkdir -p "$artifact_dir"
artifact="$artifact_dir/$name"
excludes=()
for pattern in "${patterns[@]}"; do excludes+=(--exclude="$pattern"); done
# The artifact must not pack itself (nor its partial file) when it lands inside the directory.
excludes+=(--exclude="./$base/${artifact#"$source_dir"/}" --exclude='.partial.*')

# Reproducible: sorted names, fixed mtime and owners, no gzip timestamp. The same content gives
# the same SHA-256 on every run and machine.
tmp="$(mktemp "$artifact_dir/.partial.XXXXXX")"
tar --create --file=- --directory="$(dirname "$source_dir")" \
  --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner \
  --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
  "${excludes[@]}" "./$base" | gzip -n -9 >"$tmp" || { rm -f "$tmp"; fail "packing \"$dir\" failed"; }
mv "$tmp" "$artifact"

sha256="$(sha256sum "$artifact" | cut -d' ' -f1)"
size="$(stat -c %s "$artifact")"
files="$(tar -tzf "$artifact" | grep -vc '/$' || true)"
relative="${output_dir%/}/$name"
relative="${relative#./}"
echo "packed $dir: $files file(s), $size bytes -> $relative"

output ARTIFACT "$relative"
output SHA256 "$sha256"
output SIZE "$size"
output FILES "$files"

#!/usr/bin/env bash
# library/git-clone: clones `repo` (branch `branch`) into the workspace directory `dir` and reports
# the commit it checked out.
set -euo pipefail
COMPONENT=git-clone

# input, output, fail, in_workspace and WORKSPACE: the shared contract helpers.
# shellcheck source=../../base/contract.sh
source /usr/local/lib/containerops/contract.sh

repo="$(input repo)"
[ -n "$repo" ] || fail 'input "repo" is required: a URL or a path of a git repository'
branch="$(input branch)"
name="$(input dir "$(basename "${repo%/}" .git)")"
depth="$(input depth 1)"
[[ "$depth" =~ ^[0-9]+$ ]] || fail "input \"depth\" must be a number (0 = full history), got \"$depth\""
target="$(in_workspace "$name")"
if [ -e "$target" ] && [ -n "$(ls -A "$target" 2>/dev/null)" ]; then
  fail "\"$name\" already exists in the workspace and is not empty: choose another \"dir\""
fi

# A repository inside the workspace is given by its path; a relative path is relative to the
# workspace. git ignores --depth for plain-path clones, so those go through file://.
case "$repo" in
/*) source_url="file://$repo" ;;
*://* | *@*:*) source_url="$repo" ;;
*) source_url="file://$WORKSPACE/$repo" ;;
esac
args=(clone --quiet --no-tags)
[ "$depth" -gt 0 ] && args+=(--depth "$depth")
[ -n "$branch" ] && args+=(--branch "$branch")

echo "cloning $repo${branch:+ ($branch)} into $name"
git "${args[@]}" -- "$source_url" "$target" || fail "git clone of $repo failed"
commit="$(git -C "$target" rev-parse HEAD)" || fail "the clone of $repo has no commit"
checked_out="$(git -C "$target" symbolic-ref --quiet --short HEAD || echo "$branch")"
git -C "$target" log -1 --format='HEAD is %h %s (%an, %ad)' --date=short

output COMMIT "$commit"
output BRANCH "$checked_out"
output DIR "$name"

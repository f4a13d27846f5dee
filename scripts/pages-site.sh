#!/usr/bin/env bash
# Adds this release (release/site/, from scripts/release.sh) to a published site folder:
# v<version>/ is added, and refused if that version is already there with other bytes (a page
# pinning a version must never change under its readers); latest/ and index.html are replaced
# when this is the newest version;
# versions.txt lists every version, newest first. Used by .github/workflows/pages.yml on the
# gh-pages branch's files; works on any folder a static host serves.
#
#   scripts/pages-site.sh <published-folder>
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:?usage: scripts/pages-site.sh <published-folder>}
site=release/site
version_dir=$(cd "$site" && ls -d v*/ 2>/dev/null | head -n 1 || true)
version_dir=${version_dir%/}
[ -n "$version_dir" ] || { echo "no v<version>/ in $site: run scripts/release.sh first" >&2; exit 1; }
mkdir -p "$target"
if [ -d "$target/$version_dir" ]; then
  if ! diff -r -q "$site/$version_dir" "$target/$version_dir" > /dev/null; then
    echo "$target/$version_dir exists with other files: a published version never changes;" \
      "bump the version (Cargo.toml, python/pyproject.toml, CHANGELOG.md)" >&2
    exit 1
  fi
else
  cp -r "$site/$version_dir" "$target/$version_dir"
fi
# latest/ is the newest version published: a fix to an older release (v1.2.3 after v1.3.0)
# gets its own folder and leaves latest/ alone.
newest=$( (cd "$target" && ls -d v*/ | tr -d /; echo "$version_dir") | sort -V | tail -n 1)
if [ "$newest" = "$version_dir" ] || [ ! -d "$target/latest" ]; then
  rm -rf "$target/latest"
  cp -r "$site/latest" "$target/latest"
  cp "$site/index.html" "$target/index.html"
else
  echo "$newest is newer than $version_dir: latest/ stays $newest"
fi
# GitHub Pages serves every file as it is (no Jekyll: folders and names untouched).
touch "$target/.nojekyll"
(cd "$target" && ls -d v*/ | tr -d / | sort -V -r) > "$target/versions.txt"
echo "published $version_dir and latest/ into $target ($(wc -l < "$target/versions.txt") versions)"

#!/usr/bin/env bash
# Builds a release of attnscope from this checkout, into release/:
#
#   attnscope-<version>.tar.gz, attnscope-<version>.zip   the static site (dist/), in a
#                                                          folder attnscope-<version>/
#   attnscope-<version>-py3-none-any.whl                  the notebook widget (python/), with
#                                                          the same wasm, embed.js and models
#   SHA256SUMS                                            `sha256sum -c SHA256SUMS` checks them
#   site/                                                 what a host serves: v<version>/ and
#                                                          latest/ (both this build) and an
#                                                          index that opens latest/
#
# The version is the workspace's (Cargo.toml); CHANGELOG.md must have its section and
# python/pyproject.toml the same version. A page that pins v<version>/embed.js never changes:
# a later release adds its own folder and replaces latest/ only (.github/workflows/pages.yml
# keeps every published folder).
#
#   scripts/release.sh              builds dist/ (trunk build --release) first
#   scripts/release.sh --no-build   packs the dist/ already built (the test command does)
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf '\033[1m[release]\033[0m %s\n' "$*"; }

version=$(awk '/^\[workspace.package\]/ { on = 1 } on && /^version = / { gsub(/"/, "", $3); print $3; exit }' Cargo.toml)
[ -n "$version" ] || { echo "no [workspace.package] version in Cargo.toml" >&2; exit 1; }
python_version=$(awk -F'"' '/^version = / { print $2; exit }' python/pyproject.toml)
if [ "$python_version" != "$version" ]; then
  echo "python/pyproject.toml says $python_version, Cargo.toml $version: make them equal" >&2
  exit 1
fi
grep -q "^__version__ = \"$version\"$" python/attnscope/__init__.py \
  || { echo "python/attnscope/__init__.py's __version__ is not $version" >&2; exit 1; }
grep -q "^## $version " CHANGELOG.md \
  || { echo "CHANGELOG.md has no section '## $version …'" >&2; exit 1; }

if [ "${1:-}" != --no-build ]; then
  scripts/setup.sh build
  say "building dist/"
  trunk build --release
fi
if [ ! -f dist/embed.js ] || [ ! -f dist/attnscope_bg.wasm ]; then
  echo "dist/ is not built: run scripts/release.sh without --no-build" >&2
  exit 1
fi
scripts/setup.sh python

rm -rf release
mkdir -p release/site
name=attnscope-$version

say "site: release/site/v$version/ and latest/"
cp -r dist "release/site/v$version"
cp -r dist release/site/latest
# The site's root opens the newest release (no script: a plain link and a refresh).
cat > release/site/index.html <<EOF
<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>attnscope</title>
<meta http-equiv="refresh" content="0; url=latest/"></head>
<body><p><a href="latest/">attnscope $version</a> (every release: v&lt;version&gt;/)</p></body></html>
EOF

say "archives: $name.tar.gz and $name.zip"
cp -r dist "release/$name"
# Same bytes from the same files: sorted names, no owners, the commit's time.
stamp=$(git log -1 --format=%ct 2>/dev/null || date +%s)
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$stamp" -C release -czf "release/$name.tar.gz" "$name"
(cd release && ../.venv/bin/python - "$name" "$stamp" <<'EOF'
import os, sys, time, zipfile
root, stamp = sys.argv[1], int(sys.argv[2])
when = time.gmtime(stamp)[:6]
with zipfile.ZipFile(f"{root}.zip", "w", zipfile.ZIP_DEFLATED) as archive:
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for file in sorted(files):
            path = os.path.join(folder, file)
            entry = zipfile.ZipInfo(path, date_time=when)
            entry.external_attr = 0o644 << 16
            entry.compress_type = zipfile.ZIP_DEFLATED
            with open(path, "rb") as data:
                archive.writestr(entry, data.read())
EOF
)
rm -rf "release/$name"

say "wheel: the notebook widget with dist/'s files"
static=python/attnscope/static
rm -rf "$static"
mkdir -p "$static"
cp dist/embed.js dist/attnscope.js dist/attnscope_bg.wasm dist/style.css "$static/"
mkdir -p "$static/assets"
cp -r dist/assets/models "$static/assets/"
rm -rf python/build
.venv/bin/python -m pip wheel --quiet --no-deps --no-build-isolation --disable-pip-version-check -w release python/

(cd release && sha256sum "$name.tar.gz" "$name.zip" "$name-py3-none-any.whl" > SHA256SUMS && sha256sum -c --quiet SHA256SUMS)
say "release/ for $version:"
ls -l release

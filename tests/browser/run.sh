#!/usr/bin/env bash
# Browser tests of built sites in headless Chromium.
#
# Installs what is missing (Debian's chromium and Korean fonts through apt,
# playwright-core through npm), builds notes/ and the seed notes
# (shared/seeds/*.txt beside the repository, or $GONGBU_SEEDS) with the release binary into
# temporary folders, and runs every tests/browser/*.test.mjs with node's test
# runner. Screenshots go to $SCREENSHOT_DIR (default target/screenshots/).
#
#   bash tests/browser/run.sh                 # everything
#   bash tests/browser/run.sh theme           # only tests/browser/theme.test.mjs
#   GONGBU_BIN=target/debug/gongbu bash tests/browser/run.sh   # skip the release build
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
cd "$repo"

# ── system packages: the browser and fonts that cover Hangul ──
missing=()
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || missing+=(chromium)
for pkg in fonts-noto-cjk fonts-nanum fonts-nanum-coding fonts-noto-color-emoji; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "== apt-get install ${missing[*]}"
    $sudo apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "browser tests: cannot install ${missing[*]} (no apt-get); install them by hand" >&2
    exit 1
  fi
fi

# ── node packages ──
echo "== npm ci (tests/browser)"
(cd "$here" && { npm ci --no-audit --no-fund --loglevel=error || npm install --no-audit --no-fund --loglevel=error; })

# ── the sites ──
if [ -z "${GONGBU_BIN:-}" ]; then
  echo "== cargo build --release"
  cargo build --release -q
  GONGBU_BIN="$repo/target/release/gongbu"
fi
GONGBU_BIN=$(cd "$(dirname "$GONGBU_BIN")" && pwd)/$(basename "$GONGBU_BIN")

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "== build notes/"
"$GONGBU_BIN" build --root "$repo" --out "$work/notes-site" >"$work/notes.log" 2>&1 || {
  cat "$work/notes.log" >&2
  exit 1
}
export GONGBU_SITE_NOTES="$work/notes-site"

# The seed notes: $GONGBU_SEEDS, else shared/seeds beside the repository.
seeds_dir=${GONGBU_SEEDS:-}
if [ -z "$seeds_dir" ]; then
  for d in "$repo/../shared/seeds" /work/shared/seeds; do
    if [ -d "$d" ]; then seeds_dir=$d; break; fi
  done
fi
export GONGBU_SITE_SEEDS=""
if [ -n "$seeds_dir" ] && compgen -G "$seeds_dir/*.txt" >/dev/null; then
  echo "== build the seed notes ($seeds_dir)"
  mkdir -p "$work/seeds/notes"
  for f in "$seeds_dir"/*.txt; do
    cp "$f" "$work/seeds/notes/$(basename "$f" .txt).md"
  done
  # Seeds are real notes with real broken links: warnings (exit 0) are fine.
  "$GONGBU_BIN" build --root "$work/seeds" --out "$work/seeds-site" >"$work/seeds.log" 2>&1 || {
    cat "$work/seeds.log" >&2
    exit 1
  }
  export GONGBU_SITE_SEEDS="$work/seeds-site"
else
  echo "== no seed notes (shared/seeds/*.txt beside the repository, or \$GONGBU_SEEDS): the seed pages are skipped"
fi

export SCREENSHOT_DIR=${SCREENSHOT_DIR:-$repo/target/screenshots}
mkdir -p "$SCREENSHOT_DIR"

# ── the tests ──
if [ $# -gt 0 ]; then
  tests=()
  for name in "$@"; do tests+=("$here/$name.test.mjs"); done
else
  tests=("$here"/*.test.mjs)
fi
echo "== node --test ${tests[*]##*/}"
node --test --test-concurrency=1 --test-reporter=spec "${tests[@]}"
echo "screenshots: $SCREENSHOT_DIR"

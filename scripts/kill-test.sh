#!/usr/bin/env bash
# Kills `gongbu build` of a 2,000-note corpus at random moments and checks
# that the output is always a whole site (the previous one or the new one,
# never a mix) and that the next build leaves nothing behind.
#
#   scripts/kill-test.sh [KILLS] [NOTES]      (defaults: 100 kills, 2000 notes)
#
# Two roots hold two versions of the corpus and build into one output in
# turn, so every build replaces a whole site with a different one. Kill
# moments are spread over the build (a third early, while the previous
# build's leftovers are cleaned; a third anywhere; a third late, around the
# swap and the removal of the old site); most kills are SIGKILL, some
# SIGTERM and SIGINT (which must clean up themselves). Every tenth round
# and at the end a build runs to completion: its site must be the expected
# one and nothing may be left beside it or inside it.
#
# Uses target/release/gongbu when it exists (GONGBU=path overrides), else
# builds the debug binary. The corpus comes from scripts/gen-corpus.py, else
# ../shared/bench/gen_corpus.py, else a small generator below.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
kills=${1:-100}
notes=${2:-2000}

if [[ -n "${GONGBU:-}" ]]; then
  bin=$GONGBU
elif [[ -x target/release/gongbu ]]; then
  bin=$repo/target/release/gongbu
else
  cargo build -q --bin gongbu
  bin=$repo/target/debug/gongbu
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/gongbu-kill-XXXXXX")
trap 'rm -rf "$work"' EXIT

gen() { # gen OUT_ROOT SEED
  if [[ -f scripts/gen-corpus.py ]]; then
    python3 scripts/gen-corpus.py --notes "$notes" --out "$1" --seed "$2" --quiet
  elif [[ -f ../shared/bench/gen_corpus.py ]]; then
    python3 ../shared/bench/gen_corpus.py --notes "$notes" --out "$1" --seed "$2" --quiet
  elif [[ -f ../../shared/bench/gen_corpus.py ]]; then
    python3 ../../shared/bench/gen_corpus.py --notes "$notes" --out "$1" --seed "$2" --quiet
  else
    python3 - "$1" "$notes" "$2" <<'PY'
import os, random, sys
out, n, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(seed)
words = ["프로세스", "스레드", "메모리", "스케줄링", "교착 상태", "페이지", "캐시", "커널", "인터럽트", "파일 시스템"]
for i in range(n):
    folder = os.path.join(out, "notes", f"분류 {i % 20:02d}")
    os.makedirs(folder, exist_ok=True)
    w = rng.choice(words)
    body = " ".join(f"{rng.choice(words)}는 {rng.choice(words)}와 관련이 있다." for _ in range(30))
    with open(os.path.join(folder, f"노트 {i:04d}.md"), "w", encoding="utf-8") as f:
        f.write(f"---\ntitle: {w} {i}\ndate: 2026-0{i % 9 + 1}-1{i % 9}\ntags: [{w}, 공통]\n---\n"
                f"## 개요\n\n{body}\n\n[[{w} {(i + 1) % n}]]\n\n| 구분 | 값 |\n|---|---|\n| 번호 | {i} |\n\n"
                f"```c\nint main(void) {{ return {i}; }}\n```\n")
PY
  fi
}

if [[ -f scripts/gen-corpus.py ]]; then source=scripts/gen-corpus.py
elif [[ -f ../shared/bench/gen_corpus.py ]]; then source=../shared/bench/gen_corpus.py
elif [[ -f ../../shared/bench/gen_corpus.py ]]; then source=../../shared/bench/gen_corpus.py
else source="the small generator in this script"; fi
echo "corpus: $notes notes, two versions, from $source"
gen "$work/a" 11
gen "$work/b" 12
out=$work/out/site
mkdir -p "$work/out"

# The whole site as one hash: every file's path and bytes.
site_hash() {
  if [[ ! -d $1 ]]; then echo missing; return; fi
  (cd "$1" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)
}

# Folders the builds left beside the output or inside it.
leftovers() {
  { ls -A "$work/out" | grep -v '^site$' || true
    ls -A "$out" 2>/dev/null | grep '^\.gongbu-' | grep -v -x -e '.gongbu-output' -e '.gongbu-manifest' || true
  } | sed '/^$/d'
}

build() { # build ROOT: runs to completion
  "$bin" build --root "$1" --out "$out" >/dev/null 2>"$work/err" || { cat "$work/err"; return 1; }
}

# Reference sites.
start=$(date +%s%N)
build "$work/a"
full_ms=$(( ($(date +%s%N) - start) / 1000000 ))
hash_a=$(site_hash "$out")
build "$work/b"
hash_b=$(site_hash "$out")
[[ $hash_a != "$hash_b" ]] || { echo "the two versions build the same site"; exit 1; }
echo "full build ${full_ms} ms; site A $hash_a, site B $hash_b; binary $bin"

damaged=0
left=0
mid_write=0
by_signal=""
root=b
expect=$hash_b
RANDOM=17
for ((k = 1; k <= kills; k++)); do
  previous=$expect
  if [[ $root == a ]]; then root=b; next=$hash_b; else root=a; next=$hash_a; fi
  case $((k % 3)) in
    0) wait_ms=$((RANDOM % (full_ms * 15 / 100 + 1))) ;;
    1) wait_ms=$((RANDOM % (full_ms + 1))) ;;
    2) wait_ms=$((full_ms * 85 / 100 + RANDOM % (full_ms * 30 / 100 + 1))) ;;
  esac
  case $((RANDOM % 10)) in
    0) sig=TERM ;;
    1) sig=INT ;;
    *) sig=KILL ;;
  esac
  "$bin" build --root "$work/$root" --out "$out" >/dev/null 2>&1 &
  pid=$!
  sleep "$(printf '%d.%03d' $((wait_ms / 1000)) $((wait_ms % 1000)))"
  kill -s "$sig" "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  now=$(site_hash "$out")
  if [[ $now == "$previous" ]]; then
    expect=$previous
    # Back to the previous root: the next round builds the other again.
    if [[ $root == a ]]; then root=b; else root=a; fi
    if [[ -n $(leftovers) ]]; then mid_write=$((mid_write + 1)); fi
  elif [[ $now == "$next" ]]; then
    expect=$next
  else
    damaged=$((damaged + 1))
    echo "kill $k (SIG$sig after ${wait_ms} ms): DAMAGED site ($now)"
    expect=$now
  fi
  # SIGTERM and SIGINT clean up their own staging folder (named by pid).
  if [[ $sig != KILL ]] && leftovers | grep -q -- "-$pid-"; then
    echo "kill $k: SIG$sig left $(leftovers | tr '\n' ' ')"
    left=$((left + 1))
  fi
  by_signal+="$sig "
  if ((k % 10 == 0 || k == kills)); then
    # A complete build: the expected site, and nothing left anywhere.
    if [[ $root == a ]]; then root=b; want=$hash_b; else root=a; want=$hash_a; fi
    build "$work/$root"
    got=$(site_hash "$out")
    expect=$got
    if [[ $got != "$want" ]]; then
      damaged=$((damaged + 1))
      echo "after kill $k: complete build gave $got, not $want"
    fi
    rest=$(leftovers)
    if [[ -n $rest ]]; then
      left=$((left + 1))
      echo "after kill $k: leftovers after a complete build: $(echo "$rest" | tr '\n' ' ')"
    fi
  fi
done

terms=$(tr ' ' '\n' <<<"$by_signal" | grep -c TERM || true)
ints=$(tr ' ' '\n' <<<"$by_signal" | grep -c INT || true)
echo "kills: $kills (SIGKILL $((kills - terms - ints)), SIGTERM $terms, SIGINT $ints); $mid_write left the previous site with a staging folder beside it"
echo "damaged sites: $damaged"
echo "leftovers after the next build (or after SIGTERM/SIGINT): $left"
if ((damaged > 0 || left > 0)); then
  exit 1
fi
echo "kill test OK"

#!/usr/bin/env bash
# Measures `gongbu serve` on a generated corpus: the initial build, and the
# time from saving one note to its new page being served (write the file,
# poll HTTP until the new text appears), over several runs.
#
#   scripts/serve-bench.sh                 # 10,000 notes, 9 runs, release build
#   NOTES=2000 RUNS=5 scripts/serve-bench.sh
#
# Environment: NOTES, RUNS, CORPUS (default /tmp/serve-corpus-$NOTES),
# GEN (the corpus generator, default ../shared/bench/gen_corpus.py beside
# the repository), BIN (default target/release/gongbu, built if missing).
set -euo pipefail

cd "$(dirname "$0")/.."
NOTES=${NOTES:-10000}
RUNS=${RUNS:-9}
CORPUS=${CORPUS:-/tmp/serve-corpus-$NOTES}
GEN=${GEN:-../shared/bench/gen_corpus.py}
BIN=${BIN:-target/release/gongbu}

if [ ! -d "$CORPUS/notes" ]; then
  echo "corpus: generating $NOTES notes in $CORPUS" >&2
  python3 "$GEN" --notes "$NOTES" --out "$CORPUS" >/dev/null
fi
if [ ! -x "$BIN" ]; then
  cargo build --release
fi

LOG=$(mktemp -d)
SERVER=""
cleanup() {
  if [ -n "$SERVER" ] && kill -0 "$SERVER" 2>/dev/null; then
    kill -INT "$SERVER"
    wait "$SERVER" 2>/dev/null || true
  fi
  rm -rf "$LOG"
}
trap cleanup EXIT

start=$(date +%s.%N)
"$BIN" serve --root "$CORPUS" --port 0 --timings >"$LOG/out" 2>"$LOG/err" &
SERVER=$!
until grep -q '^미리 보기: ' "$LOG/out"; do
  if ! kill -0 "$SERVER" 2>/dev/null; then
    echo "gongbu serve stopped:" >&2
    cat "$LOG/err" >&2
    exit 1
  fi
  sleep 0.05
done
ready=$(date +%s.%N)
PORT=$(sed -n 's/^미리 보기: http:\/\/127\.0\.0\.1:\([0-9]*\)\/.*/\1/p' "$LOG/out")
OUT=$(sed -n 's/^임시 출력: //p' "$LOG/out")
echo "initial build under serve: $(grep -o '[0-9.]*초' "$LOG/err" | tail -1) (built), $(awk "BEGIN{printf \"%.2f\", $ready - $start}") s (start to served)"
grep '^노트 ' "$LOG/err" | tail -1

# A note with a title in its front matter, from the middle of the corpus,
# and its page.
NOTE=$(python3 - "$CORPUS/notes" <<'PY'
import os, sys
root = sys.argv[1]
notes = sorted(
    os.path.relpath(os.path.join(d, f), root)
    for d, _, files in os.walk(root)
    for f in files
    if f.endswith(".md")
)
for rel in notes[len(notes) // 2 :]:
    if any(line.startswith("title: ") for line in open(os.path.join(root, rel), encoding="utf-8")):
        print(rel)
        break
PY
)
PAGE=${NOTE%.md}.html
if [ ! -f "$OUT/$PAGE" ]; then
  echo "no page $PAGE for notes/$NOTE in $OUT" >&2
  exit 1
fi
echo "edited note: notes/$NOTE -> /$PAGE"

python3 - "$PORT" "$CORPUS/notes/$NOTE" "$PAGE" "$RUNS" "$LOG/out" <<'PY'
import http.client, re, statistics, sys, time, urllib.parse

port, note, page, runs, log = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
path = "/" + urllib.parse.quote(page)
original = open(note, encoding="utf-8").read()

def rebuilds():
    return open(log, encoding="utf-8").read().count("다시 빌드:")

def fetch(target=path):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", target)
    body = conn.getresponse().read().decode("utf-8", "replace")
    conn.close()
    return body

def measure(name, edit):
    times = []
    for i in range(runs):
        done = rebuilds()
        text, mark = edit(i)
        t0 = time.perf_counter()
        with open(note, "w", encoding="utf-8") as f:
            f.write(text)
        while mark not in fetch():
            if time.perf_counter() - t0 > 60:
                sys.exit(f"{name}, run {i}: the edit never appeared")
            time.sleep(0.001)
        times.append((time.perf_counter() - t0) * 1000)
        # Let the rest of the rebuild finish before the next save.
        while rebuilds() <= done:
            time.sleep(0.01)
        time.sleep(0.3)
    print(f"{name}: save -> new page served (ms):", " ".join(f"{t:.0f}" for t in times))
    print(f"  median {statistics.median(times):.0f} ms, min {min(times):.0f} ms, max {max(times):.0f} ms over {runs} runs")

def prose(i):
    mark = f"벤치마크 표식 {i}-{time.time_ns()}"
    return original + f"\n\n{mark}\n", mark

title = re.search(r'^title: *"?([^"\n]*)"?$', original, re.M)

def retitle(i):
    mark = f"{title.group(1)} 고침{i}-{time.time_ns() % 100000}"
    return original[: title.start()] + f'title: "{mark}"' + original[title.end():], mark

def new_notes():
    import os
    folder = os.path.dirname(note)
    times = []
    for i in range(runs):
        done = rebuilds()
        name = f"bench-new-{i}-{time.time_ns() % 100000}"
        mark = f"새 노트 {name}"
        new = os.path.join(folder, name + ".md")
        target = "/" + urllib.parse.quote(os.path.dirname(page) + "/" + name + ".html")
        t0 = time.perf_counter()
        with open(new, "w", encoding="utf-8") as f:
            f.write(f"---\ntitle: \"{mark}\"\n---\n\n{mark}\n")
        while mark not in fetch(target):
            if time.perf_counter() - t0 > 60:
                sys.exit(f"new note, run {i}: the page never appeared")
            time.sleep(0.001)
        times.append((time.perf_counter() - t0) * 1000)
        while rebuilds() <= done:
            time.sleep(0.01)
        done = rebuilds()
        os.remove(new)
        while rebuilds() <= done:
            time.sleep(0.01)
        time.sleep(0.3)
    print("new note: save -> its page served (ms):", " ".join(f"{t:.0f}" for t in times))
    print(f"  median {statistics.median(times):.0f} ms, min {min(times):.0f} ms, max {max(times):.0f} ms over {runs} runs")

try:
    measure("prose edit (a sentence added)", prose)
    if title:
        measure("title edit (indexed before the page is shown)", retitle)
    new_notes()
finally:
    with open(note, "w", encoding="utf-8") as f:
        f.write(original)
PY
echo "server's own timings (edited page first, whole rebuild, steps):"
grep -A1 '^다시 빌드:' "$LOG/out" | grep -v '^--$' | sed 's/^.*그렸고/ /' | tail -n "$((RUNS * 8))"

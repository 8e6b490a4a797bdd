#!/usr/bin/env bash
# Times gongbu's dates-from-git pass on a generated repository: 1,000 notes
# (no dates in front matter) and 5,000 commits that edit and rename them.
# Goal: the pass ("git 날짜" in --timings) under 0.5 s.
#
#   scripts/git-dates-bench.sh            # 1000 notes, 5000 commits
#   NOTES=10000 COMMITS=20000 scripts/git-dates-bench.sh
set -euo pipefail

NOTES=${NOTES:-1000}
COMMITS=${COMMITS:-5000}
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${GONGBU:-$root/target/release/gongbu}
if [ ! -x "$bin" ]; then
  (cd "$root" && cargo build --release --quiet)
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
repo="$work/repo"
git init -q -b main "$repo"

# One fast-import stream: the first commit adds every note, each later one
# edits a note, every 25th renames one (so renames must be followed).
LC_ALL=C awk -v notes="$NOTES" -v commits="$COMMITS" '
function blob(text) { printf "data %d\n%s\n", length(text), text }
function head(i, msg) {
  t = 1767225600 + i * 3600
  printf "commit refs/heads/main\n"
  printf "author 한지우 <jiwoo@example.com> %d +0900\n", t
  printf "committer 한지우 <jiwoo@example.com> %d +0900\n", t
  blob(msg)
}
BEGIN {
  head(0, "처음")
  for (n = 0; n < notes; n++) {
    name[n] = sprintf("notes/주제 %02d/노트 %04d.md", n % 40, n)
    printf "M 100644 inline %s\n", name[n]
    blob(sprintf("# 노트 %d\n\n처음 쓴 본문.\n", n))
  }
  for (i = 1; i < commits; i++) {
    n = (i * 7) % notes
    if (i % 25 == 0) {
      new = sprintf("notes/주제 %02d/새 이름 %04d-%d.md", n % 40, n, i)
      head(i, "이름 바꿈")
      printf "R \"%s\" \"%s\"\n", name[n], new
      name[n] = new
    } else {
      head(i, "고침")
      printf "M 100644 inline %s\n", name[n]
      blob(sprintf("# 노트 %d\n\n%d번째 고친 본문.\n", n, i))
    }
  }
}' | git -C "$repo" fast-import --quiet
git -C "$repo" reset -q --hard main
echo "저장소: 노트 $(find "$repo/notes" -name '*.md' | wc -l)개, 커밋 $(git -C "$repo" rev-list --count main)개"

# The pass alone, three times (the first also warms the file cache).
for run in 1 2 3; do
  "$bin" check --root "$repo" --timings 2>&1 | grep -E "git 날짜" | sed "s/^/  $run회: /"
done
"$bin" check --root "$repo" 2>&1 | tail -1

# The one git process the pass runs, alone: wall clock depends on how busy
# the machine is, CPU time much less.
TIMEFORMAT='  git log 혼자: %R s 경과, 사용자 %U s + 시스템 %S s'
time git -C "$repo/notes" -c core.quotepath=off log -z -M --name-status --relative \
  --no-merges --format=%x01%aI -- . > /dev/null

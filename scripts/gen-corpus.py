#!/usr/bin/env python3
"""gongbu's own benchmark corpus: generated Korean computer-science study notes.

    scripts/gen-corpus.py --notes 10000 --out /tmp/c10000            # OUT/notes/
    scripts/gen-corpus.py --notes 1000 --out /tmp/c1000 --hugo       # + OUT/sites/hugo/

Writes OUT/notes/: N markdown notes in nested folders (Hangul file names with
spaces, brackets and dates among ASCII ones), a glossary (notes/glossary.yaml),
PNG and SVG images under per-folder images/ folders. The notes look like what
students write:

- front matter in several forms (block lists, flow lists, comma strings, dates
  with and without a time, quoted and bare titles), none at all on about one
  note in ten (the title is then the first heading or the file name);
- relative markdown links (some with #anchors), [[wiki links]] by title or
  glossary term with and without a label, about 1 % broken links;
- comparison tables (`| 구분 | A | B |`) and comparison lists, plain tables;
- fenced code in Python, Rust, C, Java, Go, Bash and SQL whose identifiers and
  numbers change per block, so that, as in real code, about half of the lines
  repeat (blank lines, braces, imports, common calls) and the rest do not;
- box diagrams drawn with box-drawing characters (a fence without a language);
- local images (about 2 % of them missing), a few remote ones.

With --hugo it also lays the same notes out as a Hugo site (OUT/sites/hugo/):
content copied as it is, link and image render hooks that resolve `.md` links,
highlighting with classes, so both generators do comparable work.

Standard library only; deterministic: the same --notes and --seed give
byte-identical files.
"""

import argparse
import os
import posixpath
import random
import re
import shutil
import struct
import sys
import unicodedata
import zlib

# ---------------------------------------------------------------- vocabulary
# (term, english, aliases, definition, folder key)
TERMS = [
    ("프로세스", "Process", ["Process", "작업 단위"], "실행 중인 프로그램으로, 자기만의 주소 공간과 자원을 가진다.", "os"),
    ("스레드", "Thread", ["쓰레드", "Thread"], "한 프로세스 안에서 주소 공간을 나눠 쓰며 따로 실행되는 흐름이다.", "os"),
    ("문맥 교환", "Context Switch", ["컨텍스트 스위치", "Context Switch"], "CPU가 지금 작업의 레지스터를 저장하고 다음 작업의 것을 불러오는 일이다.", "os"),
    ("뮤텍스", "Mutex", ["Mutex", "상호 배제 잠금"], "한 번에 한 스레드만 임계 구역에 들어가게 하는 잠금이다.", "sync"),
    ("세마포어", "Semaphore", ["Semaphore", "세마포"], "카운터로 자원에 동시에 들어올 수 있는 수를 세는 동기화 도구다.", "sync"),
    ("교착 상태", "Deadlock", ["데드락", "Deadlock"], "작업들이 서로 상대가 쥔 자원을 기다리느라 아무도 나아가지 못하는 상태다.", "sync"),
    ("임계 구역", "Critical Section", ["크리티컬 섹션", "Critical Section"], "공유 자원을 건드리는 코드 구간이다.", "sync"),
    ("경쟁 조건", "Race Condition", ["레이스 컨디션", "Race Condition"], "실행 순서에 따라 결과가 달라지는 상황이다.", "sync"),
    ("조건 변수", "Condition Variable", ["condvar", "Condition Variable"], "조건이 참이 될 때까지 스레드를 재우는 도구다.", "sync"),
    ("스핀락", "Spinlock", ["스핀 락", "Spinlock"], "잠금이 풀릴 때까지 바쁘게 돌며 기다리는 잠금이다.", "sync"),
    ("가상 메모리", "Virtual Memory", ["Virtual Memory", "가상 주소 공간"], "프로세스마다 물리 메모리보다 큰 주소 공간을 주는 기법이다.", "memory"),
    ("페이지 테이블", "Page Table", ["Page Table", "페이지표"], "가상 페이지 번호를 물리 프레임 번호로 바꾸는 표다.", "memory"),
    ("페이지 부재", "Page Fault", ["페이지 폴트", "Page Fault"], "접근한 페이지가 물리 메모리에 없을 때 일어나는 예외다.", "memory"),
    ("TLB", "Translation Lookaside Buffer", ["주소 변환 캐시", "TLB 캐시"], "최근 주소 변환 결과를 담아 두는 하드웨어 캐시다.", "memory"),
    ("스와핑", "Swapping", ["Swap", "스왑"], "메모리 내용을 디스크로 내보냈다가 다시 들여오는 일이다.", "memory"),
    ("단편화", "Fragmentation", ["Fragmentation", "메모리 조각화"], "빈 메모리가 잘게 흩어져 큰 요청을 들어주지 못하는 현상이다.", "memory"),
    ("시스템 콜", "System Call", ["시스템 호출", "syscall"], "응용 프로그램이 커널에 일을 부탁하는 통로다.", "os"),
    ("커널", "Kernel", ["Kernel", "커널 모드"], "하드웨어와 자원을 직접 관리하는 운영체제의 중심부다.", "os"),
    ("인터럽트", "Interrupt", ["Interrupt", "IRQ"], "장치가 CPU에 사건을 알려 하던 일을 멈추게 하는 신호다.", "os"),
    ("스케줄러", "Scheduler", ["Scheduler", "CPU 스케줄러"], "다음에 CPU를 쓸 작업을 고르는 커널의 부분이다.", "os"),
    ("라운드 로빈", "Round Robin", ["Round Robin", "RR 스케줄링"], "작업마다 같은 시간 조각을 돌아가며 주는 스케줄링이다.", "os"),
    ("좀비 프로세스", "Zombie Process", ["좀비", "Zombie"], "끝났지만 부모가 종료 상태를 거두지 않은 프로세스다.", "os"),
    ("PCB", "Process Control Block", ["프로세스 제어 블록", "Process Control Block"], "커널이 프로세스마다 두는 상태 기록이다.", "os"),
    ("파이프", "Pipe", ["Pipe", "익명 파이프"], "한쪽에서 쓴 바이트를 다른 쪽에서 읽는 단방향 통로다.", "os"),
    ("TCP", "Transmission Control Protocol", ["티씨피", "TCP/IP"], "순서와 도착을 보장하는 연결형 전송 프로토콜이다.", "network"),
    ("UDP", "User Datagram Protocol", ["유디피", "User Datagram Protocol"], "연결 없이 데이터그램을 보내는 전송 프로토콜이다.", "network"),
    ("혼잡 제어", "Congestion Control", ["Congestion Control", "혼잡제어"], "네트워크가 막히지 않게 보내는 양을 줄이고 늘리는 방법이다.", "network"),
    ("흐름 제어", "Flow Control", ["Flow Control", "윈도 제어"], "받는 쪽이 감당할 만큼만 보내게 하는 방법이다.", "network"),
    ("DNS", "Domain Name System", ["도메인 이름 시스템", "Domain Name System"], "도메인 이름을 IP 주소로 바꿔 주는 분산 데이터베이스다.", "network"),
    ("HTTP", "Hypertext Transfer Protocol", ["Hypertext Transfer Protocol", "HTTP/1.1"], "웹에서 요청과 응답을 주고받는 응용 계층 프로토콜이다.", "network"),
    ("소켓", "Socket", ["Socket", "소켓 API"], "프로세스가 네트워크로 말하는 끝점이다.", "network"),
    ("트랜잭션", "Transaction", ["Transaction", "TX"], "모두 되거나 모두 안 되는 작업의 묶음이다.", "db"),
    ("인덱스", "Index", ["색인", "DB 인덱스"], "찾는 속도를 높이려고 따로 정렬해 둔 자료구조다.", "db"),
    ("격리 수준", "Isolation Level", ["고립 수준", "Isolation Level"], "동시에 도는 트랜잭션이 서로를 얼마나 보는지 정한 약속이다.", "db"),
    ("정규화", "Normalization", ["Normalization", "정규형"], "중복을 줄이려고 표를 나누는 설계 과정이다.", "db"),
    ("B+ 트리", "B+ Tree", ["B+Tree", "비플러스 트리"], "잎에만 값을 두고 잎끼리 이어 둔 균형 탐색 트리다.", "db"),
    ("해시 테이블", "Hash Table", ["해시맵", "HashMap"], "키의 해시로 칸을 정해 값을 넣는 자료구조다.", "ds"),
    ("힙", "Heap", ["Heap", "우선순위 큐"], "부모가 항상 자식보다 작거나 큰 완전 이진 트리다.", "ds"),
    ("스택", "Stack", ["Stack", "LIFO"], "나중에 넣은 것이 먼저 나오는 자료구조다.", "ds"),
    ("큐", "Queue", ["Queue", "FIFO"], "먼저 넣은 것이 먼저 나오는 자료구조다.", "ds"),
    ("이진 탐색", "Binary Search", ["이분 탐색", "Binary Search"], "정렬된 범위를 반씩 줄여 가며 찾는 방법이다.", "ds"),
    ("동적 계획법", "Dynamic Programming", ["DP", "다이나믹 프로그래밍"], "작은 문제의 답을 저장해 큰 문제에 다시 쓰는 방법이다.", "ds"),
    ("소유권", "Ownership", ["Ownership", "오너십"], "값마다 주인을 하나 두고 주인이 사라질 때 값을 해제하는 Rust의 규칙이다.", "lang"),
    ("가비지 컬렉션", "Garbage Collection", ["GC", "가비지 컬렉터"], "더 쓰지 않는 메모리를 런타임이 찾아 거두는 방식이다.", "lang"),
    ("코루틴", "Coroutine", ["Coroutine", "코루틴 함수"], "멈췄다가 그 자리에서 다시 이어 갈 수 있는 함수다.", "lang"),
]
TERM = {t[0]: t for t in TERMS}

# Folders: (path, weight, term groups, label)
FOLDERS = [
    ("운영체제", 5, ["os"], "운영체제"),
    ("운영체제/프로세스와 스레드", 5, ["os", "sync"], "프로세스와 스레드"),
    ("운영체제/메모리", 5, ["memory"], "메모리"),
    ("운영체제/동기화", 5, ["sync"], "동기화"),
    ("network", 4, ["network"], "네트워크"),
    ("network/전송 계층", 3, ["network"], "전송 계층"),
    ("database", 4, ["db"], "데이터베이스"),
    ("자료구조", 4, ["ds"], "자료구조"),
    ("lang/rust", 3, ["lang", "memory"], "Rust"),
    ("lang/go", 2, ["lang", "sync"], "Go"),
    ("[면접] CS 질문", 3, ["os", "network", "db"], "면접 질문"),
    ("til/2026/03", 4, None, "3월 TIL"),
    ("til/2026/04", 4, None, "4월 TIL"),
    ("til/2026/05", 4, None, "5월 TIL"),
]
GROUPS = {}
for _t in TERMS:
    GROUPS.setdefault(_t[4], []).append(_t[0])

WRITERS = ["한지우", "오세린", "문태오", "백다인", "서준호", "임하린", "노건우"]
TAGS = ["복습", "면접", "시험", "정리", "실습", "질문", "운영체제", "네트워크", "DB", "알고리즘", "헷갈림"]

# ---------------------------------------------------------------- Korean particles


def has_final(word):
    """(받침이 있는가, 받침이 ㄹ인가) for the last letter of word."""
    last = word.rstrip(" )")[-1]
    c = ord(last)
    if 0xAC00 <= c <= 0xD7A3:
        jong = (c - 0xAC00) % 28
        return jong != 0, jong == 8
    if last.isdigit():
        return last in "0136789", last in "178"
    # English letter names as read in Korean: 엘, 엠, 엔, 알 end in a consonant
    up = last.upper()
    return up in "LMNR", up in "LR"


def josa(word, kind):
    fin, rieul = has_final(word)
    pairs = {"은": ("은", "는"), "이": ("이", "가"), "을": ("을", "를"), "과": ("과", "와"), "아": ("이라", "라")}
    if kind == "로":
        return word + ("로" if (not fin or rieul) else "으로")
    if kind == "의":
        return word + "의"
    a, b = pairs[kind]
    return word + (a if fin else b)


# Sentence patterns: {a:은} is term a with the particle 은/는, and so on.
PATTERNS = [
    "{a:은} {b:과} 자주 함께 나오지만 다루는 대상이 다르다.",
    "{a:이} 왜 필요한지부터 정리하면 {b:은} 자연스럽게 따라온다.",
    "교재 그림으로 보면 {a:은} {b:을} 감싸는 구조다.",
    "{a:을} 잘못 쓰면 {b:이} 생기기 쉽다.",
    "실제 서버에서는 {a:이} 병목이 되는 경우가 생각보다 많았다.",
    "{a:의} 비용을 재 보니 {b:보다} 훨씬 컸다.",
    "{a:은} 결국 {b:을} 어떻게 나눠 쓰느냐의 문제로 돌아온다.",
    "면접에서는 {a:과} {b:의} 차이를 한 문장으로 말해 보라는 질문이 많다.",
    "{a:로} 충분할 줄 알았는데 {b:까지} 고려해야 했다.",
    "커널 입장에서 {a:은} 자료구조 하나와 규칙 몇 개에 불과하다.",
    "{a:이} 늘어날수록 {b:의} 부담도 함께 커진다.",
    "처음 배울 때는 {a:과} {b:을} 같은 것으로 착각했다.",
    "{a:을} 직접 구현해 보면 {b:이} 왜 어려운지 알게 된다.",
    "정리하면 {a:은} 속도를, {b:은} 안전을 택한 설계다.",
    "멀티코어에서는 {a:이} 한층 더 중요해진다.",
    "문서마다 {a:의} 정의가 조금씩 달라서 여기서는 교재의 정의를 따른다.",
]
TAILS = [
    "다음 주 스터디에서 코드로 다시 확인해 보기로 했다.",
    "시험에 나온다고 했으니 꼭 외워 두자.",
    "리눅스 6.x 커널을 기준으로 적었다.",
    "직접 그려 보니 훨씬 잘 이해되었다.",
    "틀린 부분이 있으면 나중에 고칠 것.",
    "이 부분에서 가장 오래 헤맸다.",
]
OPENERS = ["그래서", "즉,", "반대로", "예를 들어", "참고로", "하지만", "게다가", "결국"]
INLINE_CODE = ["fork()", "pthread_mutex_lock", "mmap", "epoll_wait", "SELECT ... FOR UPDATE", "Arc<Mutex<T>>",
               "sync.WaitGroup", "volatile", "O(log n)"]
SECTIONS = ["개요", "핵심 개념", "동작 방식", "장단점", "비교", "예제 코드", "자주 받는 질문", "정리", "참고",
            "실습 기록", "주의할 점", "더 깊이", "용어", "구현", "면접 대비", "느낀 점"]
ROW_LABELS = ["정의", "메모리", "만드는 비용", "통신", "안정성", "전환 비용", "동기화", "예시", "장점", "단점"]
CELLS = ["독립된 주소 공간", "주소 공간 공유", "큼", "작음", "빠름", "느림", "필요", "불필요", "IPC로 통신",
         "공유 메모리", "커널이 관리", "사용자 공간", "O(1)", "O(log n)", "O(n)", "브라우저 탭", "웹 서버 워커",
         "하나가 죽어도 무사", "하나가 죽으면 전부 영향", "캐시에 유리", "잠금 필요"]
REMOTE = [
    "https://upload.wikimedia.org/wikipedia/commons/3/3b/Paging.svg",
    "https://i.imgur.com/Q3cUg29.png",
    "https://raw.githubusercontent.com/cs-notes/images/main/tcp-state.png",
]


def sentence(r, terms):
    pat = r.choice(PATTERNS)
    a = r.choice(terms)
    b = r.choice([t for t in terms if t != a] or terms)
    out = []
    rest = pat
    while "{" in rest:
        head, _, tail = rest.partition("{")
        slot, _, tail = tail.partition("}")
        name, _, kind = slot.partition(":")
        word = a if name == "a" else b
        if kind in ("보다", "까지"):
            said = word + kind
        else:
            said = josa(word, kind)
        if r.random() < 0.1:  # bold term, particle outside the bold
            said = "**" + word + "**" + said[len(word):]
        out.append(head + said)
        rest = tail
    s = "".join(out) + rest
    if r.random() < 0.2:
        s = r.choice(OPENERS) + " " + s
    if r.random() < 0.07:
        s += " " + r.choice(TAILS)
    if r.random() < 0.07:
        s += " (`%s`)" % r.choice(INLINE_CODE)
    return s


def paragraph(r, terms, n=None):
    return " ".join(sentence(r, terms) for _ in range(n or r.randint(2, 5)))


# ---------------------------------------------------------------- code
# Each template is real-looking code; NAME_x placeholders get a per-block
# identifier and NUM_x a per-block number, so a block's own lines are unique
# while blank lines, braces, imports and common calls repeat across notes.

CODE = {
    "python": '''import threading
import time

# {title}: 공유 카운터를 잠금으로 보호하기
NAME_c = 0
NAME_l = threading.Lock()


def NAME_w(n):
    global NAME_c
    for _ in range(n):
        with NAME_l:  # 임계 구역
            NAME_c += 1


if __name__ == "__main__":
    NAME_st = time.perf_counter()
    NAME_t = [threading.Thread(target=NAME_w, args=(NUM_a,)) for _ in range(NUM_b)]
    for t in NAME_t:
        t.start()
    for t in NAME_t:
        t.join()
    print("결과:", NAME_c, "걸린 시간:", time.perf_counter() - NAME_st)
''',
    "rust": '''use std::sync::{Arc, Mutex};
use std::thread;

// {title}: Arc와 Mutex로 상태 나누기
fn main() {
    let NAME_c = Arc::new(Mutex::new(0u64));
    let mut NAME_hs = Vec::new();
    for i in 0..NUM_b {
        let NAME_k = Arc::clone(&NAME_c);
        NAME_hs.push(thread::spawn(move || {
            let mut NAME_g = NAME_k.lock().unwrap();
            *NAME_g += i * NUM_a;
        }));
    }
    for h in NAME_hs {
        h.join().unwrap();
    }
    println!("합계 = {}", *NAME_c.lock().unwrap());
}
''',
    "c": '''#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/wait.h>

/* {title}: fork로 자식 NUM_b개 만들기 */
int main(void) {
    for (int NAME_i = 0; NAME_i < NUM_b; NAME_i++) {
        pid_t NAME_p = fork();
        if (NAME_p < 0) {
            perror("fork");
            exit(1);
        }
        if (NAME_p == 0) {
            printf("자식 %d: pid=%d\\n", NAME_i, getpid());
            _exit(NUM_c);
        }
    }
    while (wait(NULL) > 0)
        ;  /* 좀비가 남지 않게 모두 거둔다 */
    return 0;
}
''',
    "java": '''import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;

// {title}
public class NAME_M {
    private static final Semaphore NAME_s = new Semaphore(NUM_b);

    public static void main(String[] args) throws InterruptedException {
        ExecutorService NAME_pool = Executors.newFixedThreadPool(NUM_c);
        for (int i = 0; i < NUM_a; i++) {
            NAME_pool.submit(() -> {
                try {
                    NAME_s.acquire();
                    System.out.println(Thread.currentThread().getName() + " 들어감");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    NAME_s.release();
                }
            });
        }
        NAME_pool.shutdown();
    }
}
''',
    "go": '''package main

import (
\t"fmt"
\t"sync"
)

// {title}: WaitGroup과 Mutex
func main() {
\tvar wg sync.WaitGroup
\tvar NAME_mu sync.Mutex
\tNAME_n := 0
\tfor i := 0; i < NUM_b; i++ {
\t\twg.Add(1)
\t\tgo func(NAME_d int) {
\t\t\tdefer wg.Done()
\t\t\tNAME_mu.Lock()
\t\t\tNAME_n += NAME_d * NUM_a
\t\t\tNAME_mu.Unlock()
\t\t}(i)
\t}
\twg.Wait()
\tfmt.Println("합계:", NAME_n)
}
''',
    "bash": '''# {title}: 상태 확인
ps -eLf | head -n NUM_b
grep -E 'Threads|VmRSS' /proc/NUM_a/status
vmstat 1 NUM_c          # cs 열이 문맥 교환 횟수
ss -tan state established '( dport = :NUM_a )' | wc -l
''',
    "sql": '''-- {title}
BEGIN;
SELECT balance FROM NAME_acct WHERE id = NUM_a FOR UPDATE;
UPDATE NAME_acct SET balance = balance - NUM_c WHERE id = NUM_a;
UPDATE NAME_acct SET balance = balance + NUM_c WHERE id = NUM_b;
COMMIT;

CREATE INDEX idx_NAME_acct_owner ON NAME_acct (owner_id);
EXPLAIN SELECT * FROM NAME_acct WHERE owner_id = NUM_b;
''',
}
LANGS = sorted(CODE)
ALPHA = "abcdefghjkmnpqrstuvwxyz"


def code_block(r, lang, title):
    body = CODE[lang].replace("{title}", title)
    suffix = "%s%d" % (r.choice(ALPHA), r.randint(1, 99999))
    out = []
    for line in body.split("\n"):
        while "NAME_" in line:
            head, _, tail = line.partition("NAME_")
            word = ""
            while tail and (tail[0].isalnum()):
                word += tail[0]
                tail = tail[1:]
            line = head + word + "_" + suffix + tail
        out.append(line)
    body = "\n".join(out)
    for key in "abc":
        body = body.replace("NUM_" + key, str(r.randint(2, 9999)))
    return body


def width(s):
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def box_diagram(r, left, right):
    w = max(width(left), width(right)) + 4

    def cell(label):
        pad = w - width(label)
        return "│" + " " * (pad // 2) + label + " " * (pad - pad // 2) + "│"

    arrow = r.choice(["──▶", "◀─▶", "─→─"])
    top, bot = "┌" + "─" * w + "┐", "└" + "─" * w + "┘"
    gap = " " * len(arrow)
    return "\n".join([
        top + " " + gap + " " + top,
        cell(left) + " " + arrow + " " + cell(right),
        bot + " " + gap + " " + bot,
        " " * (w // 2 + 1) + "│" + " " * (w + len(arrow) + 2) + "│",
        " " * (w // 2 + 1) + "▼" + " " * (w + len(arrow) + 2) + "▼",
        "  [ 사용자 공간 ]" + " " * 6 + "[ 커널 공간 ]",
    ]) + "\n"


# ---------------------------------------------------------------- images


def png(w, h, r):
    a = bytes(r.randrange(256) for _ in range(3))
    b = bytes(r.randrange(256) for _ in range(3))
    cell = r.choice([4, 8, 16])
    raw = b"".join(b"\0" + b"".join(a if (x // cell + y // cell) % 2 else b for x in range(w)) for y in range(h))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def svg(label, r):
    parts = ['<svg xmlns="http://www.w3.org/2000/svg" width="320" height="90" viewBox="0 0 320 90">']
    for i in range(3):
        x = 10 + i * 105
        parts.append('<rect x="%d" y="25" width="95" height="40" rx="5" fill="#%06x" stroke="#444"/>' % (x, r.randrange(1 << 24)))
        parts.append('<text x="%d" y="50" font-size="12" text-anchor="middle">%s %d</text>' % (x + 47, label, i + 1))
    parts.append("</svg>")
    return ("\n".join(parts) + "\n").encode()


# ---------------------------------------------------------------- plan


class Note:
    pass


def slug_ascii(s):
    out = "".join(c.lower() if c.isascii() and c.isalnum() else "-" for c in s)
    return "-".join(p for p in out.split("-") if p)


def plan(n, r):
    weights = [f[1] for f in FOLDERS]
    taken = set()
    notes = []
    forms = ["{a} 정리", "{a}와 {b}의 차이", "{a} 한 번에 이해하기", "[CS] {a}", "{a} 동작 원리", "{a} 면접 질문",
             "{a} 다시 보기", "{a} vs {b}", "{a}, 헷갈렸던 점"]
    for i in range(n):
        folder, _, groups, _ = FOLDERS[r.choices(range(len(FOLDERS)), weights=weights)[0]]
        pool = [t for g in (groups or sorted(GROUPS)) for t in GROUPS[g]]
        a = r.choice(pool)
        b = r.choice([t for t in pool if t != a] or pool)
        form = r.choice(forms)
        title = form.replace("{a}와", josa(a, "과")).replace("{a}", a).replace("{b}", b)
        nt = Note()
        nt.folder = folder
        nt.terms = [a, b] + r.sample([t[0] for t in TERMS], 3)
        if folder.startswith("til/"):
            y, m = folder.split("/")[1:]
            nt.date = "%s-%s-%02d" % (y, m, r.randint(1, 28))
            title = "TIL %s %s" % (nt.date, a)
            base = "%s %s" % (nt.date, a) if r.random() < 0.5 else "%s-%s" % (nt.date, slug_ascii(TERM[a][1]))
        else:
            nt.date = "%d-%02d-%02d" % (r.choice([2025, 2025, 2026]), r.randint(1, 12), r.randint(1, 28))
            pick = r.random()
            if pick < 0.3:
                base = title  # Hangul with spaces and brackets, as people save them
            elif pick < 0.4:
                base = title.replace(" ", "_")
            else:
                base = slug_ascii(TERM[a][1]) + "-" + r.choice(["notes", "basics", "summary", "qna", "vs-" + slug_ascii(TERM[b][1])])
        base = unicodedata.normalize("NFC", base.replace("/", " ").strip())
        name, k = base, 2
        while (folder + "/" + name).lower() in taken:
            name = "%s (%d)" % (base, k)
            k += 1
        taken.add((folder + "/" + name).lower())
        nt.path = folder + "/" + name + ".md"
        nt.title = title
        nt.tags = list(dict.fromkeys([a] + r.sample(TAGS, r.randint(0, 3))))
        nt.author = r.choice(WRITERS)
        nt.fm = r.random() >= 0.1
        nt.form = r.randrange(4)
        nt.h1 = not nt.fm or r.random() < 0.4
        notes.append(nt)
    return notes


def rel(src, dst):
    return posixpath.relpath(dst, posixpath.dirname(src.path))


def md_href(path):
    # links as editors write them: spaces encoded, brackets kept in <...>
    if any(c in path for c in " ()[]"):
        return "<" + path + ">"
    return path


class Links:
    def __init__(self, notes, r):
        self.notes = notes
        self.r = r
        self.by_folder = {}
        for nt in notes:
            self.by_folder.setdefault(nt.folder, []).append(nt)
        self.count = 0
        self.broken = 0
        # wiki links name notes whose title no other note has (as people
        # link the notes they remember by title); the rest go by glossary term
        seen = {}
        for nt in notes:
            seen[nt.title] = seen.get(nt.title, 0) + 1
        self.unique = [nt for nt in notes if seen[nt.title] == 1 and not nt.title.startswith("[")]

    def target(self, nt):
        r = self.r
        pool = self.by_folder[nt.folder] if r.random() < 0.4 else self.notes
        t = r.choice(pool)
        return t if t is not nt else self.notes[(self.notes.index(nt) + 1) % len(self.notes)]

    def md(self, nt):
        r = self.r
        self.count += 1
        if r.random() < 0.01:
            self.broken += 1
            gone = r.choice(["예전 정리.md", "draft/todo.md", "../삭제한 노트.md", "old-notes.md"])
            return "[%s](%s)" % (r.choice(["예전 정리", "지난 메모", "초안"]), md_href(gone))
        t = self.target(nt)
        href = rel(nt, t.path)
        if r.random() < 0.1:
            href += "#같이-볼-노트"  # every note ends with that section
        return "[%s](%s)" % (t.title, md_href(href))

    def wiki(self, nt):
        r = self.r
        self.count += 1
        pick = r.random()
        if pick < 0.4:
            t = r.choice(nt.terms)
            return "[[%s]]" % t if r.random() < 0.7 else "[[%s|%s 설명]]" % (t, t)
        if not self.unique:
            return "[[%s]]" % r.choice(nt.terms)
        t = r.choice(self.unique)
        return "[[%s]]" % t.title if pick < 0.85 else "[[%s|이 노트]]" % t.title


def table(r, terms):
    a, b = terms[0], terms[1]
    head = r.choice(["구분", "항목", "비교", ""])
    rows = ["| %s | %s | %s |" % (head, a, b), r.choice(["| --- | --- | --- |", "|:--|:-:|:-:|", "| :--- | :---: | :---: |"])]
    for label in r.sample(ROW_LABELS, r.randint(3, 6)):
        rows.append("| %s | %s | %s |" % (label, r.choice(CELLS), r.choice(CELLS)))
    return "\n".join(rows)


def plain_table(r):
    rows = ["| 명령 | 설명 |", "| --- | --- |"]
    for cmd in r.sample(["ps", "top", "vmstat", "strace", "lsof", "ss", "free", "iostat"], 3):
        rows.append("| `%s` | %s |" % (cmd, r.choice(["프로세스 목록", "자원 사용량", "시스템 콜 추적", "열린 파일", "소켓 상태"])))
    return "\n".join(rows)


def compare_list(r, terms):
    a, b = terms[0], terms[1]
    out = []
    for label in r.sample(ROW_LABELS, 3):
        out.append("- %s" % label)
        out.append("  - **%s**: %s" % (a, r.choice(CELLS)))
        out.append("  - **%s**: %s" % (b, r.choice(CELLS)))
    return "\n".join(out)


def bullet_list(r, terms, links, nt):
    items = []
    for _ in range(r.randint(3, 6)):
        t = r.choice(terms)
        pick = r.random()
        if pick < 0.3:
            items.append("- **%s**: %s" % (t, TERM[t][3]))
        elif pick < 0.45:
            items.append("- " + links.md(nt))
        else:
            items.append("- " + sentence(r, terms))
    if r.random() < 0.2:
        return "\n".join("%d. %s" % (i + 1, it[2:]) for i, it in enumerate(items))
    return "\n".join(items)


def yq(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def front_matter(r, nt):
    lines = ["---"]
    title = nt.title
    lines.append("title: " + (yq(title) if (":" in title or title.startswith("[") or r.random() < 0.5) else title))
    date = nt.date
    if nt.form == 1:
        date += " %02d:%02d" % (r.randint(8, 23), r.randint(0, 59))
    elif nt.form == 2:
        date += "T%02d:%02d:00+09:00" % (r.randint(8, 23), r.randint(0, 59))
    lines.append("date: " + date)
    if nt.form == 0:
        lines.append("tags:")
        lines.extend("  - " + t for t in nt.tags)
    elif nt.form == 3:
        lines.append("tags: " + ", ".join(nt.tags))
    else:
        lines.append("tags: [" + ", ".join(nt.tags) + "]")
    if r.random() < 0.7:
        lines.append("author: " + nt.author)
    if r.random() < 0.15:
        lines.append("description: " + sentence(r, nt.terms[:2]).replace("**", "").replace("`", "").replace(":", " -"))
    if r.random() < 0.1:
        lines.append("draft: false")
    lines.append("---")
    return "\n".join(lines)


def note_text(nt, r, links, images, stats):
    terms = nt.terms
    parts = []
    if nt.fm:
        parts.append(front_matter(r, nt))
    if nt.h1:
        parts.append("# " + nt.title)
    parts.append(paragraph(r, terms))
    if r.random() < 0.4:
        parts.append("> " + sentence(r, terms))
    count = r.randint(3, 5)
    heads = r.sample(SECTIONS, count)
    code_at = set(r.sample(range(count), min(r.randint(1, 3), count)))
    table_at = r.randrange(count) if r.random() < 0.75 else -1
    image_at = r.randrange(count) if r.random() < 0.45 else -1
    for i, head in enumerate(heads):
        if r.random() < 0.3:
            head = "%s %s" % (r.choice(terms), head)
        parts.append("## " + head)
        parts.append(paragraph(r, terms))
        if r.random() < 0.55:
            parts.append(bullet_list(r, terms, links, nt))
        if r.random() < 0.3:
            parts.append("### %s %s" % (r.choice(terms), r.choice(["더 보기", "예시", "보충", "주의"])))
            parts.append(paragraph(r, terms, r.randint(1, 3)))
        if i == table_at:
            pick = r.random()
            parts.append(table(r, terms) if pick < 0.7 else compare_list(r, terms) if pick < 0.85 else plain_table(r))
            stats["tables"] += 1
        if i in code_at:
            stats["code"] += 1
            if r.random() < 0.2:
                parts.append("```\n%s```" % box_diagram(r, terms[0], terms[1]))
                stats["diagrams"] += 1
            else:
                lang = r.choice(LANGS)
                fence = lang if r.random() < 0.95 else {"python": "py", "rust": "rs", "bash": "sh"}.get(lang, lang)
                parts.append("```%s\n%s```" % (fence, code_block(r, lang, nt.title)))
        if i == image_at:
            for _ in range(r.randint(1, 2)):
                stats["images"] += 1
                alt = "%s %s" % (r.choice(terms), r.choice(["구조", "그림", "흐름", "다이어그램"]))
                pick = r.random()
                if pick < 0.02:
                    stats["missing"] += 1
                    src = "images/%s-%d.png" % (r.choice(["없는그림", "todo", "capture"]), r.randint(1, 50))
                elif pick < 0.05:
                    src = r.choice(REMOTE)
                elif pick < 0.2:
                    other = r.choice(sorted(images))
                    src = rel(nt, other + "/images/" + r.choice(images[other]))
                else:
                    src = "images/" + r.choice(images[nt.folder])
                parts.append("![%s](%s)" % (alt, md_href(src)))
        if r.random() < 0.4:
            parts.append(paragraph(r, terms, r.randint(1, 3)))
    more = ["## 같이 볼 노트"]
    for _ in range(r.randint(1, 3)):
        more.append("- " + links.md(nt))
    for _ in range(r.randint(0, 2)):
        more.append("- " + links.wiki(nt))
    parts.append("\n".join(more))
    if r.random() < 0.25:
        parts.append("본문의 %s 부분은 %s 노트에서 더 자세히 다룬다." % (josa(r.choice(terms), "은"), links.wiki(nt)))
    return unicodedata.normalize("NFC", "\n\n".join(parts) + "\n")


def glossary():
    out = ["# 용어집: 노트 전체에서 자동으로 링크되는 용어", ""]
    for term, eng, aliases, definition, _ in TERMS:
        out.append("- term: " + yq(term))
        out.append("  aliases: [" + ", ".join(yq(a) for a in aliases) + "]")
        out.append("  english: " + eng)
        out.append("  definition: " + definition)
        out.append("")
    return "\n".join(out)


def make_images(notes, r):
    counts = {}
    for nt in notes:
        counts[nt.folder] = counts.get(nt.folder, 0) + 1
    images, files = {}, []
    for folder in sorted(counts):
        names = []
        for j in range(max(1, counts[folder] // 5)):
            if r.random() < 0.1:
                name, data = "diagram-%03d.svg" % (j + 1), svg(r.choice(["프로세스", "페이지", "패킷", "노드"]), r)
            else:
                name = ("%s %03d.png" % (r.choice(["스케줄링 그림", "메모리 구조", "흐름도"]), j + 1)) if r.random() < 0.2 else "fig-%03d.png" % (j + 1)
                data = png(r.choice([48, 64, 96, 128]), r.choice([32, 48, 64]), r)
            name = unicodedata.normalize("NFC", name)
            names.append(name)
            files.append((folder + "/images/" + name, data))
        images[folder] = names
    return images, files


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


# ---------------------------------------------------------------- Hugo layout

HUGO_CONFIG = '''baseURL = "https://example.org/notes/"
title = "공부 노트"
locale = "ko-KR"
defaultContentLanguage = "ko"
hasCJKLanguage = true
uglyURLs = true
disablePathToLower = true
disableKinds = ["rss"]
buildFuture = true
contentDir = "content"

[taxonomies]
  tag = "tags"

[markup.highlight]
  codeFences = true
  noClasses = false
  guessSyntax = false

[markup.goldmark.extensions]
  table = true
  strikethrough = true
'''

HUGO_PAGE_HEAD = '''<!DOCTYPE html>
<html lang="ko"><head><meta charset="utf-8">
<title>{{ with .Title }}{{ . }} · {{ end }}{{ site.Title }}</title>
<link rel="stylesheet" href="/syntax.css"></head>
<body><nav><a href="{{ site.Home.RelPermalink }}">{{ site.Title }}</a>{{ with .Parent }} › <a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ end }}</nav>
'''
HUGO_LAYOUTS = {
    "_default/single.html": HUGO_PAGE_HEAD + '''<article><h1>{{ or .Title .File.ContentBaseName }}</h1>
<p>{{ if not .Date.IsZero }}{{ .Date.Format "2006-01-02" }}{{ end }}{{ with .Params.author }} · {{ . }}{{ end }}</p>
{{ with .GetTerms "tags" }}<ul>{{ range . }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>{{ end }}
{{ .Content }}</article></body></html>
''',
    "_default/list.html": HUGO_PAGE_HEAD + '''<main><h1>{{ .Title }}</h1><ul>
{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ or .LinkTitle .File.ContentBaseName }}</a></li>
{{ end }}</ul></main></body></html>
''',
    "index.html": HUGO_PAGE_HEAD + '''<main><h1>{{ site.Title }}</h1><ul>
{{ range .Sections }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> ({{ len .RegularPagesRecursive }})</li>
{{ end }}</ul></main></body></html>
''',
    # .md links become the target page's address; a missing target is a warning
    "_default/_markup/render-link.html": '''{{- $href := .Destination -}}
{{- $u := urls.Parse .Destination -}}
{{- if and (not $u.IsAbs) (strings.HasSuffix $u.Path ".md") -}}
  {{- with site.GetPage (path.Join "/" (path.Dir .Page.File.Path) $u.Path) -}}
    {{- $href = .RelPermalink -}}{{- with $u.Fragment }}{{ $href = printf "%s#%s" $href . }}{{ end -}}
  {{- else -}}{{- warnf "broken link %q in %s" $.Destination $.Page.File.Path -}}{{- end -}}
{{- end -}}
<a href="{{ $href | safeURL }}">{{ .Text }}</a>
{{- /**/ -}}
''',
    "_default/_markup/render-image.html": '''{{- $u := urls.Parse .Destination -}}
{{- if not $u.IsAbs -}}
  {{- if not (fileExists (path.Join "static" (path.Dir .Page.File.Path) $u.Path)) -}}
    {{- warnf "missing image %q in %s" $.Destination $.Page.File.Path -}}
  {{- end -}}
{{- end -}}
<img src="{{ .Destination | safeURL }}" alt="{{ .PlainText }}">
{{- /**/ -}}
''',
}


def hugo_site(root, out):
    """Lays OUT/notes out as a Hugo site in OUT/sites/hugo (content copied as it is)."""
    if os.path.isdir(out):
        shutil.rmtree(out)
    write(os.path.join(out, "hugo.toml"), HUGO_CONFIG)
    for rel_path, text in HUGO_LAYOUTS.items():
        write(os.path.join(out, "layouts", rel_path), text)
    write(os.path.join(out, "static", "syntax.css"), "/* hugo gen chromastyles */\n")
    content = os.path.join(out, "content")
    write(os.path.join(content, "_index.md"), '---\ntitle: "공부 노트"\n---\n')
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        sub = os.path.relpath(dirpath, root)
        sub = "" if sub == "." else sub
        if any(f.endswith(".md") for f in filenames) and sub:
            write(os.path.join(content, sub, "_index.md"), "---\ntitle: %s\n---\n" % yq(os.path.basename(sub)))
        for f in sorted(filenames):
            src = os.path.join(dirpath, f)
            if f.endswith(".md"):
                dst = os.path.join(content, sub, f)
                with open(src, encoding="utf-8") as fh:
                    text = fh.read()
                # Hugo reads `2026-03-15 14:30` as no date at all; gongbu reads both
                text = re.sub(r"^(date: \d{4}-\d\d-\d\d) (\d\d:\d\d)$", r"\1T\2:00", text, count=1, flags=re.M)
                write(dst, text)
                continue
            elif f.endswith(".yaml"):
                continue
            else:
                dst = os.path.join(out, "static", sub, f)
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.copyfile(src, dst)


def main(argv=None):
    ap = argparse.ArgumentParser(description="Generate gongbu's benchmark corpus of Korean study notes (deterministic).")
    ap.add_argument("--notes", type=int, default=1000, help="number of notes (default 1000)")
    ap.add_argument("--out", required=True, help="folder; OUT/notes/ is replaced")
    ap.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    ap.add_argument("--hugo", action="store_true", help="also lay the notes out as a Hugo site in OUT/sites/hugo")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args(argv)
    if args.notes < 1:
        ap.error("--notes must be at least 1")
    r = random.Random(args.seed)
    notes = plan(args.notes, r)
    images, image_files = make_images(notes, r)
    links = Links(notes, r)
    stats = {"tables": 0, "code": 0, "diagrams": 0, "images": 0, "missing": 0}
    root = os.path.join(args.out, "notes")
    if os.path.isdir(root):
        shutil.rmtree(root)
    size = 0
    for nt in notes:
        data = note_text(nt, r, links, images, stats).encode()
        size += len(data)
        write(os.path.join(root, *nt.path.split("/")), data)
    for rel_path, data in image_files:
        write(os.path.join(root, *rel_path.split("/")), data)
    write(os.path.join(root, "glossary.yaml"), glossary())
    if args.hugo:
        hugo_site(root, os.path.join(args.out, "sites", "hugo"))
    if not args.quiet:
        print("%d notes, %.1f MB; %d links (%d broken), %d tables, %d code blocks (%d diagrams), "
              "%d images (%d missing), %d image files" % (
                  len(notes), size / 1e6, links.count, links.broken, stats["tables"], stats["code"],
                  stats["diagrams"], stats["images"], stats["missing"], len(image_files)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Write N synthetic plan documents that look like the bundled seed plan, for scale tests.

    python scripts/make_corpus.py 1000 --seed 1 --out /tmp/plans

Each plan has the seed's layout: a title line, chapters ``一、…``, numbered tasks ``N. 标题。正文``,
indicator tables (``“十四五”时期工会“X”指标`` + ``具体指标<TAB>发展目标`` + ``N.名称<TAB>目标``),
page breaks that cut a word in two (a blank line inside a sentence) and newspaper noise markers
``（上接第N版）`` / ``（下转第N版）``. Sentences come from the seed, recombined and perturbed
(numbers, years, group names, places, programme names), so that 1,000 plans do not index as 1,000
copies of one text. Sizes are drawn between 10k and 200k characters, mean about 30k.

The output is byte-identical for the same N and seed. ``manifest.json`` beside the plans says what
each one was meant to contain (chapter, task, table, page-break and noise-marker counts, and
hashes of the task and row texts as they read after the page breaks are joined), so a test can
check the parser against the generator's intent.

This script does not import the ``kb`` package: it must not share the parser's blind spots.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED_FILE = ROOT / "corpus" / "acftu-14th-fyp-part2.txt"

MIN_CHARS, MAX_CHARS = 10_000, 200_000
# lognormal with median ~23k: the mean of the clipped draw is about 30k
SIZE_MU, SIZE_SIGMA = math.log(23_000), 0.7
MAX_TASK_NUMBER = 999  # the parser reads item numbers of at most three digits

NOISE_RE = re.compile(r"[（(]\s*(?:上接|下转)第\s*\d+\s*版\s*[）)]")
HAN = re.compile(r"[\u4e00-\u9fff]")
CN_DIGITS = "零一二三四五六七八九"
# a second page piece starting with one of these could read as a heading or item number
RISKY_START = set("一二三四五六七八九十百零〇两第")

GROUPS = [
    "农民工",
    "女职工",
    "新就业形态劳动者",
    "困难职工",
    "快递员",
    "外卖配送员",
    "货车司机",
    "网约车司机",
    "家政服务人员",
    "技术工人",
    "产业工人",
    "一线职工",
    "环卫工人",
    "建筑工人",
    "青年职工",
    "残疾职工",
    "退休职工",
    "高校毕业生",
    "海员",
    "矿山职工",
    "护理人员",
    "乡村教师",
    "保安员",
    "网络主播",
    "直播电商从业人员",
    "冷链物流司机",
    "养老护理员",
    "灵活就业人员",
    "港口装卸工人",
    "餐饮服务人员",
]
PLACES = [
    "北京市",
    "天津市",
    "河北省",
    "山西省",
    "内蒙古自治区",
    "辽宁省",
    "吉林省",
    "黑龙江省",
    "上海市",
    "江苏省",
    "浙江省",
    "安徽省",
    "福建省",
    "江西省",
    "山东省",
    "河南省",
    "湖北省",
    "湖南省",
    "广东省",
    "广西壮族自治区",
    "海南省",
    "重庆市",
    "四川省",
    "贵州省",
    "云南省",
    "西藏自治区",
    "陕西省",
    "甘肃省",
    "青海省",
    "宁夏回族自治区",
    "新疆维吾尔自治区",
    "深圳市",
    "苏州市",
    "成都市",
    "武汉市",
    "杭州市",
    "西安市",
    "青岛市",
]
SECTORS = [
    "职工服务",
    "工会建设",
    "劳动关系",
    "职工素质",
    "产业工会",
    "智慧工会",
    "女职工工作",
    "农民工工作",
    "职工文化",
    "劳动保护",
    "工会法治",
    "基层组织",
    "职工帮扶",
    "技能人才",
    "工会宣传",
]
TABLE_KEYS = [
    "素质提升",
    "精准服务",
    "依法维权",
    "组织建设",
    "智慧工会",
    "对外交流",
    "改革创新",
    "思想引领",
    "建功立业",
    "权益保障",
    "服务提质",
    "基层建设",
    "网上工会",
    "技能强国",
    "文化惠民",
    "安全生产",
    "民主管理",
    "帮扶解困",
    "普法宣传",
    "数字赋能",
    "队伍建设",
    "产业振兴",
    "乡村振兴",
    "绿色发展",
]
PREAMBLE_HEADS = [
    "为深入贯彻落实党中央决策部署",
    "为推动新时代工会工作高质量发展",
    "为更好服务广大职工群众",
    "为进一步加强和改进工会工作",
    "为全面落实全国总工会工作要求",
]


@dataclass
class Seed:
    titles: list[str] = field(default_factory=list)
    sentences: list[str] = field(default_factory=list)
    chapter_halves: list[str] = field(default_factory=list)
    rows: list[tuple[str, str]] = field(default_factory=list)
    words: list[str] = field(default_factory=list)


def read_seed(path: Path = SEED_FILE) -> Seed:
    """Task titles, body sentences, chapter title halves and table rows of the seed plan."""
    lines = [NOISE_RE.sub("", ln).rstrip() for ln in path.read_text(encoding="utf-8").split("\n")]
    seed = Seed()
    i = 0
    while i < len(lines):
        s = lines[i].strip()
        i += 1
        if m := re.match(r"^\d+\.\s+(.*)$", s):
            body = m.group(1)
            # the seed's own page breaks: rejoin until the task ends with 。
            while not body.endswith("。") and i < len(lines):
                if lines[i].strip():
                    body += lines[i].strip()
                i += 1
            title, _, rest = body.partition("。")
            seed.titles.append(title)
            seed.sentences.extend(x + "。" for x in rest.split("。") if x)
        elif m := re.match(r"^\d+\.([^\t]+)\t(.+)$", s):
            seed.rows.append((m.group(1), m.group(2)))
        elif m := re.match(rf"^[{CN_DIGITS}十]+、(.+)$", s):
            seed.chapter_halves.extend(m.group(1).split("，"))
    # two-character words for invented programme names: pieces of titles, all Han
    for t in seed.titles + seed.chapter_halves:
        for k in range(0, len(t) - 1, 2):
            w = t[k : k + 2]
            if len(HAN.findall(w)) == 2:
                seed.words.append(w)
    seed.words = sorted(set(seed.words))
    if not (seed.titles and seed.sentences and seed.rows and seed.chapter_halves):
        raise SystemExit(f"{path}: does not look like the seed plan (no tasks, rows or chapters)")
    return seed


def cn_number(n: int) -> str:
    """1..999 as a Chinese numeral: 14 -> 十四, 21 -> 二十一, 105 -> 一百零五."""
    if n < 10:
        return CN_DIGITS[n]
    if n < 20:
        return "十" + (CN_DIGITS[n - 10] if n > 10 else "")
    if n < 100:
        return CN_DIGITS[n // 10] + "十" + (CN_DIGITS[n % 10] if n % 10 else "")
    h, r = divmod(n, 100)
    if r == 0:
        return CN_DIGITS[h] + "百"
    return CN_DIGITS[h] + "百" + ("零" + CN_DIGITS[r] if r < 10 else cn_number(r) if r >= 20 else "一" + cn_number(r))


# --------------------------------------------------------------------------- perturbation

_NUM_RE = re.compile(r"(?<![\d.])(\d+)(\.\d+)?(?![\d.])")
_YEAR_RE = re.compile(r"(20\d\d)(?=年)")
_QUOTE_RE = re.compile(r"“([^“”]{2,12})”")
_GROUP_RE = re.compile("|".join(sorted(map(re.escape, GROUPS[:11]), key=len, reverse=True)))


class Perturber:
    def __init__(self, rng: random.Random, seed: Seed, year_shift: int):
        self.rng, self.seed, self.year_shift = rng, seed, year_shift

    def __call__(self, s: str) -> str:
        rng = self.rng
        s = _YEAR_RE.sub(lambda m: str(int(m.group(1)) + self.year_shift), s)
        s = _NUM_RE.sub(self._number, s)
        s = _GROUP_RE.sub(lambda m: rng.choice(GROUPS) if rng.random() < 0.5 else m.group(0), s)
        s = _QUOTE_RE.sub(self._programme, s)
        if "全国" in s and rng.random() < 0.3:
            s = s.replace("全国", rng.choice(PLACES), 1)
        return s

    def _number(self, m: re.Match) -> str:
        whole, frac = m.group(1), m.group(2)
        end = m.end()
        text = m.string
        if len(whole) == 4 and whole.startswith("20") and text[end : end + 1] == "年":
            return m.group(0)  # a year, already shifted
        if self.rng.random() < 0.3:
            return m.group(0)
        v = float(m.group(0)) * self.rng.uniform(0.5, 2.0)
        if text[end : end + 1] == "%":
            v = min(v, 100.0)
        if frac:
            return f"{max(v, 0.1):.{len(frac) - 1}f}"
        digits = len(whole)
        v = max(1, int(round(v)))
        if digits >= 2:  # keep round figures round: 30 -> 45, 500 -> 800
            q = 10 ** (digits - 1) if digits > 2 else 5
            v = max(q, int(round(v / q)) * q)
        return str(v)

    def _programme(self, m: re.Match) -> str:
        if m.group(1) == "十四五" or self.rng.random() < 0.6:
            return m.group(0)
        w = self.seed.words
        return (
            "“" + self.rng.choice(w) + self.rng.choice(w) + self.rng.choice(["行动", "工程", "计划", "品牌", ""]) + "”"
        )


# --------------------------------------------------------------------------- one plan


@dataclass
class Plan:
    name: str
    lines: list[str] = field(default_factory=list)
    chapters: int = 0
    tasks: list[str] = field(default_factory=list)  # task texts (title。body) as the parser should read them
    titles: list[str] = field(default_factory=list)
    first_task: int = 1
    tables: list[dict] = field(default_factory=list)
    row_texts: list[str] = field(default_factory=list)
    paragraphs: int = 0
    page_breaks: int = 0
    noise: int = 0
    title: str | None = None
    continuation: bool = False

    def size(self) -> int:
        return sum(len(x) + 2 for x in self.lines)


class PlanWriter:
    def __init__(self, rng: random.Random, seed: Seed, name: str, target: int):
        self.rng, self.seed, self.target = rng, seed, target
        self.plan = Plan(name=name)
        self.perturb = Perturber(rng, seed, year_shift=rng.choice([0, 0, 0, -5, 5, 1, -1]))
        self.page = rng.randint(1, 4)
        self.next_break = rng.randint(6_000, 14_000)
        self.used_keys: set[str] = set()

    def write(self) -> Plan:
        rng, p = self.rng, self.plan
        p.continuation = rng.random() < 0.1
        chapter_no = 1
        if p.continuation:
            # a later page of a plan, like the seed: noise marker, a table closing the previous
            # part, then chapters and tasks that continue the numbering
            p.lines.append(f"（上接第{self.page}版）\t")
            p.noise += 1
            self.table()
            chapter_no = rng.randint(2, 6)
            p.first_task = rng.randint(5, 20)
        else:
            place = rng.choice(PLACES)
            p.title = f"{place}总工会“十四五”{rng.choice(SECTORS)}发展规划"
            p.lines.append(p.title)
            self.paragraph(
                f"{rng.choice(PREAMBLE_HEADS)},根据《中国工会第十七次全国代表大会报告》"
                f"和{place}国民经济和社会发展第十四个五年规划,制定本规划。"
            )
        number = p.first_task
        per_task = max(450, self.target // 300)  # long plans have longer tasks, not 1,000+ items
        while True:
            p.lines.append(f"{cn_number(chapter_no)}、{self.chapter_title()}")
            p.chapters += 1
            chapter_no += 1
            if rng.random() < 0.2:
                self.paragraph("".join(self.sentence() for _ in range(rng.randint(1, 3))))
            for _ in range(rng.randint(2, 9)):
                self.task(number, per_task)
                number += 1
                if p.size() >= self.target or number >= MAX_TASK_NUMBER - 1:
                    break
            if rng.random() < 0.35:
                self.table()
            if p.size() >= self.target or number >= MAX_TASK_NUMBER - 1 or chapter_no > 999:
                break
        return p

    # -- pieces
    def sentence(self) -> str:
        return self.perturb(self.rng.choice(self.seed.sentences))

    def chapter_title(self) -> str:
        a, b = self.rng.sample(self.seed.chapter_halves, 2)
        return self.perturb(a) + "，" + self.perturb(b)

    def paragraph(self, text: str) -> None:
        if text[0] in RISKY_START or not HAN.match(text[0]):
            text = "同时," + text  # "2021年…" or "一、…" at a line start would read as an item or heading
        self.plan.lines.append(text)
        self.plan.paragraphs += 1

    def task(self, number: int, per_task: int) -> None:
        rng, p = self.rng, self.plan
        title = self.perturb(rng.choice(self.seed.titles))
        body = ""
        while len(body) < per_task * rng.uniform(0.4, 1.6) or not body:
            body += self.sentence()
        text = f"{title}。{body}"
        p.tasks.append(text)
        p.titles.append(title)
        line = f"{number}. {text}"
        if p.size() + len(line) >= self.next_break:
            if self.page_break(line):
                return
        p.lines.append(line)

    def page_break(self, line: str) -> bool:
        """Cut the task line between two Han characters, as a page or column break does."""
        rng, p = self.rng, self.plan
        head = line.index("。") + 1
        spots = [
            k
            for k in range(head + 10, len(line) - 2)
            if HAN.match(line[k - 1]) and HAN.match(line[k]) and line[k] not in RISKY_START
        ]
        if not spots:
            return False
        k = rng.choice(spots)
        first, second = line[:k], line[k:]
        this, nxt = self.page, self.page + 1
        style = rng.choice(["plain", "plain", "before", "after", "inline"])
        if style == "inline":
            first += f"（下转第{nxt}版）"
            second = f"（上接第{this}版）" + second
            p.noise += 2
        p.lines.append(first)
        if style == "after":
            p.lines.append(f"（下转第{nxt}版）")
            p.noise += 1
        if style == "before":
            p.lines.append(f"（上接第{this}版）\t")
            p.noise += 1
        p.lines.append(second)
        p.page_breaks += 1
        self.page = nxt
        self.next_break = p.size() + rng.randint(6_000, 14_000)
        return True

    def table(self) -> None:
        rng, p = self.rng, self.plan
        free = [k for k in TABLE_KEYS if k not in self.used_keys]
        key = rng.choice(free) if free else rng.choice(self.seed.words) + rng.choice(self.seed.words)
        while key in self.used_keys:
            key = rng.choice(self.seed.words) + rng.choice(self.seed.words)
        self.used_keys.add(key)
        p.lines.append(f"“十四五”时期工会“{key}”指标\t")
        p.lines.append("具体指标\t发展目标")
        n = rng.randint(2, 8)
        for i in range(1, n + 1):
            name, target = rng.choice(self.seed.rows)
            name, target = self.perturb(name), self.perturb(target)
            p.lines.append(f"{i}.{name}\t{target}")
            p.row_texts.append(f"{name}\t{target}")
        p.tables.append({"key": key, "rows": n})


def render(plan: Plan, rng: random.Random) -> bytes:
    # the seed's shape: paragraphs separated by one blank line, no final newline; some plans
    # end with one
    text = "\n\n".join(plan.lines)
    if rng.random() < 0.5:
        text += "\n"
    return text.encode("utf-8")


def _sha(parts: list[str]) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def plan_size(rng: random.Random) -> int:
    # the last task overshoots the target by up to a few thousand characters
    return int(min(MAX_CHARS - 6_000, max(MIN_CHARS, rng.lognormvariate(SIZE_MU, SIZE_SIGMA))))


def generate(n: int, seed_value: int, seed: Seed | None = None, chars: tuple[int, int] | None = None):
    """Yield (file name, bytes, manifest entry) for plans 1..n; each plan has its own random
    stream, so plan k is the same whatever N is. ``chars`` = (low, high) draws sizes uniformly
    instead (small plans for quick tests)."""
    seed = seed or read_seed()
    width = max(4, len(str(n)))
    for k in range(1, n + 1):
        rng = random.Random(f"plankb-corpus:{seed_value}:{k}")
        name = f"plan-{k:0{width}d}"
        target = rng.randint(*chars) if chars else plan_size(rng)
        plan = PlanWriter(rng, seed, name, target).write()
        data = render(plan, rng)
        entry = {
            "file": name + ".txt",
            "id": name,
            "title": plan.title,
            "continuation": plan.continuation,
            "characters": len(data.decode("utf-8")),
            "chapters": plan.chapters,
            "tasks": len(plan.tasks),
            "first_task": plan.first_task,
            "tables": plan.tables,
            "rows": len(plan.row_texts),
            "paragraphs": plan.paragraphs,
            "page_breaks": plan.page_breaks,
            "noise_markers": plan.noise,
            "titles_sha256": _sha(plan.titles),
            "task_texts_sha256": _sha(plan.tasks),
            "row_texts_sha256": _sha(plan.row_texts),
        }
        yield name + ".txt", data, entry


def write_corpus(n: int, seed_value: int, out: Path, chars: tuple[int, int] | None = None) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    # plans of an earlier, larger run would otherwise be built along with these
    for old in out.glob("plan-*.txt"):
        if re.fullmatch(r"plan-\d+\.txt", old.name):
            old.unlink()
    entries = []
    for fname, data, entry in generate(n, seed_value, chars=chars):
        (out / fname).write_bytes(data)
        entries.append(entry)
    manifest = {"generator": "scripts/make_corpus.py", "n": n, "seed": seed_value, "chars": chars, "documents": entries}
    (out / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )
    return manifest


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int, help="how many plans")
    ap.add_argument("--seed", type=int, default=0, help="random seed (same N and seed: same bytes)")
    ap.add_argument("--out", type=Path, default=Path("synthetic"), help="folder to write into")
    ap.add_argument(
        "--chars", metavar="LOW-HIGH", help="draw plan sizes uniformly from this range (default: 10k-200k, mean ~30k)"
    )
    args = ap.parse_args(argv)
    if args.n < 1:
        ap.error("N must be at least 1")
    chars = None
    if args.chars:
        m = re.fullmatch(r"(\d+)-(\d+)", args.chars)
        if not m or not 0 < int(m.group(1)) <= int(m.group(2)):
            ap.error("--chars takes LOW-HIGH, e.g. 3000-6000")
        chars = (int(m.group(1)), int(m.group(2)))
    m = write_corpus(args.n, args.seed, args.out, chars)
    sizes = [d["characters"] for d in m["documents"]]
    print(
        f"wrote {len(sizes)} plans to {args.out}: {sum(sizes):,} characters "
        f"(min {min(sizes):,}, mean {sum(sizes) // len(sizes):,}, max {max(sizes):,})",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

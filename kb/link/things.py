"""What a task *establishes* (:func:`established`): the specific things (platforms, systems,
mechanisms, 《办法》…) set up by its establishing clauses, and which units are task units."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kb.extract.lexicon import alternation, word_lists
from kb.link.text import clauses
from kb.model import Document, Sentence, Task, Unit

NON_TASK_CHAPTER = re.compile(
    r"回顾|主要成就|发展成就|主要成效|取得成效|现状|形势|基础与|发展基础|发展环境|面临|机遇|挑战|背景|指导思想|基本原则|"
    r"工作原则|总体要求|总体思路|主要目标|发展目标|总体目标|工作目标|目标任务|远景目标|"
    r"执行情况|完成情况|实施情况|短板|弱项|保障措施|保障机制|实施保障|组织实施|组织保障|组织领导|规划实施|实施机制|重要意义"
)
# a chapter title that is only a goal/target section but also names tasks (目标任务) keeps its tasks
_TASK_CHAPTER_OK = re.compile(r"重点任务|主要任务|任务举措")

# the word lists of the graph rules are data: kb/extract/lexicon/links.tsv (README there)
_L = word_lists("links")
ESTABLISH_VERBS = "|".join(_L["establish-verb"])
_EST_RE = re.compile(r"(?:" + ESTABLISH_VERBS + r")(?:(?:和|并|与|及)?(?:完善|健全|规范|壮大|实施|推广))?(?:起|好)?")
_EST_NOMINAL_RE = re.compile(
    r"(?:加强|推进|推动|促进|加快|规范|强化|深化|抓好|做好)([^,，;；。]{2,40}?)(?:的)?建设(?=[,，;；。、]|$|工作|质量)"
)
# the heads of a specific thing, longest first
HEADS = tuple(sorted(_L["head"], key=len, reverse=True))
# words that only scope a name (全国工会服务平台 is the 服务平台 of the whole union)
SCOPE = re.compile(rf"^(?:{alternation(_L['scope'])})+")
IT_HEADS = _L["it-head"]
USE_VERBS = _L["use-verb"]
LEGAL_HEADS = _L["legal-head"]  # in file order: 实施办法 before 办法 before 法
MAX_DF = 3  # a bare core in more tasks than this is a topic word
LONG_CORE = 7  # a bare core this long names the thing without a use verb
MIN_CORE = 4  # characters of a specific core (without scope words)
RULE_RANK = {
    "uses": 4,
    "same-name": 3,
    "short-form": 3,
    "uses-head": 3,
    "serves": 2,
    "support-layer": 2,
    "work-of": 1,
    "legal-basis": 1,
    "by-law": 1,
    "level-body": 1,
    "online": 1,
    "data-hub": 1,
}
# heads of a thing that exists to carry out some work (a team, a resource library, an
# institution, a platform or station): its core names the work (普法资源库 -> 普法)
RESOURCE_HEADS = _L["resource-head"]
# people who do the work (集体协商指导员 do 集体协商); a name ending in another person word
# names a group served (户外劳动者), not work
_AGENT_SUFFIX = re.compile(r"(?:指导员|志愿者|讲解员|辅导员|专员|人员)$")
_PERSON_END = re.compile(r"[者人员工生师士户家]$")
# a verb that carries out work, right before the work's name in A (开展工资集体协商, 深化普法宣传)
_ADJ = (
    r"常态化|长效|现代化|多元化|一体化|规范化|标准化|制度化|信息化|智能化|数字化|网格化|精细化|专业化|社会化|"
    r"市场化|法治化|科学化|多层次|全方位|全链条|全过程|全生命周期|高质量|高水平|高标准|新型|综合|统一|有效|现代|工作"
)
_ADJ_START = re.compile(r"^(?:" + _ADJ + r")")
_ADJ_END = re.compile(r"(?:" + _ADJ + r")$")
WORK_VERBS = "|".join(_L["work-verb"])
_YEAR = re.compile(r"(20\d\d)年")
_SUPPORT_TITLE = re.compile(r"基础支撑|支撑体系|支撑平台|基础平台")
_SERVES_RE = re.compile(
    r"为(?:加强|推进|促进|提升|强化|推动|实现|开展|做好)?([^,，;；。为]{2,40}?)提供[^,，;；。]{0,10}?(?:支撑|保障|支持|服务)"
)


@dataclass
class Thing:
    """Something a unit establishes: ``name`` as written, with the forms another unit may use."""

    unit: str
    sentence: Sentence
    clause: str  # B's establishing clause (a substring of the sentence)
    name: str
    head: str
    core: str  # the name without its head
    # strings whose presence in A names the thing -> their kind: name (the full name), core (the
    # name without head and scope words), quoted (“工会云”), title (《…》), title-short
    forms: dict[str, str] = field(default_factory=dict)


def _year(text: str) -> int | None:
    ys = [int(y) for y in _YEAR.findall(text)]
    return max(ys) if ys else None


def is_task_chapter(doc: Document, chapter: str | None) -> bool:
    """False for units under a review/situation/guidance/principle/goal/safeguard chapter."""
    chapters = {c.id: c for c in doc.chapters}
    seen = set()
    while chapter in chapters and chapter not in seen:
        seen.add(chapter)
        c = chapters[chapter]
        title = c.title or ""
        if NON_TASK_CHAPTER.search(title) and not _TASK_CHAPTER_OK.search(title):
            return False
        chapter = c.parent
    return True


def task_units(doc: Document, units: list[Unit]) -> list[Unit]:
    """The units that are tasks: not under a non-task chapter; a prose paragraph outside every
    chapter is a preamble (the notice, the review before the first heading), not a task."""
    out = []
    for u in units:
        chapter = getattr(u, "chapter", None)
        if chapter is None and not isinstance(u, Task) and doc.chapters:
            continue
        if is_task_chapter(doc, chapter):
            out.append(u)
    return out


# what may stand right before an establishing verb used as a verb (建设 after a noun is a noun:
# 考古学科建设和能力提升工程, 海绵城市建设)
_BEFORE_VERB = re.compile(
    r"(?:^|[、和并及与要应将须可已再新先]|加快|加强|积极|大力|全面|重点|着力|统筹|同步|逐步|进一步|推动|推进|"
    r"支持|鼓励|引导|探索|研究|指导|督促|协调|共同|联合|依法|分类|分级|有序|规范|率先|试点|继续|不断|持续|切实|"
    r"深入|推广|抓紧|尽快|加速|协同|组织|负责|牵头|参与|配合|先行|主动|优先|启动|部门|政府|各地|各级|逐步)$"
)
# adjectives that do not make a name specific (常态化工作机制, 现代化产业体系)
GENERIC_MODS = re.compile(
    r"常态化|长效|现代化|多元化|一体化|规范化|标准化|制度化|信息化|智能化|数字化|网格化|精细化|专业化|社会化|"
    r"市场化|法治化|科学化|多层次|全方位|全链条|全过程|全生命周期|高质量|高水平|高标准|新型|综合|统一|有效|现代|"
    r"完善的|健全的|工作|管理|服务|协调|联动|保障|评价|考核|监督|组织|政策"
)
# a 《title》 followed by the verb that drafts or revises it (the object before its verb)
# (not as the basis of the work: 根据《城乡规划法》编制本规划, 按照《…规划》编制要求; nor a time after
# it: 《…意见》出台后)
_TITLE_THEN_VERB = re.compile(rf"《([^》]{{2,40}})》(?:的)?(?:{alternation(_L['draft-verb'])})(?![后前以时要的])")
_TITLE_BASIS = re.compile(rf"(?:{alternation(_L['title-basis'])})[^,，;；。《]{{0,6}}$")
DOTS = re.compile(r"[.…·]{4,}\s*\d*")  # a table-of-contents line: 荆楚博物馆特色片区建设工程 ...... 28


def work_of(t: Thing) -> str:
    """The work a resource-type thing exists for: its core without scope words, generic
    adjectives and an agent suffix (专职集体协商指导员队伍 -> 集体协商, 工会帮扶工作智能化平台 ->
    帮扶); '' when the thing is not a resource or its core names a group, not work."""
    if t.head not in RESOURCE_HEADS or "“" in t.name or "《" in t.name:
        return ""
    w = _strip_scope(t.name[: len(t.name) - len(t.head)])
    w = re.sub(r"^(?:专职|兼职|全职)", "", w)
    w = _AGENT_SUFFIX.sub("", w)
    while True:  # adjectives at either end: 帮扶工作智能化 -> 帮扶
        w2 = _ADJ_END.sub("", _ADJ_START.sub("", w))
        if w2 == w:
            break
        w = w2
    if len(w) < 2 or _PERSON_END.search(w) or not re.fullmatch(r"[\u4e00-\u9fff]+", w) or re.search("[和与及]", w):
        return ""
    if len(GENERIC_MODS.sub("", w)) < 2:
        return ""  # 服务, 管理: any task does it
    return w


def law_subject(t: Thing) -> str:
    """What a law or regulation B drafts governs: the title without its legal head
    (《集体合同法》 -> 集体合同), when it is at least 4 characters; '' otherwise."""
    titles = re.findall(r"《([^》]{3,40})》", t.name)
    if len(titles) != 1 or not t.name.startswith("《"):
        return ""
    title = titles[0]
    head = next((h for h in LEGAL_HEADS if title.endswith(h)), "")
    subject = (
        _strip_scope(title[: len(title) - len(head)]) if head in ("法", "条例", "办法", "管理办法", "实施办法") else ""
    )
    return subject if len(subject) >= 4 and re.fullmatch(r"[\u4e00-\u9fff]+", subject) else ""


# the heads of a title that acting “依法/依规” can rest on (a law, a regulation, rules)
_LAW_HEADS = _L["law-head"]


def law_name(t: Thing) -> str:
    """The subject of a law B drafts or revises as the law names it (《工会法》 -> 工会,
    《某省文物保护条例》 -> 某省文物保护): the one title without its legal head, scope words kept
    (a scope word is the subject of a short law); '' when the thing is no such law."""
    titles = re.findall(r"《([^》]{2,40})》", t.name)
    if len(titles) != 1 or not t.name.startswith("《"):
        return ""
    title = titles[0]
    head = next((h for h in _LAW_HEADS if title.endswith(h)), "")
    subject = title[: len(title) - len(head)] if head else ""
    return subject if 2 <= len(subject) <= 12 and re.fullmatch(r"[\u4e00-\u9fff]+", subject) else ""


def _verb_position(clause: str, i: int) -> bool:
    return bool(_BEFORE_VERB.search(clause[:i]))


def _specific(core: str) -> bool:
    """The core says which thing it is: some words left beyond scope words and generic adjectives."""
    return len(GENERIC_MODS.sub("", _strip_scope(core))) >= 3 or "“" in core or "《" in core


# the patterns of the functions below, compiled once (they run for every clause of every task)
_WORK_END = re.compile(r"(?:功能)?建设$|工作$")
_ITEM_END = re.compile(r"(?:功能)?建设(?:工作|质量)?$|工作$")
_ITEM_START = re.compile(r"^(?:" + ESTABLISH_VERBS + r"|推进|推动|加快|加强|进一步|积极|和(?!谐)|并)+")
_QUOTED = re.compile(r"“([^”]{2,20})”")
_TITLED = re.compile(r"《([^》]{2,40})》")
_AND = re.compile(r"和|及|与")
# HEADS as sets per length, longest first (HEADS is sorted so: its first match is the longest)
_HEADS_BY_LENGTH = tuple(
    (n, frozenset(h for h in HEADS if len(h) == n)) for n in sorted({len(h) for h in HEADS if h}, reverse=True)
)


def _head_of(name: str) -> str:
    name = _WORK_END.sub("", name)
    for n, hs in _HEADS_BY_LENGTH:
        if n < len(name) and name[-n:] in hs:
            return name[-n:]
    return ""


def _strip_scope(core: str) -> str:
    return SCOPE.sub("", core)


def _thing(u: Unit, s: Sentence, clause: str, item: str) -> Thing | None:
    item = item.strip(" 等")
    item = _ITEM_END.sub("", item)
    item = _ITEM_START.sub("", item)
    if "等" in item and _head_of(item.rsplit("等", 1)[1]):  # “工E就业”等全国工会就业服务网上平台
        item = item.rsplit("等", 1)[1]
    if "的" in item:  # 具有工会特色的劳动关系数据库 -> 劳动关系数据库
        tail = item.rsplit("的", 1)[1]
        if len(tail) >= 3:
            item = tail
    quoted = _QUOTED.findall(item)
    titles = _TITLED.findall(item)
    head = _head_of(item)
    if not head and not quoted and not titles:
        return None
    core = item
    while True:  # 民主管理制度体系 -> 民主管理
        h = _head_of(core)
        if not h:
            break
        core = core[: len(core) - len(h)]
    plain = _strip_scope(core)
    forms: dict[str, str] = {}
    if head and (len(_strip_scope(item)) >= 5 or (len(item) >= 6 and len(plain) >= 2)):
        forms[item] = "name"
    if len(plain) >= MIN_CORE and "“" not in plain:
        forms.setdefault(plain, "core")
    for raw in quoted:
        q = raw.strip()
        rest = item.split(f"“{raw}”", 1)[1].strip()
        if len(q) >= 3 and not q.endswith(("行动", "活动")) and (not rest or rest in HEADS):
            forms.setdefault(q, "quoted")
    for t in titles:
        forms.setdefault(f"《{t}》", "title")
    if forms and not _specific(core):
        # 全国工会服务平台: scope + generic words; counts only as the object of a use verb in A
        forms = {item: "generic-name"} if head and len(item) >= 6 else {}
    if not forms:
        return None
    return Thing(u.id, s, clause, item, head, core, forms)


def established(u: Unit) -> list[Thing]:
    """The specific things a unit sets up, each with its establishing clause."""
    out: list[Thing] = []
    for s in u.sentences:
        if DOTS.search(s.text):
            continue
        for clause, _a, _b in clauses(s.text):
            objs = []
            for m in _EST_RE.finditer(clause):
                if _verb_position(clause, m.start()):
                    objs.append(clause[m.end() :])
            for m in _EST_NOMINAL_RE.finditer(clause):
                objs.append(m.group(1))
            for obj in objs:
                if "的" in obj and len(obj.rsplit("的", 1)[1]) >= 3:
                    obj = obj.rsplit("的", 1)[1]
                for item in obj.split("、"):
                    parts = _AND.split(item)
                    if len(parts) == 2 and all(_head_of(p) for p in parts):
                        cands = parts
                    else:
                        cands = [item]
                    for c in cands:
                        t = _thing(u, s, clause, c)
                        if t:
                            out.append(t)
        # a title before its drafting verb: 推动和参与《工会法》修订完善, 《X条例》的制定
        for clause, _a, _b in clauses(s.text):
            for m in _TITLE_THEN_VERB.finditer(clause):
                if _TITLE_BASIS.search(clause[: m.start()]):
                    continue
                name = f"《{m.group(1)}》"
                if any(t.name == name for t in out):
                    continue
                head = next((h for h in LEGAL_HEADS if m.group(1).endswith(h)), "")
                core = m.group(1)[: len(m.group(1)) - len(head)]
                out.append(Thing(u.id, s, clause, name, head, core, {name: "title"}))
        # a 《办法》 that B runs: “完善…监督机制,落实《工会劳动法律监督办法》” with 工会劳动法律监督
        # named again outside the title; its short form is the title without the legal head
        for t in re.findall(r"《([^》]{4,40})》", s.text):
            head = next((h for h in LEGAL_HEADS if t.endswith(h)), "")
            short = t[: len(t) - len(head)] if head else ""
            if len(short) >= 6 and u.text.replace(f"《{t}》", "").count(short) >= 1 and _EST_RE.search(s.text):
                clause = next(c for c, _a, _b in clauses(s.text) if f"《{t}》" in c)
                out.append(Thing(u.id, s, clause, f"《{t}》", head, short, {f"《{t}》": "title", short: "title-short"}))
    return out

"""Is a class of institutions (企业, 学校, 金融机构, 政府 …; ``class`` rules in roles*.tsv) the
acting party where it is named, or an object, a setting or a modifier?

A named body (国务院, 区水务局) acts wherever it is named; a class word does only in some
places: 企业参与办学, 鼓励金融机构创新产品, 学校依据目录设置专业 (acting); 服务中小企业,
面向学校和社区, 培育骨干企业 (object or setting); 企业环境信用评价, 职业院校教师 (modifier).
The mention is kept either way (search and the site still link it); ``Mention.acting`` says
which, and the scorers and ``kb mentions --role`` read it. The rules, on the words around the
mention (a chain of class mentions joined by 、/和/及/与/或/等/特别是 counts as one):

1. The first word after it (jieba part of speech): a verb, preposition or adverb (参与, 依据,
   要, 积极) makes it the subject — acting; a noun, locative or 的 (教师, 内, 的) makes it a
   modifier — not acting, unless a verb follows the noun (深度参与, 依法依规安装, jieba tags
   深度 and 依法 as nouns); more list items that are no mentions are read past
   (企业、行业组织和社会公众多元参与); punctuation or the end of the text decides nothing.
   A word of lexicon ``agent-word`` closing an item of a slogan (政府主导、企业主体、社会参与;
   not 企业主体责任) makes it the agent.
   Right after 与/同, and followed by a word of joint action (lexicon ``cooperation-word``: 合作,
   共建, 共同 …), it is a partner that acts (加强与科研院所合作, 文博单位与企业共同开发).
   A generic collective wording (各地, 有关单位, 主管部门, 政府 … lexicon ``collective``) right
   before a word of duty (职责, 主体责任, 责任 … ``assigned-word``) is the assigned party
   (压实各级相关单位主体责任, 明晰主管部门、监管机构职责, 落实政府责任).
2. Before it in its clause: 由 or 发挥 (lexicon ``agent-marker``) just before it (its own
   modifiers between) makes it the agent (由学校按规定自行处理, 发挥企业…作用); an object marker (面向, 为, 对, 在, 纳入 … lexicon ``object-marker``)
   close before it makes it the object of that preposition — not acting, whatever follows; an
   object verb (培育, 打造, 服务 … ``object-verb``) does when nothing acting follows.
3. Otherwise it acts (鼓励金融机构, 各级政府、企业和职业院校建设 …).

A class word right after 等 that closes a list of named bodies (学校工会、共青团等群团组织,
区绿化市容局等相关部门) names their kind, not another party: not acting.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from kb.extract.jiebatok import plain_tagger
from kb.extract.roles import SUPERVISED, clause_start

# joins a chain of class mentions (政府、行业、企业、职业院校等; 企业等用人单位; 企业特别是大企业)
# (a list may hold other short items: 政府、行业、企业、职业院校; 面向学校、社区、家庭、企业)
# (and the next item may carry its own modifiers: 职业院校、应用型本科|高校)
_JOINED = re.compile(
    r"^(?:(?:、|和|及|与|或|以及|等|特别是|尤其是)(?:[^\s，,。；;：:、“”]{1,6}[、和])*[^\s，,。；;：:、“”]{0,6})?$"
)
# how far before a chain an object marker or verb may stand (一批固体废物资源化利用骨干|企业)
_GAP = 16
# how far before a class mention 由/发挥 may stand: its own modifiers (发挥数字经济领军|企业的…作用)
_AGENT_GAP = 8
_LEFT = 40  # how much of its clause before a chain the rules read
# up to three short list items after a chain (、行业组织和社会公众), read past to the predicate
_LIST_ITEMS = re.compile(r"^(?:[、和及或][^\s，,。；;：:、和及或“”]{1,6}){1,3}(?=[^\s，,。；;：:、和及或“”])")
# more list items of any length up to the 等 that closes the list (、三国吴都博物馆等): a long
# name is read past only to see whether the list gives examples of a counted phrase (等一批)
_LIST_TAIL = re.compile(r"^(?:[、和及或][^\s，,。；;：:、和及或“”]{1,16}){0,6}等(?!级)")
# a short parenthesis right after a mention: （含技工院校）
_PAREN = re.compile(r"^[（(][^（()）]{1,12}[）)]")
# a short quoted name right after it: 中等职业学校“文明风采”活动, 清运企业“托底驳运”模式,
# 各地"土特产"资源 (straight quotes)
_QUOTED = re.compile(r'^(?:“[^“”]{1,12}”|"[^"“”]{1,12}")(?=[^\s，,。；;：:、“”"])')
# what opens a parenthesis that says what a class mention covers: 职业院校（含技工院校）
_SCOPE_PAREN = re.compile(r"^[（(](?:含|包括|包含|即)?$")
# a two-character word closing an item of a list or clause (主导、 主体， 协作”)
_SLOGAN_ITEM = re.compile(r"^([^\s，,。；;：:、“”]{2})(?:[、，,。；;”\"]|$)")
_ACTING_TAGS = ("v", "p", "d", "a", "ad", "vd")
# 的, locatives (内, 间) and nouns make it a modifier; 主要 (b), 自我 (r), 合作 (vn) decide nothing
_MODIFIER_TAGS = ("n", "f", "l", "j", "i", "m", "q", "s", "t", "uj", "an", "b", "k")


def first_words(text: str) -> list[tuple[str, str]]:
    """The first two jieba words of ``text`` with their part-of-speech tags."""
    out = []
    for w in plain_tagger().cut(text[:10], HMM=False):
        out.append((w.word, w.flag))
        if len(out) == 2:
            break
    return out


def _is_verb(flag: str) -> bool:
    return flag in _ACTING_TAGS or flag.startswith("v") and flag != "vn"


def _after_kind(text: str, end: int, tag: Callable[[str], list[tuple[str, str]]], lex) -> str:
    """acting | modifier | verbal-noun | none, from the words after ``end``."""
    rest = text[end : end + 40]  # a window, not the rest of a unit that may be huge
    tail = _LIST_TAIL.match(re.sub(r"\s+", "", rest))  # PDF text breaks lines inside words
    if tail and _examples(re.sub(r"\s+", "", rest)[tail.end() : tail.end() + 6], tag):
        # the list, however long its items (三国吴都博物馆), gives examples of a counted phrase:
        # A、B、C等一批…博物馆发展 — the predicate is that phrase's
        return "modifier"
    if not rest or not rest[0].strip() or rest[0] in "，,。；;：:！？!?）)」』”’》、":
        return "none"
    paren = _PAREN.match(rest) or _QUOTED.match(rest)
    if paren and paren.end() < len(rest):
        # a parenthesis or a quoted name after it (职业院校（含技工院校）数字技术…, 中等职业学校
        # “文明风采”活动): what follows it
        return _after_kind(text, end + paren.end(), tag, lex)
    if rest.startswith(tuple(sorted(lex.modifier_words))):
        return "modifier"
    if (item := _SLOGAN_ITEM.match(rest)) and item.group(1) in lex.agent_words:
        return "acting"  # an item of a division-of-labour slogan: 政府主导、企业主体、社会参与
    skip = _LIST_ITEMS.match(rest)
    if skip and skip.end() < len(rest):
        # more list items that are no mentions (企业、行业组织和社会公众多元参与): their predicate
        return _after_kind(text, end + skip.end(), tag, lex)
    if rest.startswith("等") and not rest.startswith("等级"):
        n = 2 if rest.startswith("等等") else 1
        if _examples(text[end + n : end + n + 6], tag):
            return "modifier"  # the list gives examples of a counted phrase: A、B等一批…博物馆发展
        return _after_kind(text, end + n, tag, lex)  # 职业院校等共同参与
    words = tag(rest)
    if not words or not words[0][0].strip():
        return "none"
    flag = words[0][1]
    if _is_verb(flag):
        return "acting"
    if flag == "vn":
        # a verbal noun: the predicate when a verb or preposition follows it, else the head of a
        # noun phrase the class word qualifies (学校设置、…, 企业经营管理和…) or, after 鼓励 …,
        # the action asked of it (鼓励生产企业与销售商合作，)
        nxt = words[1][1] if len(words) > 1 else ""
        if len(words) > 1 and words[1][0] in lex.modifier_words:
            return "modifier"  # a field the class qualifies: 高校考古|相关|专业
        # (a conjunction tagged p is no predicate: 行业协会建设与管理)
        joint = len(words) > 1 and words[1][0] in ("与", "和", "及", "同")
        return "acting" if nxt and _is_verb(nxt) and nxt != "a" and not joint else "verbal-noun"
    if flag in _MODIFIER_TAGS or flag.startswith("n"):
        # a noun-tagged adverbial before a verb (深度|参与, 依法|依规, 宏观|指导): the subject
        nxt = words[1][1] if len(words) > 1 else ""
        # (a word tagged an organisation's name is no adverbial: 政府|公共财政|投入 is the thing
        # funded; jieba's other proper tags are not reliable: 深度 is tagged a place)
        if flag not in ("f", "uj", "nt") and _is_verb(nxt) and nxt != "p":
            return "acting"
        return "verbal-noun" if flag not in ("f", "uj") and nxt == "vn" else "modifier"
    return "none"


def _examples(rest: str, tag: Callable[[str], list[tuple[str, str]]]) -> bool:
    """Is a list closed by 等 the examples of a counted phrase after it (支持A博物馆、B博物馆等一批
    …专题博物馆发展)? The predicate after it is that phrase's, not the list's; 多方 (企业等多方参与)
    is the parties listed."""
    words = tag(rest) if rest else []
    return bool(words) and words[0][1] == "m" and words[0][0][:1] in "一两几数"


_PHRASE_END = re.compile(r"[，,。；;：:、！？!?（()）“”\"《》]")


def _possessed(text: str, end: int, lex) -> bool:
    """Is the class mention the possessor of an attribute (lexicon ``possessed-head``: 能力, 水平,
    效率 …) that ends the noun phrase it opens: 提升企业整体运行效率, 提升各地执法能力, 干预企业
    办学行为? Read word by word up to that head: a verb stops it (企业提升创新能力 acts) unless
    it qualifies the head at once (执法|能力, 运行|效率, 防范|水平)."""
    if not lex.possessed_heads:
        return False
    window = re.sub(r"\s+", "", text[end : end + 24])[:16]  # PDF text breaks lines inside words
    cut = _PHRASE_END.search(window)
    words = [(w.word, w.flag) for w in plain_tagger().cut(window[: cut.start()] if cut else window, HMM=False)]

    def owned(w: str) -> bool:  # a word may hold one: 资源优势
        return any(h in w for h in lex.possessed_heads)

    for i, (w, flag) in enumerate(words):
        if owned(w):
            return True
        if w in ("和", "及", "与", "或", "的", "等"):
            return False
        if _is_verb(flag) and not _closing(words, i + 1, owned):
            return False
    return False


def _under_guidance(text: str, s: int, e: int, lex) -> bool:
    """Is the chain the agent of the frame 在X(的)指导下 (lexicon ``guidance-word``: 在政府指导下
    组建…, 在党委的领导下)? 在 alone makes a setting (在职业院校落地实施)."""
    if not lex.guidance_words or s == 0 or text[s - 1] != "在":
        return False
    rest = text[e : e + 8]
    rest = rest[1:] if rest.startswith("的") else rest
    return any(rest.startswith(w + "下") for w in lex.guidance_words)


def _other_partner(left: str, text: str, e: int, lex) -> bool:
    """Is the chain, right after 与/同, the partner of what another party does (实现与社会资本风险
    共担), with no word of joint action (``cooperation-word``) closing its phrase (与高校合作,
    与企业等开展合作 act)?"""
    left = left.rstrip()
    tail = left[-6:]
    if not tail.endswith(("与", "同")) or (len(tail) - 1, len(tail)) not in _word_spans(tail):
        return False  # 与/同 as a word of its own (not 会同有关部门, 协同)
    cut = _PHRASE_END.search(text, e, e + 12)
    phrase = text[e : cut.start() if cut else e + 12]
    return not any(w in phrase for w in lex.cooperation_words)


# a clause qualifying a noun: its verb, 的, and the noun phrase up to a measure head
_QUALIFYING = re.compile(r"^([^\s，,。；;：:、的]{1,4})的([^\s，,。；;：:、]{0,12})")


def _defines_measure(text: str, e: int, lex) -> bool:
    """Is the chain the subject of a clause that qualifies a measure (lexicon ``measure-head``:
    政府、机构和企业持有的租赁住房比例)? It is part of an indicator's definition, not a party that
    acts; 企业持有的数据 (no measure) is left to the other rules."""
    m = _QUALIFYING.match(text[e : e + 24])
    if not m or not lex.measure_heads or not any(h in m.group(2) for h in lex.measure_heads):
        return False
    words = first_words(m.group(1))
    return bool(words) and _is_verb(words[0][1])


# what ends the phrase a measure is named in (quotes and list marks do not: 收运企业、收运价格
# “双公示”上墙率99%)
_CLAUSE_CUT = re.compile(r"[，,。；;：:！？!?\n]")
# a figure after a measure head, maybe after a verb of reaching (达到95%); none: an attribute
_FIGURE = re.compile(r"^(?:达到?|超过|不低于|提高到|提升至|提升到)?[0-9０-９.．]")


def _measured_phrase(text: str, e: int, lex) -> bool:
    """Is the chain part of the name of a measure stated with its figure (收运企业、收运价格
    “双公示”上墙率99%: the rate of display, a figure of a review or an indicator)? The phrase up
    to the next clause mark holds a measure head (lexicon ``measure-head``: 比例, 率 …) right
    before a figure; 推动新型农业经营主体率先… (no figure) is left to the other rules."""
    if not lex.measure_heads:
        return False
    window = text[e : e + 40]
    cut = _CLAUSE_CUT.search(window)
    phrase = re.sub(r"\s+", "", window[: cut.start()] if cut else window)
    for h in lex.measure_heads:
        at = phrase.find(h)
        while at >= 0:
            if _FIGURE.match(phrase[at + len(h) :]):
                return True
            at = phrase.find(h, at + 1)
    return False


def _closing_set_phrase(text: str, e: int, tag: Callable[[str], list[tuple[str, str]]]) -> bool:
    """Does a set phrase (jieba tag ``l``: 结合实际) close the clause right after the chain? A
    modifier needs a head after it; a set phrase with none is the chain's predicate."""
    words = tag(re.sub(r"\s+", "", text[e : e + 12]))
    return len(words) > 1 and words[0][1] == "l" and words[1][0] in "，,。；;：:！？!?"


def _joint_collective(text: str, e: int, entities: list[str], lex) -> bool:
    """Is a chain of collective wordings (各部门, 各地 … lexicon ``collective``) the owner of a
    joint action named right after it or after its 的 (加强各部门的协同工作): the members of the
    collective are the ones who act together, as a partner after 与 does (与企业合作)."""
    if not lex.collective or not all(x in lex.collective for x in entities):
        return False
    return _joint_word_after(text, e, lex)


# a counted object after its verb (培育一批…, 打造若干…): grammar, not vocabulary
_COUNTED = re.compile(r"(?:一批|一大批|若干|一些|一系列)[^，,。；;：:]*$")


def _counted_object(left: str, lex) -> bool:
    """Is the chain the end of a counted object of an object verb, however long its modifiers
    (培育一批固体废物产生量小、循环利用率高的示范企业)? The gap of ``_governed`` is too short for
    it; 培育一批企业参与 (a verb after the chain) is decided before this is read."""
    m = _COUNTED.search(left)
    if not m or any(t in left[m.start() :] for t in SUPERVISED):
        return False
    return left[: m.start()].endswith(tuple(lex.object_verbs))


# a disposal construction (将/把 + its object + the verb): grammar, not vocabulary
_DISPOSAL = re.compile(r"[将把][^，,。；;：:]{1,20}$")


def _assigned_recipient(left: str, entities: list[str], lex) -> bool:
    """Is a chain of collective wordings (lexicon ``collective``: 各省, 各地) the recipient of what
    a disposal construction hands down (将粮食生产目标任务下达各省份, 把任务分解到各地)? 将/把
    governs its own object, not what follows its verb; the recipient is an assigned party
    (ANNOTATING.md). A verb must stand right before the chain (not 将各地经验…)."""
    if not lex.collective or not all(e in lex.collective for e in entities):
        return False
    m = _DISPOSAL.search(left)
    if not m:
        return False
    words = [(w.word, w.flag) for w in plain_tagger().cut(left[m.start() + 1 :], HMM=False)]
    if len(words) < 2:
        return False
    last = words[-1]
    if last[0] in lex.object_markers and last[0] not in ("到", "给"):
        return False  # 将文物安全纳入各地考核: the marker's own object
    return _is_verb(last[1]) or last[0] in ("到", "给") and _is_verb(words[-2][1])


def _word_spans(text: str) -> set[tuple[int, int]]:
    out, pos = set(), 0
    for w in plain_tagger().cut(text, HMM=False):
        out.add((pos, pos + len(w.word)))
        pos += len(w.word)
    return out


def _closing(words: list[tuple[str, str]], i: int, owned: Callable[[str], bool]) -> bool:
    """Is ``words[i]`` an attribute that closes the phrase (执法|能力，运行|效率和), not the
    object of a verb that more words follow (提升|人力资源|水平|提供)?"""
    if i >= len(words) or not owned(words[i][0]):
        return False
    if i + 2 == len(words) and words[i + 1][1] == "vn":
        return True  # a verbal noun heading the phrase: 治理|水平|现代化 (the attribute's change)
    # (an adjective after it is the attribute's own predicate: 企业参与|渠道|有限)
    return i + 1 == len(words) or words[i + 1][0] in ("和", "及", "与", "或", "等") or words[i + 1][1] == "a"


def _governed(left: str, words: Iterable[str], gap: int = 16) -> bool:
    """Does one of ``words`` stand close before the end of ``left`` (within ``gap`` characters,
    with no acting trigger such as 鼓励/支持 after it)?"""
    best = -1
    spans: set[tuple[int, int]] | None = None
    for w in words:
        i = left.rfind(w)
        if i >= 0 and len(left) - (i + len(w)) <= gap:
            if len(w) == 1:
                # a one-character marker only as a word of its own (进学校, not 推进企业)
                if spans is None:
                    spans = _word_spans(left)
                if (i, i + 1) not in spans:
                    continue
            best = max(best, i + len(w))
    if best < 0:
        return False
    return not any(t in left[best:] for t in SUPERVISED)


def _triggered(left: str, lex) -> bool:
    """Is a supervision trigger (鼓励, 支持, 推动 … roles.SUPERVISED, and lexicon ``trigger``
    words such as 带动) close before the chain?"""
    words = (*SUPERVISED, *lex.triggers)
    return any(0 <= len(left) - (left.rfind(t) + len(t)) <= _GAP for t in words if t in left)


def _assigned(text: str, end: int, entities: list[str], lex) -> bool:
    """Is a chain of collective wordings (各地, 有关单位, 主管部门 … lexicon ``collective``)
    followed at once by a word of duty (职责, 主体责任 … ``assigned-word``): the assigned party?"""
    if not lex.collective or not any(e in lex.collective for e in entities):
        return False
    return text.startswith(tuple(sorted(lex.assigned_words)), end) if lex.assigned_words else False


# 与/同 and up to four characters of the partner's own modifiers (与长江沿线|省市): a place or
# a qualifier, no punctuation and no second 与
_WITH = re.compile(r"(与|同)([^\s，,。；;：:、与同和及“”]{0,4})$")


def _after_with(left: str) -> bool:
    """Does the chain follow 与/同 as a word of its own, at once or after its own modifiers (与高校,
    与长江沿线|省市; not 参与企业…, 会同有关部门)?"""
    left = left.rstrip()
    m = _WITH.search(left)
    if not m:
        return False
    at = m.start(1) - max(0, m.start(1) - 6)
    tail = left[max(0, m.start(1) - 6) :]
    if (at, at + 1) not in _word_spans(tail):
        return False
    # the modifiers are no verb of their own (与高校|合作 reads at the partner, 与…开展 is not one)
    return not m.group(2) or not any(_is_verb(f) for _w, f in first_words(m.group(2)))


def _joint_word_after(text: str, end: int, lex) -> bool:
    """Does a word of joint action follow a class mention at once, or after the 的 that makes it
    the head of a noun phrase (文物部门与媒体的合作机制: the media are a partner as in 与媒体合作)?"""
    at = end + 1 if text.startswith("的", end) else end
    return text[at : at + 2] in lex.cooperation_words


def _chains(text: str, spans: list[tuple[int, int]]) -> list[list[int]]:
    """Indexes of ``spans`` (sorted, outermost class mentions) grouped into chains."""
    out: list[list[int]] = []
    for i, (s, _e) in enumerate(spans):
        if out:
            pe = spans[out[-1][-1]][1]
            if _JOINED.match(text[pe:s]):
                out[-1].append(i)
                continue
        out.append([i])
    return out


def mark_acting(text: str, mentions: list, is_class: Callable[[str], bool], lex, tag=first_words) -> None:
    """Set ``acting`` on the class mentions of a unit's ``mentions`` (sorted by start), in place."""
    cls = [m for m in mentions if m.entity.startswith("ACTOR:") and is_class(m.entity)]
    if not cls:
        return
    # a class word inside the name of a body (学校 in 学校工会) or of a group (高校 in 高校毕业生)
    # is part of that name
    bodies = [
        (m.start, m.end)
        for m in mentions
        if m.entity.startswith("GROUP:") or m.entity.startswith("ACTOR:") and not is_class(m.entity)
    ]
    named_ends = [(m.start, m.end) for m in mentions if m.entity.startswith("ACTOR:") and not is_class(m.entity)]
    # outermost spans: 学校 inside 职业学校, 企业 inside 中小企业 take the outer mention's place
    spans = {(m.start, m.end) for m in cls}
    outer = sorted(sp for sp in spans if not any(o[0] <= sp[0] and sp[1] <= o[1] and o != sp for o in spans))
    decision: dict[tuple[int, int], bool] = {}
    cls_at = {(m.start, m.end): m.entity for m in cls}
    # the words of the names in the text are no markers or triggers (组织 in 培训评价组织)
    masked = list(text)
    for m in mentions:
        masked[m.start : m.end] = "〇" * (m.end - m.start)
    blank = "".join(masked)
    prev: tuple[int, bool] | None = None  # the end of the last chain and its decision
    for chain in _chains(text, outer):
        s, e = outer[chain[0]][0], outer[chain[-1]][1]
        if prev is not None and _SCOPE_PAREN.match(text[prev[0] : s]):
            # a parenthesis that says what the class before covers (职业院校（含技工院校）):
            # the same party, in the same place
            for i in chain:
                decision[outer[i]] = prev[1]
            continue
        # the clause before it, within the reach of the rules (a window: units may be huge)
        lo = max(0, s - _LEFT)
        left = blank[max(lo, clause_start(text[lo:s], s - lo) + lo) : s]
        after = _after_kind(text, e, tag, lex)
        if s > 0 and text[s - 1] == "等" and any(b == s - 1 for _a, b in named_ends):
            acting = False  # A、B等C: C names the kind of the bodies listed, not another party
        elif after != "modifier" and _assigned_recipient(left, [cls_at[outer[i]] for i in chain], lex):
            acting = True  # 将…任务下达各省份: the party the task is handed to
        elif lex.agent_words and text.startswith(tuple(w + "的" for w in sorted(lex.agent_words)), e):
            acting = True  # the agent of a qualifying clause: 推进企业主导的产学研深度融合
        elif _under_guidance(text, s, e, lex):
            acting = True  # 在政府指导下组建…: the agent of the guidance
        elif _joint_collective(text, e, [cls_at[outer[i]] for i in chain], lex):
            acting = True  # 加强各部门的协同工作: the departments act together
        elif _defines_measure(text, e, lex) or _measured_phrase(text, e, lex):
            acting = False  # 政府、机构和企业持有的租赁住房比例: an indicator's definition
        elif _assigned(text, e, [cls_at[outer[i]] for i in chain], lex):
            acting = True  # a duty named right after a collective wording: 压实各级相关单位主体责任
        elif (_after_with(left) or "与" in text[s:e]) and _joint_word_after(text, e, lex):
            acting = True  # the partner of a joint action: (加强)与科研院所合作, 文博单位与企业共同开发
        elif "与" not in text[s:e] and _other_partner(left, text, e, lex):
            acting = False  # the partner of another's action: 实现与社会资本风险共担
        elif not _triggered(left, lex) and _possessed(text, e, lex):
            acting = False  # the possessor of an attribute: 提升各地执法能力 (not 鼓励企业提升能力)
        # (read as written: a body named between 发挥 and the class, 发挥党组织在职业院校的…, is
        # the one it governs, and the trigger-like 组织 in its name says so)
        elif _governed(text[s - len(left) : s], lex.agent_markers, _AGENT_GAP):
            acting = True
        elif _governed(left, lex.object_markers):
            acting = False
        elif after == "modifier" and _triggered(left, lex) and _closing_set_phrase(text, e, tag):
            acting = True  # 指导有条件的地方结合实际，: the set phrase is what it is asked to do
        elif after == "modifier":
            acting = False
        elif after == "acting":
            acting = True
        elif after == "verbal-noun":
            acting = _triggered(left, lex)
        else:
            acting = not (_governed(left, lex.object_verbs) or _counted_object(left, lex))
        for i in chain:
            decision[outer[i]] = acting
        prev = (e, acting)
    for m in cls:
        if m.acting is False:
            continue  # inside the name of a base or programme (kb/extract/groupnames.py)
        span = next((sp for sp in outer if sp[0] <= m.start and m.end <= sp[1]), None)
        inside_body = any(a <= m.start and m.end <= b and (a, b) != (m.start, m.end) for a, b in bodies)
        m.acting = False if inside_body else decision.get(span) if span is not None else None


# what may stand between a trigger and the class it asks to act, once a relative clause closed by
# 的 or a list of places closed by 等 is cut off (鼓励有条件的|国有博物馆, 支持武汉、宜昌等|博物馆)
_RELATIVE_END = ("的", "等")

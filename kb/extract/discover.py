"""Discovery: names the lexicon does not list, found by pattern rules, for a maintainer to
promote into ``kb/extract/lexicon/*.tsv`` (reported by ``kb check --entities``).

Rules, on jieba words with part-of-speech tags:
- groups: a compound ending in a person head (X职工, X劳动者, X人员, X工人, X司机, X员, X干部,
  X工作者, X代表, X同胞, X子女 …);
- actors: a compound ending in a body head (X总工会, X工会, X部门, X机构, X委员会, X企业,
  X协会, X单位, X组织) or starting with 国务院;
- programmes: a name in “…” (not a plan number such as “十四五”, not a slogan of several
  clauses); laws: a title in 《…》 ending like a law (法, 条例, 办法, 意见 …), other titles are
  programmes (journals).
The modifiers of a compound are nouns, adjectives or distinguishing words; a verb or function
word ends it, which keeps out 服务职工 (serve workers) and 推动企业 (push enterprises).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from kb.extract.discover_rules import (
    _ACTIVITY,
    _ALLOWED_VERBS,
    _BAD_MODS,
    _BAD_START,
    _LAW_END,
    _LONGER_NAME,
    _MOD_TAGS,
    _PERSON_R,
    _PLAN_NUMBER,
    _TITLE_TAIL,
    ACTOR_HEADS,
    BODY_PEOPLE,
    GROUP_HEADS,
    NOT_A_BODY,
    ORGAN_SUFFIX,
    PROGRAMME_ENDS,
    PROGRAMME_NEXT,
    STANDALONE_HEADS,
)
from kb.ids import qualify
from kb.model import Entity

# one-character modifiers that do open names: sex and age (女职工), novelty (新就业形态), the levels
# of government and school (省|总工会, 市|政府, 校|团委)
_ONE_CHAR_MODS = frozenset("新女老男省市县区乡镇村校")
HMM = True  # the HMM joins words jieba does not know (网约), which is what discovery is for
_QUOTE = re.compile(r"“([^“”]{2,24})”")
_BOOK = re.compile(r"《([^《》]{2,40})》")


@dataclass
class Candidate:
    name: str
    type: str
    rule: str
    units: list[str] = field(default_factory=list)
    contexts: list[dict] = field(default_factory=list)
    count: int = 0
    strong: int = 0  # occurrences not followed by a noun the name might qualify


@lru_cache(maxsize=2)
def _pos_tokenizer(words: tuple[str, ...]):
    from kb.extract.jiebatok import lexicon_tokenizer, new_pos_tokenizer

    return new_pos_tokenizer(lexicon_tokenizer(words))  # lexicon names kept whole, tagged n


@lru_cache(maxsize=8)
def _by_length(heads: tuple[str, ...]) -> tuple[tuple[int, frozenset[str]], ...]:
    """The heads as sets per length, longest first: a word's head is its longest ending that is
    a head, found with one set look-up per length instead of one ``endswith`` per head."""
    lengths = sorted({len(h) for h in heads if h}, reverse=True)
    return tuple((n, frozenset(h for h in heads if len(h) == n)) for n in lengths)


def _head(word: str, heads: tuple[str, ...]) -> str | None:
    for n, hs in _by_length(heads):
        if n <= len(word) and word[-n:] in hs:
            return word[-n:]
    return "" if "" in heads else None


@lru_cache(maxsize=1)
def _has_head() -> re.Pattern:
    """Any head word (or 国务院, which opens a compound) anywhere in a text."""
    heads = sorted({h for h in GROUP_HEADS + ACTOR_HEADS if h} | {"国务院"}, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, heads)))


@lru_cache(maxsize=1)
def _last_chars() -> frozenset[str]:
    return frozenset(h[-1] for h in GROUP_HEADS + ACTOR_HEADS if h)


def _head_blocks(blocks: list[str]) -> list[bool]:
    return [bool(_has_head().search(b)) for b in blocks]


def _is_mod(w: str, flag: str) -> bool:
    if w in _BAD_MODS or not w.strip() or re.search(r"[\d\W_a-zA-Z]", w):
        return False
    if w in _ALLOWED_VERBS:
        return True
    if flag == "m":
        # 港澳台 is tagged as a numeral; a number or a date (7日|区政府) is not a modifier
        return not re.search(r"[一二三四五六七八九十百千万两年月日号]", w)
    if len(w) == 1 and w not in _ONE_CHAR_MODS:
        # a one-character verb, adverb or word fragment glued to a name by the segmenter (强工会,
        # 厚植|企业 cut as 厚|植|企业)
        return False
    if flag == "r":
        return w in _PERSON_R
    if flag == "v":
        return w in _ALLOWED_VERBS
    return flag in _MOD_TAGS


def _compounds(tokens: list[tuple[str, str]]):
    """(start char, name, type, rule) for each compound ending in a head word."""
    merged: list[tuple[str, str]] = []
    for w, f in tokens:
        if w == "员" and merged and merged[-1][1] in ("n", "vn", "v") and len(merged[-1][0]) > 1:
            # the segmenter cut 快递员 into 快递|员: read them as one word
            merged[-1] = (merged[-1][0] + "员", "n")
        else:
            merged.append((w, f))
    tokens = merged
    pos = 0
    offs = []
    for w, _ in tokens:
        offs.append(pos)
        pos += len(w)
    last = _last_chars()
    for i, (w, _f) in enumerate(tokens):
        if w[-1:] not in last and not w.startswith("国务院"):
            continue  # no head ends it: most words, passed over without a look-up per head length
        typ, head, weak = None, None, False
        for t, heads in (("ACTOR", ACTOR_HEADS), ("GROUP", GROUP_HEADS)):
            h = _head(w, heads)
            if h and (head is None or len(h) > len(head)):
                typ, head = t, h
        if w.startswith("国务院") and len(w) <= 8:
            typ, head = "ACTOR", w
        if typ is None or head is None or w in _BAD_MODS or (len(head) > 1 and w[: -len(head)] in _BAD_MODS):
            continue
        if w == head and _f in ("v", "vn") and typ == "ACTOR":
            continue  # the head used as a verb: 定期组织检查, 力量组织
        if len(w) > len(head) and w[: -len(head)][:1] in _BAD_MODS:
            continue  # one word glued to its quantity or scope: 跨部门, 多部门
        if w in ("成员", "委员", "动员", "党员", "裁员", "员") or _f == "m":
            continue  # (a count is no name: 重要一员)
        if i + 1 < len(tokens):
            nxt, nflag = tokens[i + 1]
            if nxt in _LONGER_NAME:
                continue
            if (
                nxt not in _ACTIVITY
                and nflag in ("n", "nz", "s")
                and len(nxt) > 1
                and not _head(nxt, GROUP_HEADS + ACTOR_HEADS)
            ):
                # the head may qualify the noun after it (组织形式, 企业社会责任): weak evidence
                weak = True
            if typ == "ACTOR" and _head(nxt, GROUP_HEADS) and nxt not in STANDALONE_HEADS - BODY_PEOPLE:
                weak = True  # a body naming whose people (国家工会|干部, 社会化工会|工作者)
            if head == "组织" and nflag in ("p", "v", "uj", "ul"):
                continue  # 组织 used as a verb: 把…劳动者组织到工会中来
        j = i
        while j > 0 and i - j < 3 and _is_mod(*tokens[j - 1]):
            # a body or person word ends the compound (工会|户外劳动者), unless the word it
            # would join is itself a head word (基层|工会, 社会化|工会|工作者)
            prev = tokens[j - 1][0]
            # a body or person word ends the compound (工会|户外劳动者), except right before a
            # bare head it qualifies (企业|工会, 农民工|子女, 社会化|工会|工作者)
            if _head(prev, GROUP_HEADS + ACTOR_HEADS) and not (j == i and w == head):
                break
            j -= 1
        while j < i and tokens[j][0] in _BAD_START:
            j += 1
        # a verb or adjective right before a word that already names the body is not part of the
        # name (调动|行业协会, 明晰|主管部门); before a bare head it is (培训|机构, 生产|企业)
        if j + 1 == i and tokens[j][1] in ("v", "vn", "a", "ad") and len(w) > len(head):
            j += 1
        if (
            w == "国务院"
            and i + 1 < len(tokens)
            and tokens[i + 1][1] in ("nt", "n", "j")
            and 1 < len(tokens[i + 1][0]) <= 5
            and tokens[i + 1][0].endswith(ORGAN_SUFFIX)
        ):
            # 国务院|国资委: a body under the State Council
            yield offs[i], w + tokens[i + 1][0], "ACTOR", "prefix:国务院"
        name = "".join(t for t, _ in tokens[j : i + 1])
        if len(name) > 14 or name.endswith(NOT_A_BODY):
            continue
        rule = "head:" + head if j < i or len(w) > len(head) else "head-alone"
        yield offs[j], name, typ, rule + (":weak" if weak else "")


# after a quoted name: more quoted names of the same list (“公益投放”和“惠民回收”服务)
_MORE_QUOTED = re.compile(r"(?:[、和及与或]?“[^“”]{1,24}”)*(?:[、和及与或]|等)?")


def _one_line(name: str) -> str:
    # a name broken over lines by the layout (PDF, table cells) is one name
    return re.sub(r"\s+", "", name)


def _programme_evidence(name: str, after: str) -> bool:
    """Does the quoted ``name`` name a programme? Its own last word says so (“光盘行动”), or the
    word after the quote (“东数西算”工程); a slogan, a principle or a concept has neither
    (“以需定供”的, “人民城市”重要理念, “一带一心一城”重点地区)."""
    if name.endswith(PROGRAMME_ENDS):
        return True
    more = _MORE_QUOTED.match(after)  # matches the empty string at least
    rest = after[more.end() :] if more else after
    return rest.startswith(PROGRAMME_NEXT)


def _quoted(text: str):
    for m in _QUOTE.finditer(text):
        name = _one_line(m.group(1))
        after = text[m.end() : m.end() + 80]
        if _PLAN_NUMBER.match(name) or after.startswith(("期间", "时期", "末", "字")):
            continue
        if len(name) <= 4 and re.search(r"[一二两三四五六七八九十]", name):
            continue  # a numbered slogan or abbreviation (“两癌”, “九二共识”, “小三级”), not a programme
        if re.search(r"[、，,；;]", name) and not name.endswith(PROGRAMME_ENDS):
            continue  # a list of requirements or a slogan of several clauses, not a name
        if not _programme_evidence(name, after):
            continue
        yield m.start(1), name, "PROGRAMME", "quoted"
    for m in _BOOK.finditer(text):
        name = _one_line(m.group(1))
        if _LAW_END.fullmatch(name):
            continue  # 《规划》 of 以下简称《规划》: the document's own short name, not a title
        typed = "LAW" if _LAW_END.search(_TITLE_TAIL.sub("", name)) else "PROGRAMME"
        yield m.start(1), name, typed, "book-title"


def candidates(doc, lex=None, known: set[str] | None = None) -> list[Candidate]:
    """Every pattern hit in the document's units, grouped by name (lexicon names included)."""
    words = tuple(lex.words()) if lex is not None else ()
    pos = _pos_tokenizer(words)
    found: dict[tuple[str, str], Candidate] = {}
    for u in doc.units():
        # a compound ends in a head word, and jieba cuts each block between punctuation on its
        # own: a block holding no head is never read by the rules, so it is not tagged
        toks = [(p.word, p.flag) for p in pos.cut_blocks(u.text, _head_blocks, HMM=HMM)]
        hits = list(_compounds(toks)) + list(_quoted(u.text))
        for start, name, typ, rule in hits:
            weak = rule.endswith(":weak")
            rule = rule.removesuffix(":weak")
            c = found.setdefault((typ, name), Candidate(name=name, type=typ, rule=rule))
            c.count += 1
            c.strong += 0 if weak else 1
            if c.rule.startswith("head") and not rule.startswith("head"):
                c.rule = rule
            if u.id not in c.units:
                c.units.append(u.id)
            if len(c.contexts) < 3:
                sent = next((s for s in u.sentences if s.start <= start < s.end), None)
                a, end = max(0, start - 12), start
                while end < len(u.text) and len(_one_line(u.text[start:end])) < len(name):
                    end += 1  # the name as written may hold line breaks (PDF, table cells)
                excerpt = _one_line(u.text[a : end + 12])
                c.contexts.append({"unit": u.id, "sentence": sent.id if sent else None, "text": excerpt})
    return sorted(found.values(), key=lambda c: (c.type, -c.count, c.name))


def _known(lex) -> set[str]:
    if lex is None:
        return set()
    return {s for e in lex.entries.values() for s in (e.name, *e.aliases, *e.related)}


def discover(doc, lex=None) -> list[dict]:
    """Names found by the rules and not in the lexicon, with their contexts."""
    if lex is None:
        from kb.extract.lexicon import load_lexicon

        lex = load_lexicon()
    known = _known(lex)
    # a stop phrase (数字政府, 法治政府: not a mention of 政府) is not a new body either
    stops = {phrase for phrase, _name in lex.stops}
    out = []
    for c in candidates(doc, lex):
        if c.name in known or c.name in stops or (c.rule == "head-alone" and c.name not in STANDALONE_HEADS):
            continue
        if _inside_known(c, known):
            continue
        if c.strong == 0 and c.count < 2:
            continue
        out.append(
            {
                "name": c.name,
                "type": c.type,
                "rule": c.rule,
                "count": c.count,
                "units": c.units,
                "broader": _nearest(lex, c.name, c.type),
                "contexts": c.contexts,
            }
        )
    return out


def _inside_known(c: Candidate, known: set[str]) -> bool:
    """Is every occurrence of the candidate part of a longer lexicon name written around it
    (直辖市人民政府 of 各省、自治区、直辖市人民政府)?"""
    longer = [k for k in known if c.name in k and k != c.name]
    return bool(longer) and all(any(k in ctx["text"] for k in longer) for ctx in c.contexts)


def _nearest(lex, name: str, typ: str) -> str | None:
    """The lexicon entity whose name ends the candidate (深度困难职工 -> 困难职工)."""
    best = None
    for e in lex.entries.values():
        if (
            e.type == typ
            and name.endswith(e.name)
            and name != e.name
            and (best is None or len(e.name) > len(best.name))
        ):
            best = e
    return best.id if best else None


def discovered_entities(kb, lex, found: dict[str, list[dict]] | None = None) -> list[Entity]:
    """Discovered names as entities flagged ``discovered`` (units only; they get no mentions,
    so that a guess never changes what `kb mentions` answers for a lexicon entity).
    ``found``: document id -> the :func:`document_names` already computed (in a build worker)."""
    items = (
        (d.id, found[d.id] if found is not None and d.id in found else document_names(d, lex)) for d in kb.documents
    )
    return merge_discovered(items, len(kb.documents) > 1)


def merge_discovered(items, multi: bool) -> list[Entity]:
    """The entities of each document's discovered names, (document id, names) in order."""
    merged: dict[str, Entity] = {}
    seen: dict[str, set[str]] = {}
    for doc_id, names in items:
        for c in names:
            eid = f"{c['type']}:{c['name']}"
            e = merged.setdefault(
                eid,
                Entity(
                    id=eid,
                    type=c["type"],
                    name=c["name"],
                    broader=[c["broader"]] if c["broader"] else [],
                    discovered=True,
                ),
            )
            have = seen.setdefault(eid, set())
            for u in c["units"]:
                uid = qualify(doc_id, u, multi)
                if uid not in have:
                    have.add(uid)
                    e.units.append(uid)
    return sorted(merged.values(), key=lambda e: e.id)


def document_names(doc, lex) -> list[dict]:
    """What :func:`discovered_entities` needs of one document (JSON-ready, for the build cache)."""
    return [
        {"type": c["type"], "name": c["name"], "broader": c["broader"], "units": list(c["units"])}
        for c in discover(doc, lex)
    ]

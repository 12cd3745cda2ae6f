"""The State, the centre and the Party named by a bare word (国家, 中央, 党; lexicon
``bareparties.tsv``) where the grammar makes it a party.

The words are far more often qualifiers (国家重点实验室, 中央环保督察, 党的二十大) or foreign
countries (主要国家, 沿线国家) than parties, so the lexicon cannot list them as names; a mention is
made only where one of them, a jieba word of its own not inside another mention and opening its
phrase (after a verb, a preposition or punctuation: not 非洲国家), is

- the agent of a relative clause: 按照国家公布的革命文物名录 (a verb + 的 after it);
- the agent of a verb closing the phrase: 文物保护整体通过国家验收， (not 国家考古遗址公园);
- a party of a joint action: 推进中央与地方共建 (与/和/同, one more party, a lexicon
  ``cooperation-word``);
- for the Party, the agent of 发挥…作用 (lexicon ``agent-marker``): 发挥党在文物工作中总揽全局…

PDF text breaks lines inside words: the words are read on the text without those breaks.
"""

from __future__ import annotations

import re
from functools import lru_cache

from kb.extract.jiebatok import plain_tagger
from kb.extract.lexicon import word_lists
from kb.extract.orgnames import compact

_END = re.compile(r"^(?:[，,。；;：:、）)]|$)")
_JOINT = ("与", "和", "同")
# the tags of a word that opens a phrase before a party: a verb, a preposition, punctuation
_OPENING = ("v", "p", "x", "d", "c")


@lru_cache(maxsize=1)
def _words():
    w = word_lists("bareparties")
    names = w.get("party-name", ())
    party = {p: names[0] for p in w.get("party-word", ())} if names else {}
    return {s: s for s in w.get("state-word", ())}, party


def _verb_alone(word: str) -> bool:
    got = list(plain_tagger().cut(word, HMM=False)) if word else []
    return len(got) == 1 and got[0].flag.startswith("v")


def _next(words: list[tuple[str, str]], i: int) -> str:
    return words[i + 1][0] if i + 1 < len(words) else ""


def _acts(words: list[tuple[str, str]], i: int, lex) -> bool:
    """Does the state word ``words[i]`` act by what follows it?"""
    nxt = words[i + 1 : i + 5]
    if not nxt:
        return False
    w1, f1 = nxt[0]
    rest = "".join(w for w, _ in nxt[1:])
    if f1.startswith("v") and f1 != "vn" and rest.startswith("的"):
        return True  # 国家公布的名录
    if f1.startswith("v") and _END.match(rest):
        return True  # 通过国家验收，
    # 中央与地方共建: the next party and a word of joint action
    return w1 in _JOINT and len(nxt) > 2 and nxt[2][0][:2] in lex.cooperation_words


@lru_cache(maxsize=1)
def _any_word() -> re.Pattern:
    state, party = _words()
    return re.compile("|".join(re.escape(w) for w in (*state, *party) if w) or "(?!)")


def _party_blocks(blocks: list[str]) -> list[bool]:
    """The blocks of a text (jieba's list, Chinese blocks at odd places) the rules read: those
    holding a party word, and the block after each (``_acts`` reads up to four words on, which
    reach past the punctuation only to the first word of the next block)."""
    keep = [False] * len(blocks)
    for i in range(1, len(blocks), 2):
        if _any_word().search(blocks[i]):
            keep[i] = True
            if i + 2 < len(blocks):
                keep[i + 2] = True
    return keep


def bare_party_mentions(text: str, mentions: list, sentence_of, lex) -> list:
    """Mentions of the State, the centre and the Party named by a bare word acting in ``text``."""
    from kb.model import Mention

    state, party = _words()
    if not (state or party) or not any(w in text for w in (*state, *party)):
        return []
    flat, where = compact(text)
    words = [(w.word, w.flag) for w in plain_tagger().cut_blocks(flat, _party_blocks, HMM=False)]
    covered = [(m.start, m.end) for m in mentions if m.entity.startswith("ACTOR:")]
    out, pos = [], 0
    for i, (w, _flag) in enumerate(words):
        at, pos = pos, pos + len(w)
        if w not in state and w not in party:
            head = next((x for x in state if w.startswith(x) and _verb_alone(w[len(x) :])), None)
            if head and i and words[i - 1][1].startswith(_OPENING) and _END.match(_next(words, i)):
                # jieba joins the agent and its verb into one noun (通过|国家验收|，)
                s, e = where[at], where[at + len(head) - 1] + 1
                if not any(a <= s and e <= b for a, b in covered):
                    out.append(
                        Mention(entity="ACTOR:" + state[head], text=text[s:e], sentence=sentence_of(s), start=s, end=e)
                    )
            continue
        prev = words[i - 1] if i else ("", "x")
        if w in state:
            ok = prev[1].startswith(_OPENING) and prev[0] != "等" and _acts(words, i, lex)
            eid = "ACTOR:" + state[w]
        else:
            ok = prev[0] in lex.agent_markers
            eid = "ACTOR:" + party[w]
        s, e = where[at], where[pos - 1] + 1
        if not ok or any(a <= s and e <= b for a, b in covered):
            continue
        out.append(Mention(entity=eid, text=text[s:e], sentence=sentence_of(s), start=s, end=e))
    return out

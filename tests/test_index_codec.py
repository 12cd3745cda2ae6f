"""The index's compact posting format (kb.index.codec) and posting pool (kb.index.pool): what
the index of the bundled plans holds is exactly what its units say, read back through whoosh."""

from __future__ import annotations

import random

import pytest

from kb.index.schema import END, _whoosh
from kb.index.textnorm import Normalizer, bigrams
from kb.index.write import write_index


@pytest.fixture(scope="module")
def seed_index(corpus_path, tmp_path_factory):
    from kb.model import KB
    from kb.parse.text import parse_file

    # the bundled plans, parsed only: the text fields need no extraction
    kb = KB(documents=[parse_file(p) for p in sorted(corpus_path.parent.glob("*.txt"))])
    folder = write_index(kb, tmp_path_factory.mktemp("codec") / "index")
    _whoosh()
    import whoosh.index

    ix = whoosh.index.open_dir(str(folder))
    yield kb, ix
    ix.close()


def _expected_positions(text: str) -> dict[str, list[int]]:
    from kb.index.rows import _t2s_table

    out: dict[str, list[int]] = {}
    for i, g in enumerate(bigrams(Normalizer(_t2s_table())(text) + END)):
        out.setdefault(g, []).append(i)
    return out


def test_bigram_positions_and_frequencies_read_back(seed_index):
    kb, ix = seed_index
    from kb.index.codec import CompactCodec

    units = {f"{d.id}/{u.id}": u for d in kb.documents for u in d.units()}
    with ix.searcher() as s:
        assert all(isinstance(seg.codec(), CompactCodec) for seg in ix._segments())
        stored = [s.stored_fields(d)["data"] for d in range(s.doc_count_all())]
        key_of = {d: f"{x['doc']}/{x['id']}" for d, x in enumerate(stored)}
        assert sorted(key_of.values()) == sorted(units)  # every unit's stored fields, read back
        assert all(x["text"] == units[key_of[d]].text for d, x in enumerate(stored))
        assert [f["data"] for f in s.all_stored_fields()] == stored  # in blocks of several units
        rng = random.Random(7)
        grams_of = {k: _expected_positions(u.text) for k, u in units.items()}
        sample = rng.sample(sorted(units), 25)
        checked = 0
        for key in sample:
            expected = grams_of[key]
            for gram in rng.sample(sorted(expected), min(8, len(expected))):
                m = s.reader().postings("bi", gram)
                found = {}
                while m.is_active():
                    found[key_of[m.id()]] = (m.value_as("positions"), m.value_as("frequency"), m.weight())
                    m.next()
                pos, freq, weight = found[key]
                assert pos == expected[gram]
                assert freq == len(expected[gram]) and weight == float(len(expected[gram]))
                # every unit holding the bigram is listed, and no other
                holders = {k for k, g in grams_of.items() if gram in g}
                assert set(found) == holders
                checked += 1
        assert checked > 100


def test_long_posting_lists_span_blocks(seed_index):
    """A bigram in more units than one block holds (128) is read back whole and in order."""
    kb, ix = seed_index
    with ix.searcher() as s:
        r = s.reader()
        common = max(r.iter_field("bi"), key=lambda t: t[1].doc_frequency())[0]
        ids = list(r.postings("bi", common).all_ids())
        assert len(ids) > 128
        assert ids == sorted(set(ids))
        assert len(ids) == r.doc_frequency("bi", common)


def test_term_table_answers_as_whoosh_reads_the_file(seed_index):
    """The term table kept per segment (kb.index.terms) answers every lookup, a missing term
    included, as whoosh's own W3 table reading the same file, and the same again when asked twice."""
    kb, ix = seed_index
    from whoosh.codec import whoosh3
    from whoosh.reading import TermNotFound

    from kb.index.terms import TermTable

    seg = ix._segments()[0]
    ours = seg.codec().terms_reader(ix.storage, seg)
    theirs = whoosh3.W3Codec.terms_reader(seg.codec(), ix.storage, seg)
    assert isinstance(ours, TermTable) and type(theirs) is whoosh3.W3TermsReader
    terms = [t for t, _ in zip(theirs.terms(), range(300))] + [("bi", "劳动".encode()), ("bi", b"\xff\xfe")]
    for _ in range(2):
        for field, tb in terms:
            try:
                want = (
                    theirs.doc_frequency(field, tb),
                    theirs.frequency(field, tb),
                    theirs.term_info(field, tb).extent(),
                )
            except KeyError:
                with pytest.raises(KeyError):
                    ours.doc_frequency(field, tb)
                with pytest.raises(KeyError):
                    ours.frequency(field, tb)
                with pytest.raises(TermNotFound):
                    ours.term_info(field, tb)
                continue
            assert (
                ours.doc_frequency(field, tb),
                ours.frequency(field, tb),
                ours.term_info(field, tb).extent(),
            ) == want
    ours.close()
    theirs.close()


def test_positions_wider_than_a_byte_and_a_short():
    from kb.index.blockformat import CompactPositions

    f = CompactPositions()
    for poslist in ([0], [3, 300], [1, 70_000, 70_001], list(range(0, 5_000_000, 99_991))):
        v = f.encode(poslist)
        assert f.decode_positions(v) == poslist
        assert f.decode_frequency(v) == len(poslist)


def test_positions_of_a_long_unit_read_back(corpus_path, tmp_path):
    """A plan written as one line is one paragraph of tens of thousands of bigrams: the positions
    of its repeated bigrams (gathered in one pass for a long unit, kb.index.pool) read back as
    counted here."""
    from kb.model import KB
    from kb.parse.text import parse_file

    line = tmp_path / "line.txt"
    line.write_text(corpus_path.read_text(encoding="utf-8").replace("\n", ""), encoding="utf-8")
    kb = KB(documents=[parse_file(line)])
    (unit,) = [u for d in kb.documents for u in d.units() if len(u.text) > 8_000]
    expected = _expected_positions(unit.text)
    repeated = sorted(g for g, at in expected.items() if len(at) > 1)
    assert len(repeated) > 100
    _whoosh()
    import whoosh.index

    ix = whoosh.index.open_dir(str(write_index(kb, tmp_path / "index")))
    with ix.searcher() as s:
        (docnum,) = [d for d in range(s.doc_count_all()) if s.stored_fields(d)["data"]["id"] == unit.id]
        for gram in random.Random(3).sample(repeated, 60):
            m = s.reader().postings("bi", gram)
            while m.id() != docnum:
                m.next()
            assert m.value_as("positions") == expected[gram]
    ix.close()


def test_block_score_frontier_gives_each_blocks_largest_score(seed_index):
    """Each block's header bounds its scores exactly: the largest score the frontier gives is
    the largest score of a posting in the block (the top-k skips blocks by it)."""
    from kb.index.postings import Engine

    _kb, ix = seed_index
    with ix.searcher() as s:
        e = Engine(s)
        checked = 0
        for field in ("bi", "words"):
            common = sorted(s.reader().iter_field(field), key=lambda t: -t[1].doc_frequency())[:20]
            for text, _info in common:
                word = text.decode("utf-8") if isinstance(text, bytes) else text
                tables = e._scorer(field, word)
                for p in e._postings(field, word):
                    lens = p.seg.lengths(field)
                    for i, top in enumerate(p.block_maxes(tables)):
                        ids, ws, _vs = p.block(i)
                        assert top == max(tables[w][lens[d]] for d, w in zip(ids, ws))
                        checked += 1
        assert checked > 40


def test_term_index_bytes_are_whooshs(seed_index):
    """The term index writer of kb.index.storage writes the file whoosh's OrderedHashWriter
    writes for the same keys (the bundled plans' bigram terms, with values of varied lengths)."""
    import io

    from whoosh.filedb.filetables import OrderedHashWriter
    from whoosh.filedb.structfile import StructFile

    from kb.index.storage import _fast_term_index

    _kb, ix = seed_index
    with ix.reader() as r:
        items = [(b"\0\1" + t, t * (i % 7)) for i, t in enumerate(r.lexicon("bi"))]
    assert len(items) > 1000
    out = []
    for fast in (False, True):
        buf = io.BytesIO()
        f = StructFile(buf)
        f.close = lambda: None  # keep the bytes readable after the writer closes its file
        w = OrderedHashWriter(f)
        if fast:
            _fast_term_index(w)
            assert type(w) is not OrderedHashWriter
        for k, v in items:
            w.add(k, v)
        w.close()
        out.append(buf.getvalue())
    assert out[0] == out[1]


def test_term_blocks_read_whole_match_the_blocks_walked_in_the_file(seed_index):
    """A term's blocks read in one piece (kb.index.codec.TermBlocks) are the blocks whoosh's
    matcher walks through the postings file one by one: the same last docnums, score frontiers
    and postings, for terms of one block and of many, a positions field and a frequency field."""
    from kb.index.codec import TermBlocks, block_ids, read_block

    _kb, ix = seed_index
    with ix.searcher() as s:
        r = s.reader()
        multi = 0
        for field in ("bi", "words"):
            fmt = s.schema[field].format
            terms = sorted(r.iter_field(field), key=lambda t: -t[1].doc_frequency())
            for text, _info in terms[:15] + terms[-5:]:
                tb = TermBlocks(r._terms.postings_bytes(field, text))
                m = r.postings(field, text)
                walked = []
                while True:
                    walked.append((m._maxid, m.frontier, m._block()))
                    if m._lastblock:
                        break
                    m._goto(m._nextoffset)
                assert tb.his == [hi for hi, _f, _b in walked]
                assert list(tb.fronts) == [f for _h, f, _b in walked]
                for i, (_h, _f, (ids, ws, vs)) in enumerate(walked):
                    count = tb.spans[i][2]
                    got = read_block(tb.parts(i), count, fmt)
                    assert got[0] == ids == block_ids(tb.parts(i))
                    assert got[1] == ws and list(got[2]) == list(vs)
                multi += len(walked) > 1
        assert multi >= 10

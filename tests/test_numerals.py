"""Chinese numerals read without cn2an give cn2an's values."""

from __future__ import annotations

import itertools
import subprocess
import sys

from cn2an import cn2an

from kb.extract.numerals import _places, cn_value

DIGITS = "一二三四五六七八九"


def _numerals():
    """Every numeral of digits before places from the highest down (一千二百三十四, 五百, 六百七十),
    and every one of them with its last place dropped (一百二: 120 in cn2an's reading)."""
    for places in ("千百十", "百十"):
        for k in range(1, len(places) + 1):
            for ds in itertools.product(DIGITS, repeat=k + 1):
                yield "".join(d + p for d, p in zip(ds, places[:k])) + ds[k]
                yield "".join(d + p for d, p in zip(ds, places[:k]))


def test_numerals_read_by_places_equal_cn2an():
    read = 0
    for s in set(_numerals()) | {"一百零五", "两百", "三千零二十", "一万二千", "十五", "一百十"}:
        assert cn_value(s) == float(cn2an(s, "normal")), s
        read += _places(s) is not None
    assert read > 7000  # most of them without cn2an
    assert _places("一百二") is None and _places("两百") is None and _places("一千零五") is None


def test_a_numeral_read_by_places_imports_no_cn2an():
    code = "import sys; from kb.extract.numerals import cn_value; print(cn_value('三千五百'), 'cn2an' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["3500.0", "False"]

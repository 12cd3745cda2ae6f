"""From raw bytes to the normalized text the parser reads, with a map back to source lines.

What changes: the encoding is decoded (UTF-8 with or without BOM, UTF-16 with BOM, GB18030/GBK, Big5),
line ends become LF, layout noise markers such as ``（上接第2版）`` are removed, and paragraphs
broken in mid-sentence by a page or column break are joined (the blank lines between the two
pieces are dropped), and a plan written in traditional characters (a 繁體 page of a government site,
a mirror) is converted to simplified ones, character for character, so that the parser's and the
extractor's patterns and the lexicon, all written in simplified characters, apply to it. Nothing
else: the plan's own punctuation and digits stay as written, so every stored text is a substring
of the source apart from those four edits.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import re
from dataclasses import dataclass, field

from kb.errors import KBError

# （上接第2版） （下转第3版） （紧接第1版） (接第2版) 【上接第二版】
NOISE_RE = re.compile(
    r"[（(【\[]\s*(?:上接|下转|紧接|转接|接|转)\s*第?\s*[0-9０-９一二三四五六七八九十百]+\s*版\s*[）)】\]]"
)

# a line that closes a sentence or is a heading-like fragment; used to spot mid-sentence breaks
_TERMINAL = set("。！？；;!?：:…”’」』）)》】")

# structural starts: the parser's own patterns are stricter; here we only need "is this line the
# start of something new", so that a page-break join never swallows a heading, task or table row
_STRUCT_START = re.compile(
    r"^\s*(?:"
    r"第[一二三四五六七八九十百零〇两0-9０-９]+[篇章节部]"
    r"|[一二三四五六七八九十百零〇]+[、．.]"
    r"|[（(][一二三四五六七八九十百零〇0-9０-９]+[）)]"
    r"|[0-9０-９]{1,3}\s*[.．、](?![0-9０-９])"
    r"|具体指标"
    r")"
)


# a page or column break cuts a body paragraph, which is long or holds a full stop; a heading, a table cell or a title
# (one paragraph each in Word and web exports) that ends without punctuation is not a broken line
MIN_BROKEN_LINE = 50


@dataclass
class Join:
    """Two pieces of one paragraph rejoined across a page break."""

    offset: int  # offset in the normalized text where the second piece now starts
    line_before: int
    line_after: int
    before: str  # the last characters of the first piece
    after: str  # the first characters of the second piece


@dataclass
class NoiseRemoval:
    marker: str
    line: int


@dataclass
class Normalized:
    text: str
    encoding: str
    bom: bool = False
    crlf: int = 0  # CRLF or lone CR line ends converted
    noise: list[NoiseRemoval] = field(default_factory=list)
    joins: list[Join] = field(default_factory=list)
    sha256: str = ""  # of the source bytes, when read from a file
    t2s: int = 0  # traditional characters converted to simplified ones
    # (offset in text, source line) at the start of each source line's surviving content
    _starts: list[int] = field(default_factory=list, repr=False)
    _lines: list[int] = field(default_factory=list, repr=False)

    def line_of(self, offset: int) -> int:
        """The 1-based source line of a normalized-text offset."""
        if not self._starts:
            return 1
        i = bisect.bisect_right(self._starts, offset) - 1
        return self._lines[max(i, 0)]


def decode(raw: bytes, name: str = "input") -> tuple[str, str, bool]:
    """Decode bytes to text; returns (text, encoding name, had a BOM). Raises KBError."""
    if not raw:
        raise KBError(f"{name}: empty file")
    if raw.startswith(b"%PDF-"):
        raise KBError(f"{name}: this is a PDF, not a text file (convert it to UTF-8 text first)")
    if raw.startswith(b"PK\x03\x04"):
        raise KBError(f"{name}: this is a ZIP/DOCX/XLSX file, not plain text (save it as UTF-8 text first)")
    if raw.startswith(b"\xef\xbb\xbf"):
        try:
            text, enc, bom = raw[3:].decode("utf-8"), "utf-8", True
        except UnicodeDecodeError:
            raise KBError(f"{name}: starts with a UTF-8 BOM but is not valid UTF-8") from None
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text, enc, bom = raw.decode("utf-16"), "utf-16", True
        except UnicodeDecodeError:
            raise KBError(f"{name}: starts with a UTF-16 BOM but is not valid UTF-16") from None
    else:
        bom = False
        if b"\x00" in raw:
            found = _utf16_without_bom(raw)
            if found is None:
                raise KBError(f"{name}: binary file (contains NUL bytes), not a plan text")
            text, enc = found
            return text, enc, bom
        if _utf8_ok(raw):
            text, enc = raw.decode("utf-8"), "utf-8"
        else:
            text, enc = _decode_chinese(raw, name)
    if "\x00" in text:
        raise KBError(f"{name}: binary file (contains NUL characters), not a plan text")
    controls = sum(1 for c in text[:20000] if ord(c) < 32 and c not in "\t\n\r\f\v")
    if controls > 0.01 * min(len(text), 20000) + 2:
        raise KBError(f"{name}: binary file ({controls} control characters), not a plan text")
    if not text.strip():
        raise KBError(f"{name}: no text (only white space)")
    return text, enc, bom


# the most frequent characters of Chinese prose that are written alike in both scripts: about one
# character in ten of a real plan is one of them, whichever script and encoding it uses, while
# text decoded with the wrong code page hits them by chance only (about one in a thousand)
_FREQUENT = frozenset("的一是在不了有人中大上和以出要地就年成可主其等作工方全力提高建和自行法定")


def _frequent_share(text: str) -> float:
    sample = text[:50000]
    han = sum(1 for c in sample if "\u4e00" <= c <= "\u9fff")
    return sum(1 for c in sample if c in _FREQUENT) / han if han else 0.0


def _decode_chinese(raw: bytes, name: str) -> tuple[str, str]:
    """Bytes that are not UTF-8: GB18030/GBK (simplified, mainland) or Big5 (traditional, Taiwan
    and Hong Kong). Most Big5 byte pairs are also valid GBK, so a Big5 file decodes as GBK
    without an error, into garbage; the two readings are told apart by how much of each reads as
    common Chinese."""
    candidates: list[tuple[str, str]] = []
    try:
        gb = raw.decode("gb18030")
        try:
            raw.decode("gbk")
            candidates.append((gb, "gbk"))
        except UnicodeDecodeError:
            candidates.append((gb, "gb18030"))
    except UnicodeDecodeError:
        pass
    for codec, label in (("cp950", "big5"), ("big5hkscs", "big5-hkscs")):
        try:
            candidates.append((raw.decode(codec), label))
            break
        except UnicodeDecodeError:
            continue
    if not candidates:
        raise KBError(f"{name}: not UTF-8, UTF-16, GB18030/GBK or Big5 text") from None
    if len(candidates) == 1:
        return candidates[0]
    scored = [(_frequent_share(t), -i, t, e) for i, (t, e) in enumerate(candidates)]
    best = max(scored)
    return best[2], best[3]


def _plain_char(c: str) -> bool:
    o = ord(c)
    return (
        32 <= o < 127
        or c in "\t\n\r"
        or 0x4E00 <= o <= 0x9FFF
        or 0x3000 <= o <= 0x303F
        or 0xFF00 <= o <= 0xFFEF
        or 0x2000 <= o <= 0x206F
        or o in (0xB7, 0xD7)
    )


def _utf16_without_bom(raw: bytes):
    """UTF-16 saved without a byte-order mark (some Windows tools): accepted when one byte order
    decodes to text that is almost all Chinese, ASCII and their punctuation. Random binary data
    decodes to scattered code points and is still refused."""
    if len(raw) % 2:
        return None
    for enc in ("utf-16-le", "utf-16-be"):
        try:
            text = raw.decode(enc)
        except UnicodeDecodeError:
            continue
        sample = text[:20000]
        if sample and "\x00" not in text and sum(map(_plain_char, sample)) >= 0.95 * len(sample):
            return text, f"{enc} (no BOM)"
    return None


def _utf8_ok(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def normalize_text(text: str, encoding: str = "utf-8", bom: bool = False) -> Normalized:
    """Normalize decoded text: line ends, noise markers, page-break joins."""
    crlf = text.count("\r")
    if crlf:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.startswith("\ufeff"):
        text, bom = text[1:], True
    text, t2s = to_simplified(text)
    src_lines = text.split("\n")
    noise: list[NoiseRemoval] = []
    lines: list[str] = []
    for i, line in enumerate(src_lines, 1):
        if NOISE_RE.search(line):
            noise.extend(NoiseRemoval(m.group(0), i) for m in NOISE_RE.finditer(line))
            line = NOISE_RE.sub("", line)
        lines.append(line)

    # assemble, joining a body line that stops mid-sentence with the next non-blank line when
    # that line does not start a new structural element
    out: list[str] = []
    starts: list[int] = []
    line_nos: list[int] = []
    joins: list[Join] = []
    pos = 0
    i = 0
    n = len(lines)
    while i < n:
        line = lines[i]
        starts.append(pos)
        line_nos.append(i + 1)
        out.append(line)
        pos += len(line)
        j = i + 1
        while j < n and not lines[j].strip():
            j += 1
        if (
            j < n
            and j > i + 1
            and (len(line.strip()) >= MIN_BROKEN_LINE or "。" in line or _unclosed(line))
            and _breaks_mid_sentence(line)
            and not _STRUCT_START.match(lines[j])
            and not _is_table_line(lines[j])
        ):
            joins.append(
                Join(offset=pos, line_before=i + 1, line_after=j + 1, before=line.rstrip()[-8:], after=lines[j][:8])
            )
            i = j
            continue
        if i < n - 1:
            out.append("\n")
            pos += 1
        i += 1
    norm = Normalized(text="".join(out), encoding=encoding, bom=bom, crlf=crlf, noise=noise, joins=joins, t2s=t2s)
    norm._starts, norm._lines = starts, line_nos
    return norm


# A plan counts as written in traditional characters when this share of its CJK characters
# changes under OpenCC's t2s: 0 on every simplified plan of the corpus, about a third on a
# traditional one; the margin keeps a simplified plan that quotes a traditional name as it is.
TRADITIONAL_SHARE = 0.05


@functools.lru_cache(maxsize=1)
def _t2s():
    import opencc  # only here: the query side never normalizes a file

    return opencc.OpenCC("t2s")


_CJK_RUN = re.compile("[\u4e00-\u9fff]+")


def to_simplified(text: str) -> tuple[str, int]:
    """``text`` in simplified characters if it is written in traditional ones, with the number of
    characters changed; else ``text`` unchanged and 0. OpenCC converts by phrase (顯著 -> 显著, not
    显着) and t2s keeps the length; a line whose length would change is converted character by
    character, so offsets and source lines still line up."""
    cjk = sum(map(len, _CJK_RUN.findall(text)))
    if not cjk:
        return text, 0
    conv = _t2s()
    lines = []
    for line in text.split("\n"):
        new = conv.convert(line)
        lines.append(new if len(new) == len(line) else "".join(conv.convert(c)[:1] or c for c in line))
    out = "\n".join(lines)
    # (a plan in simplified characters comes back as it was: no character to compare)
    changed = 0 if out == text else sum(1 for a, b in zip(text, out) if a != b)
    if changed < TRADITIONAL_SHARE * cjk:
        return text, 0
    return out, changed


def _unclosed(line: str) -> bool:
    """A quote or bracket opened and not closed: the line surely goes on after the break."""
    return any(line.count(a) > line.count(b) for a, b in ("“”", "（）", "《》", "「」"))


def _is_table_line(line: str) -> bool:
    return "\t" in line.strip()


def _breaks_mid_sentence(line: str) -> bool:
    """A body line that stops where no sentence can end: no final punctuation, and it reads as
    prose (it has clause punctuation), so a short title line is never glued to what follows."""
    s = line.rstrip()
    if not s or s[-1] in _TERMINAL:
        return False
    if "\t" in s and not re.match(r"^\s*[0-9０-９]{1,3}\s*[.．]", s):
        return False  # a table title or header line
    if s.endswith("指标"):
        return False
    if _STRUCT_START.match(s) and not re.match(r"^\s*[0-9０-９]{1,3}\s*[.．、](?![0-9０-９])", s):
        return False  # a chapter or section heading never continues on the next paragraph
    if s.count("“") > s.count("”") or s.count("《") > s.count("》"):
        return True  # a quote left open at the end of a paragraph: the break cut it
    return len(s) >= 12 and any(c in s for c in "。，,；;、")


DEFAULT_MAX_FILE_MB = 8


def max_file_bytes() -> int:
    """The largest corpus file accepted. One plan is 10–200 k characters; a file of tens of MB
    is a concatenation or not a plan at all, and would take minutes to process as one document."""
    import math
    import os

    raw = os.environ.get("KB_MAX_FILE_MB")
    if raw is None or not raw.strip():
        return DEFAULT_MAX_FILE_MB * 2**20
    try:
        mb = float(raw)
    except ValueError:
        raise KBError(f"KB_MAX_FILE_MB={raw!r} is not a number") from None
    if not math.isfinite(mb) or mb <= 0 or mb > 2**20:
        raise KBError(f"KB_MAX_FILE_MB={raw!r} must be a number of megabytes between 0 and 1048576")
    return int(mb * 2**20)


def _too_big(p, size: int, limit: int) -> KBError:
    return KBError(
        f"{p}: {size / 2**20:.1f} MB is more than the {limit / 2**20:.0f} MB allowed for one plan "
        f"(a plan is usually well under 1 MB); split it, or set KB_MAX_FILE_MB"
    )


def check_input_file(path, limit: int | None = None) -> int:
    """Refuse, before reading a byte, what is not a regular file (a folder, a FIFO, a device,
    a link to /dev/zero) or is larger than the limit. Returns the limit (for the next call)."""
    import os
    import stat

    if limit is None:
        limit = max_file_bytes()
    try:
        st = os.stat(path)  # follows links: the target is what would be read
    except FileNotFoundError:
        raise KBError(f"{path}: no such file or folder") from None
    except OSError as e:
        raise KBError(f"{path}: cannot read ({e.strerror})") from None
    if stat.S_ISDIR(st.st_mode):
        raise KBError(f"{path}: is a folder, not a file")
    if not stat.S_ISREG(st.st_mode):
        raise KBError(f"{path}: not a regular file (a device, pipe or socket); give a plan text file")
    if st.st_size > limit:
        raise _too_big(path, st.st_size, limit)
    return limit


def read_capped(path, limit: int | None = None) -> bytes:
    """The bytes of a checked corpus file, reading at most ``limit + 1`` bytes (a file that grew
    or was swapped after the check is still refused without being read whole)."""
    import os

    limit = check_input_file(path, limit)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        raise KBError(f"{path}: no such file (was it removed during the build?)") from None
    except OSError as e:
        raise KBError(f"{path}: cannot read ({e.strerror})") from None
    try:
        import stat

        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise KBError(f"{path}: not a regular file (a device, pipe or socket); give a plan text file")
        chunks, got = [], 0
        while got <= limit:
            b = os.read(fd, min(1 << 20, limit + 1 - got))
            if not b:
                break
            chunks.append(b)
            got += len(b)
    except OSError as e:
        raise KBError(f"{path}: cannot read ({e.strerror})") from None
    finally:
        os.close(fd)
    if got > limit:
        raise _too_big(path, got, limit)
    return b"".join(chunks)


def read_file(path) -> Normalized:
    """Read and normalize one corpus file; every failure is a KBError with the file's name."""
    from pathlib import Path

    p = Path(path)
    raw = read_capped(p)
    text, enc, bom = decode(raw, str(p))
    norm = normalize_text(text, enc, bom)
    norm.sha256 = hashlib.sha256(raw).hexdigest()  # of the very bytes parsed (one read)
    return norm

"""What the importers share: the result type, the file checks, line assembly, metadata spotting."""

from __future__ import annotations

import re
import stat
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from kb.errors import KBError
from kb.parse.normalize import max_file_bytes


@dataclass
class Imported:
    text: str
    meta: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    format: str = ""


def check_file(path) -> Path:
    """A regular, non-empty file within the size limit — checked before a byte is read."""
    p = Path(path)
    try:
        st = p.stat()
    except FileNotFoundError:
        raise KBError(f"{p}: no such file") from None
    except OSError as e:
        raise KBError(f"{p}: cannot read ({e.strerror})") from None
    if stat.S_ISDIR(st.st_mode):
        raise KBError(f"{p}: is a folder, not a file")
    if not stat.S_ISREG(st.st_mode):
        raise KBError(f"{p}: not a regular file")
    limit = max_file_bytes()
    if st.st_size > limit:
        raise KBError(
            f"{p}: {st.st_size / 2**20:.1f} MB is more than the {limit / 2**20:.0f} MB allowed "
            f"for one plan; split it, or set KB_MAX_FILE_MB"
        )
    if st.st_size == 0:
        raise KBError(f"{p}: empty file")
    return p


def read_bytes(p: Path) -> bytes:
    try:
        return p.read_bytes()
    except OSError as e:
        raise KBError(f"{p}: cannot read ({e.strerror})") from None


# --- characters ---------------------------------------------------------------------------------

# Radicals (Kangxi U+2F00–U+2FD5, CJK Radicals Supplement U+2E80–U+2EFF) that PDF producers
# (Chromium with Noto CJK among them) put in the ToUnicode map for a glyph the font shares with a
# unified ideograph: ⼀ for 一, ⻓ for 长, ⼾ for 户 … Each maps to the ideograph drawn with the same
# glyph in Noto Sans/Serif CJK SC (the GB2312 one when several are), else to its NFKC form.
_RADICALS_FROM = (
    "⺂⺃⺅⺉⺋⺎⺏⺐⺒⺓⺔⺕⺖⺘⺙⺛⺞⺟⺠⺡⺣⺤⺦⺨⺫⺭⺯⺰⺱⺲⺳⺹⺺⺾⻁⻂⻃⻅⻆⻈⻉⻋⻌⻐⻑⻒⻓⻔⻖⻘⻙⻚⻛⻜⻝⻟⻠⻢⻣⻤"
    "⻥⻦⻧⻨⻩⻪⻫⻬⻮⻯⻰⻱⻲⻳⼀⼁⼂⼃⼄⼅⼆⼇⼈⼉⼊⼋⼌⼍⼎⼏⼐⼑⼒⼓⼔⼕⼖⼗⼘⼙⼚⼛⼜⼝⼞⼟⼠⼡⼢⼣⼤⼥⼦⼧⼨⼩⼪⼫⼬⼭"
    "⼮⼯⼰⼱⼲⼳⼴⼵⼶⼷⼸⼹⼺⼻⼼⼽⼾⼿⽀⽁⽂⽃⽄⽅⽆⽇⽈⽉⽊⽋⽌⽍⽎⽏⽐⽑⽒⽓⽔⽕⽖⽗⽘⽙⽚⽛⽜⽝⽞⽟⽠⽡⽢⽣⽤⽥⽦⽧⽨⽩"
    "⽪⽫⽬⽭⽮⽯⽰⽱⽲⽳⽴⽵⽶⽷⽸⽹⽺⽻⽼⽽⽾⽿⾀⾁⾂⾃⾄⾅⾆⾇⾈⾉⾊⾋⾌⾍⾎⾏⾐⾑⾒⾓⾔⾕⾖⾗⾘⾙⾚⾛⾜⾝⾞⾟⾠⾡⾢⾣⾤⾥"
    "⾦⾧⾨⾩⾪⾫⾬⾭⾮⾯⾰⾱⾲⾳⾴⾵⾶⾷⾸⾹⾺⾻⾼⾽⾾⾿⿀⿁⿂⿃⿄⿅⿆⿇⿈⿉⿊⿋⿌⿍⿎⿏⿐⿑⿒⿓⿔⿕"
)
_RADICALS_TO = (
    "乛乚亻刂㔾兀尣尢巳幺彑彐忄扌攵旡歺母民氵灬爫丬犭罒礻糹纟罓罒㓁耂肀艹虎衤覀见角讠贝车辶钅長镸长门阝青韦页风飞食飠饣马骨鬼"
    "鱼鸟卤麦黄黾斉齐齿竜龙龜亀龟一丨丶丿乙亅二亠人儿入八冂冖冫几凵刀力勹匕匚匸十卜卩厂厶又口囗土士夂夊夕大女子宀寸小尢尸屮山"
    "巛工己巾干幺广廴廾弋弓彐彡彳心戈户手支攴文斗斤方无日曰月木欠止歹殳毋比毛氏气水火爪父爻爿片牙牛犬玄玉瓜瓦甘生用田疋疒癶白"
    "皮皿目矛矢石示禸禾穴立竹米糸缶网羊羽老而耒耳聿肉臣自至臼舌舛舟艮色艸虍虫血行衣襾見角言谷豆豕豸貝赤走足身車辛辰辵邑酉釆里"
    "金長門阜隶隹雨靑非面革韋韭音頁風飛食首香馬骨高髟鬥鬯鬲鬼魚鳥鹵鹿麥麻黃黍黑黹黽鼎鼓鼠鼻齊齒龍龜龠"
)
_CJK_FIX: dict[int, str | None] = {ord(a): b for a, b in zip(_RADICALS_FROM, _RADICALS_TO)}
for _cp in list(range(0xF900, 0xFADA)) + list(range(0xFB00, 0xFB07)):  # compatibility ideographs, ligatures
    _n = unicodedata.normalize("NFKC", chr(_cp))
    if _n != chr(_cp):
        _CJK_FIX[_cp] = _n
_CJK_FIX.update(
    {0x00A0: " ", 0x200B: None, 0xFEFF: None, 0x00AD: None, 0x2028: "\n", 0x2029: "\n", 0x2015: "\u2014"}
)  # ― drawn by the glyph of — (破折号)

_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u2000-\u200a\u202f\u205f]+")


def fix_chars(s: str) -> str:
    """Radicals and compatibility ideographs → the ideographs meant; zero-width marks dropped.
    Full-width punctuation and digits are left as they are."""
    return s.translate(_CJK_FIX)


def clean_line(s: str) -> str:
    """One output line: no TAB or newline inside, runs of spaces collapsed, ends trimmed
    (an ideographic space U+3000 used as indentation included)."""
    s = _SPACES.sub(" ", fix_chars(s).replace("\n", " "))
    return s.strip(" \u3000")


def is_cjk(c: str) -> bool:
    o = ord(c)
    return 0x3400 <= o <= 0x9FFF or 0x3000 <= o <= 0x303F or 0xFF00 <= o <= 0xFFEF or 0x20000 <= o <= 0x2FFFF


def join_wrapped(a: str, b: str) -> str:
    """Join two pieces of a line broken by layout: no space between CJK, one between words."""
    if not a:
        return b
    if not b:
        return a
    if a[-1].isascii() and a[-1].isalnum() and b[0].isascii() and b[0].isalnum():
        return a + " " + b
    if a[-1] in ",;:" and b[0].isascii():
        return a + " " + b
    return a + b


def cjk_count(s: str) -> int:
    return sum(1 for c in s if "\u4e00" <= c <= "\u9fff")


# --- output assembly ----------------------------------------------------------------------------


class Blocks:
    """Collects paragraphs and tables in document order and renders ``Imported.text``."""

    def __init__(self):
        self.blocks: list[list[str]] = []
        self.tables = 0
        self.table_rows = 0

    def para(self, text: str):
        for piece in text.split("\n"):
            line = clean_line(piece)
            if line:
                self.blocks.append([line])

    def table(self, rows: list[list[str]]):
        rows = [[clean_line(c) for c in r] for r in rows]
        rows = [r for r in rows if any(r)]
        if not rows:
            return
        width = max(len(r) for r in rows)
        out = []
        for r in rows:
            r = r + [""] * (width - len(r))
            out.append("\t".join(r))
        self.blocks.append(out)
        self.tables += 1
        self.table_rows += len(out)

    def text(self) -> str:
        return "\n\n".join("\n".join(b) for b in self.blocks) + ("\n" if self.blocks else "")

    def lines(self) -> list[str]:
        return [ln for b in self.blocks for ln in b]


def is_single_column(rows: list[list[str]]) -> bool:
    """A one-cell (or one-column) table: a 专栏 box or a framed note, read as paragraphs."""
    return bool(rows) and all(sum(1 for c in r if c.strip()) <= 1 and len(r) <= 1 for r in rows)


# --- headings -----------------------------------------------------------------------------------

CN_NUM = "一二三四五六七八九十百零〇两"
HEADING_START = re.compile(
    r"^\s*(?:"
    r"第[一二三四五六七八九十百零〇两0-9０-９]+[篇章节部编](?:分)?"
    r"|[一二三四五六七八九十百零〇]+\s*[、．.]"
    r"|[（(][一二三四五六七八九十百零〇]+[）)]"
    r"|[（(][0-9０-９]{1,3}[）)]"
    r"|[0-9０-９]{1,3}\s*[.．、](?![0-9０-９])"
    r"|[①-⑳]"
    r"|专栏\s*[0-9０-９一二三四五六七八九十]+"
    r"|(?:附)?表\s*[0-9０-９一二三四五六七八九十]+(?:[-—.．][0-9０-９]+)?\s"
    r"|(?:附)?表\s*[0-9０-９]+[\u4e00-\u9fff]"
    r"|图\s*[0-9０-９]+"
    r"|附件\s*[0-9０-９一二三四五六七八九十]*\s*[:：]?"
    r"|——"
    r")"
)


def starts_heading(s: str) -> bool:
    return bool(HEADING_START.match(s))


# --- metadata -----------------------------------------------------------------------------------

DOC_NO = re.compile(r"[\u4e00-\u9fff]{1,12}[〔\[［(（]\s*(?:19|20)\d\d\s*[〕\]］)）]\s*第?\s*\d{1,4}\s*号")
DATE = re.compile(r"((?:19|20)\d\d)\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
DATE_ISO = re.compile(r"((?:19|20)\d\d)[-/.](\d{1,2})[-/.](\d{1,2})")
_CN_DIGIT = {c: i for i, c in enumerate("〇一二三四五六七八九")}
_CN_DIGIT["零"] = 0
DATE_CN = re.compile(r"([〇零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日")
_ISSUER_END = re.compile(r"(?:人民政府|政府办公室|办公厅|办公室|委员会|[局厅部委院署会办处室]|中心|集团|公司)$")


def _cn_small(s: str) -> int:
    if s == "十":
        return 10
    if s.startswith("十"):
        return 10 + _CN_DIGIT.get(s[1], 0)
    if "十" in s:
        a, _, b = s.partition("十")
        return _CN_DIGIT.get(a, 0) * 10 + (_CN_DIGIT.get(b, 0) if b else 0)
    return _CN_DIGIT.get(s, 0)


def iso_date(s: str) -> str | None:
    m = DATE.search(s)
    if m:
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    else:
        m = DATE_CN.search(s)
        if m:
            y = int("".join(str(_CN_DIGIT[c]) for c in m.group(1)))
            mo, d = _cn_small(m.group(2)), _cn_small(m.group(3))
        else:
            m = DATE_ISO.search(s)
            if not m:
                return None
            y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if 1 <= mo <= 12 and 1 <= d <= 31:
        return f"{y:04d}-{mo:02d}-{d:02d}"
    return None


def doc_number(s: str) -> str | None:
    m = DOC_NO.search(s)
    if not m:
        return None
    return re.sub(r"\s+", "", m.group(0)).replace("[", "〔").replace("]", "〕")


def guess_meta(lines: list[str], meta: dict | None = None) -> dict:
    """Fill what is missing in ``meta`` from the first lines of the text: the title (the first
    line that reads as one), the doc number, the signing date (a line that is only a date) and
    the issuer (the signature line above that date, or the organ before 关于 in the title)."""
    meta = dict(meta or {})
    head = [ln for ln in lines[:60] if ln and "\t" not in ln]
    if not meta.get("doc_number"):
        for ln in head[:30]:
            dn = doc_number(ln)
            if dn and len(ln) <= len(dn) + 30:
                meta["doc_number"] = dn
                break
    if not meta.get("title"):
        for ln in head[:10]:
            if (
                4 <= len(ln) <= 100
                and ln[-1] not in "。；;：:，,"
                and not DOC_NO.fullmatch(ln)
                and not iso_date(ln) == ln
            ):
                meta["title"] = ln
                break
    date_i = None
    for i, ln in enumerate(lines[:200]):
        if ln and len(ln) <= 16 and (DATE.fullmatch(ln) or DATE_CN.fullmatch(ln)):
            date_i = i
            break
    if not meta.get("date") and date_i is not None:
        meta["date"] = iso_date(lines[date_i])
    if not meta.get("issuer"):
        title = meta.get("title") or ""
        m = re.match(r"^(.{2,40}?)(?:关于|印发|转发)", title)
        if m and _ISSUER_END.search(m.group(1)):
            meta["issuer"] = m.group(1)
        elif date_i is not None:
            prev = [ln for ln in lines[max(0, date_i - 3) : date_i] if ln]
            if prev and len(prev[-1]) <= 40 and _ISSUER_END.search(prev[-1]):
                meta["issuer"] = prev[-1]
    return {k: v for k, v in meta.items() if v}

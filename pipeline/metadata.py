"""Document metadata from the title and opening: jurisdiction, report type, years.

>>> parse_units("重庆市江津区")
['重庆市', '江津区']
>>> parse_units("内蒙古自治区呼伦贝尔市海拉尔区")
['内蒙古自治区', '呼伦贝尔市', '海拉尔区']
>>> normalize_years("一九九○年和１９９１年")
'1990年和1991年'
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from functools import cache

import regex

from pipeline.ingest.text import normalize_years
from pipeline.lexicon import load_lexicon
from pipeline.model import Document

_YEAR = regex.compile(r"(?<!\d)(19[4-9]\d|20\d\d)\s*年")
_DELIVERED = regex.compile(r"(?<!\d)(19[4-9]\d|20\d\d)\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日.{0,12}?(?:在|第|人民代表大会)")
_REVIEW_HEAD = regex.compile(r"(?m)^\s*[一二三四五六七八九十、（）()]*\s*(?<!\d)(19[4-9]\d|20\d\d)\s*年(?:国内)?(?:工作|计划执行情况|国民经济和社会发展计划执行情况)?的?(?:回顾|执行情况)|刚刚过去的\s*(19[4-9]\d|20\d\d)\s*年")
_CONGRESS = regex.compile(r"在?\s*(?P<name>[\p{Han}]{2,24}?)\s*第\s*[\p{Han}\d]{1,4}\s*届\s*人民代表大会")
# a unit ends at its suffix; 州 only when no 市 follows (杭州市 is one unit, not 杭州 + 市)
_UNIT = regex.compile(r"\p{Han}+?(?:特别行政区|自治区|自治州|自治县|自治旗|地区|省|市|区|县|旗|州(?!市)|盟)")


@cache
def _lex() -> dict[str, object]:
    return load_lexicon("jurisdictions")


def _provinces() -> dict[str, list[str]]:
    return _lex()["provinces"]  # type: ignore[return-value]


def parse_units(name: str) -> list[str]:
    """Split an administrative name into its units, province names taken whole."""
    out: list[str] = []
    rest = name
    for full, shorts in _provinces().items():
        for form in [full, *shorts]:
            if rest.startswith(form):
                out.append(full)
                rest = rest[len(form):]
                break
        if out:
            break
    out += _UNIT.findall(rest)
    return out


@dataclass
class Metadata:
    title: str | None
    jurisdiction: dict[str, str | None]
    report_type: str
    review_year: int | None
    plan_year: int | None
    delivered: str | None  # YYYY-MM-DD when the opening states it

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def find_title(doc: Document) -> str | None:
    """The first content line (within the first 8) that ends like a report title (…报告, …纲要); else None."""
    lines = [b.text for b in doc.blocks if b.content and b.kind != "table"][:8]
    for t in lines:
        if len(t) <= 80 and regex.search(r"(报告|纲要|决算|预算|草案)(\s*[（(][^）)]*[）)])?$", t) and not regex.search(r"[，。]", t):
            return t
    return None


def opening_text(doc: Document, limit: int = 3000) -> str:
    out: list[str] = []
    size = 0
    for b in doc.blocks:
        if not b.content or b.kind == "table":
            continue
        out.append(b.text)
        size += len(b.text)
        if size > limit:
            break
    return "\n".join(out)


def report_type(title: str, opening: str) -> str:
    for kind, pattern in _lex()["report_types"]:  # type: ignore[misc]
        if regex.search(pattern, title or ""):
            return str(kind)
    for kind, pattern in _lex()["report_types"]:  # type: ignore[misc]
        if regex.search(pattern, opening[:600]):
            return str(kind)
    return "other"


def find_jurisdiction(title: str, opening: str, full_text: str) -> dict[str, str | None]:
    name = None
    m = _CONGRESS.search(opening)
    if m and "全国" not in m.group("name"):
        name = regex.sub(r"^.*?(?:[\d\s]日|在)", "", m.group("name"))
    if not name or not parse_units(name):
        name = None
        for marker in _lex()["national_markers"]:  # type: ignore[union-attr]
            if regex.search(marker, opening):
                return {"name": "中华人民共和国", "parent": None, "level": "national"}
    if not name:
        for pat in (r"关于(\p{Han}{2,20}?)(?:\d{4}年|政府)", r"(?:\d{4}年)?(\p{Han}{2,20}?)(?:人民)?政府工作报告", r"(\p{Han}{2,20}?)人民政府"):
            m2 = regex.search(pat, normalize_years(title or "") + "\n" + opening)
            if m2 and parse_units(m2.group(1)):
                name = m2.group(1)
                break
    if not name:
        return {"name": None, "parent": None, "level": None}
    units = parse_units(name) or [name]
    own = units[-1]
    parent = units[-2] if len(units) > 1 else None
    provinces = _provinces()
    if own in provinces:
        return {"name": own, "parent": None, "level": "province"}
    if parent is None:
        parent = _find_parent(own, full_text)
    if own.endswith(("区", "县", "旗", "自治县", "自治旗")):
        level = "county"
    elif (parent and parent not in provinces) or regex.search(str(_lex()["county_city_hints"]), full_text):
        level = "county"  # a county-level city
    else:
        level = "city"
    return {"name": own, "parent": parent, "level": level}


def _find_parent(own: str, text: str) -> str | None:
    """The city a county belongs to: 'X市<own>' in the text, else the city mentioned most often that
    the text also names as a government (X市委, X市人民政府); None when neither is found.

    >>> _find_parent("海拉尔区", "呼伦贝尔市委、市政府。全市。呼伦贝尔市")
    '呼伦贝尔市'
    >>> _find_parent("晋江市", "我代表市人民政府。我代表市政府") is None
    True
    """
    not_place = regex.compile(str(_lex()["not_place"]))
    m = regex.search(rf"(\p{{Han}}{{2,4}}(?:市|盟|州|地区))\s*{regex.escape(own)}", text)
    if m:
        units = parse_units(m.group(1))
        if units and units[-1] != own and not not_place.search(units[-1]):
            return units[-1]
    counts: Counter[str] = Counter()
    for m3 in regex.finditer(r"(?<![\p{Han}])(\p{Han}{2,4}(?:市|盟))|(?<=[在与和对是为及、，。“])(\p{Han}{2,4}(?:市|盟))", text):
        cand = m3.group(1) or m3.group(2)
        if cand != own and not not_place.search(cand) and cand not in _provinces():
            counts[cand] += 1
    marks = str(_lex()["parent_marks"])
    for cand, n in counts.most_common(3):
        if n >= 2 and regex.search(rf"{regex.escape(cand)}{marks}", text):
            return cand
    return None


def _heading_years(doc: Document) -> tuple[int | None, int | None]:
    """(review year, plan year) named in level-1/2 headings: 一、2023年工作回顾 / 三、2011年的工作."""
    from pipeline.segment import heading_level

    review = plan = None
    for b in doc.blocks:
        if not b.content or b.kind == "table":
            continue
        level = heading_level(b.text, b.style)
        if level not in (1, 2) or len(b.text) > 60:
            continue
        t = _DIGIT_SPACES.sub("", normalize_years(b.text))
        years = [int(y) for y in _YEAR.findall(t)]
        if not years:
            continue
        if regex.search(r"回顾|执行情况|完成情况", t):
            review = review or years[0]
            if len(years) > 1 and years[-1] > years[0]:
                plan = plan or years[-1]
        elif not regex.search(r"以来|至|—|-|到", t):
            plan = plan or years[0]
    return review, plan


_DIGIT_SPACES = regex.compile(r"(?<=\d)\s+(?=\d|年)")


def _most_cited_year(text: str) -> int | None:
    """The year a report reviews, from how often years are cited.

    A five-year review cites its first and last years about equally often: among the years
    cited at least 60% as often as the most cited one, the latest wins.
    """
    counts = Counter(int(y) for y in _YEAR.findall(text))
    if not counts:
        return None
    top = counts.most_common(1)[0][1]
    return max(y for y, n in counts.items() if n >= 0.6 * top)


def find_years(doc: Document, title: str, opening: str, rtype: str) -> tuple[int | None, int | None, str | None]:
    """(review_year, plan_year, delivered) from the title, review/plan headings, the delivery date."""
    t = _DIGIT_SPACES.sub("", normalize_years(title or ""))
    o = _DIGIT_SPACES.sub("", normalize_years(opening))
    delivered = None
    dm = _DELIVERED.search(o)
    if dm:
        y, mo, d = int(dm.group(1)), int(dm.group(2)), int(dm.group(3))
        delivered = f"{y:04d}-{mo:02d}-{d:02d}"
    title_years = [int(y) for y in _YEAR.findall(t)]
    if rtype == "final_accounts":
        return (title_years[0] if title_years else None), None, delivered
    if rtype in ("plan_report", "budget_report") and len(title_years) >= 2:
        return title_years[0], title_years[-1], delivered
    review, plan = _heading_years(doc)
    if review is None and plan is None:
        if dm:
            plan = int(dm.group(1)) + (1 if int(dm.group(2)) >= 7 else 0)
        elif title_years:
            plan = title_years[0]
        else:
            rh = _REVIEW_HEAD.search(o)
            if rh:
                review = int(rh.group(1) or rh.group(2))
            else:
                review = _most_cited_year(_DIGIT_SPACES.sub("", normalize_years(doc.text)))
    if plan is None and review is not None:
        plan = review + 1
    if review is None and plan is not None:
        review = plan - 1
    return review, plan, delivered


def extract_metadata(doc: Document) -> Metadata:
    title = find_title(doc)
    opening = opening_text(doc)
    rtype = report_type(title or "", opening)
    jur = find_jurisdiction(title or "", opening, doc.text)
    review, plan, delivered = find_years(doc, title or "", opening, rtype)
    return Metadata(title, jur, rtype, review, plan, delivered)

"""Named projects with investment, capacity and milestones.

Two layouts:

* a box (专栏) row: a short name line ending like a project (…项目, …工程, …基地) followed by
  a description that starts with 投资50亿元, …, 2025年一期项目整体建成 — as a two-cell table
  row (.txt) or as two consecutive paragraphs (.docx/.pdf);
* prose: 总投资300亿的重庆先进机电装备和物流产业园项目落地开工; 渝昆高铁（渝宜段）开通运行.

>>> parse_description("投资50亿元，建设年产3GW钙钛矿太阳能电池组件项目，2025年一期项目建成")[0]
(Decimal('5000000000'), 'CNY', '投资50亿元')
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache

import regex

from pipeline.rx import rx

from pipeline.extract import Context, ProjectRecord, register
from pipeline.extract.numbers import find_quantities
from pipeline.lexicon import load_lexicon
from pipeline.model import Block

_MILESTONE = regex.compile(r"((?:19|20)\d\d)\s*年([^，,。；;]{2,40})")
_CAPACITY = regex.compile(r"年产(?:能)?[\d.]+\s*(?:万|亿)?\s*(?:GW|MW|吨|套|台|辆|件|平方米|千瓦|万千瓦|片|个)")


@cache
def _lex() -> dict[str, list[str]]:
    return load_lexicon("projects")  # type: ignore[return-value]


@cache
def _name_line() -> regex.Pattern[str]:
    suffixes = "|".join(map(regex.escape, _lex()["name_suffixes"]))
    return regex.compile(rf"^[\p{{Han}}A-Za-z0-9.．（）()“”+\-、·]{{4,50}}(?:{suffixes})(?:[（(][^）)]{{1,8}}[）)])?$")


@cache
def _prose_patterns() -> tuple[regex.Pattern[str], regex.Pattern[str]]:
    suffixes = "|".join(map(regex.escape, _lex()["name_suffixes"]))
    verbs = "|".join(map(regex.escape, _lex()["milestone_verbs"]))
    cues = "|".join(map(regex.escape, _lex()["investment_cues"]))
    invested = regex.compile(
        rf"(?P<inv>(?:{cues})[\d.]+\s*(?:万亿|亿|万)元?)的(?P<name>[\p{{Han}}A-Za-z0-9（）()“”]{{4,40}}(?:{suffixes}))(?P<ms>{verbs})?")
    # a milestone verb, then (searched backwards from it) a name that starts at a clause boundary
    named = regex.compile(rf"(?P<ms>{verbs})")
    return invested, named


@cache
def _listed() -> regex.Pattern[str]:
    verbs = "|".join(map(regex.escape, _lex()["milestone_verbs"]))
    return regex.compile(rf"{_lex()['list_close']}(?P<ms>{verbs})?")


_CLAUSE_START = regex.compile(r"[^，,。；;：:]{4,200}$")


def listed_projects(text: str) -> list[tuple[str, int, int, str | None]]:
    """Names listed before 等…项目: (name, start, end, milestone verb or None).

    >>> [n for n, *_ in listed_projects("城市大脑、李家湾隧道等60个项目建成投用")]
    ['城市大脑', '李家湾隧道']
    """
    out: list[tuple[str, int, int, str | None]] = []
    if "等" not in text:
        return out
    for m in _listed().finditer(text):  # find 等…项目, then the clause before it (scans the text once)
        lm = _CLAUSE_START.search(text, max(0, m.start() - 200), m.start())
        if lm is None:
            continue
        pos = lm.start()
        for piece in regex.split(r"(、)", lm.group(0)):
            if piece == "、":
                pos += 1
                continue
            name = clean_name(piece.strip("“”"))
            if name and "等" not in name and not rx(r"^\d").match(name):
                start = pos + piece.find(name) if name in piece else pos
                out.append((name, start, start + len(name), m.group("ms")))
            pos += len(piece)
    return out


@cache
def _framed() -> regex.Pattern[str]:
    lex = _lex()
    return regex.compile(rf"{lex['frame_lead']}(?P<list>[^，,。；;：:]{{4,120}}?)(?:等[\p{{Han}}]{{0,6}}?)?{lex['frame_close']}")


def framed_projects(text: str) -> list[tuple[str, int, int, str]]:
    """Names between a verb and the work: 加快推动支坪长江大桥、中梁山隧道、星岚大道等桥隧道路建设.

    >>> [n for n, *_ in framed_projects("加快推动支坪长江大桥、中梁山隧道、星岚大道等桥隧道路建设")]
    ['支坪长江大桥', '中梁山隧道', '星岚大道']
    """
    out: list[tuple[str, int, int, str]] = []
    ends = _name_end()
    for m in _framed().finditer(text):
        pos = m.start("list")
        for piece in regex.split(r"(、)", m.group("list")):
            name = clean_name(piece.strip("“”")) if piece != "、" else None
            if name and ends.search(name):
                start = pos + piece.find(name)
                out.append((name, start, start + len(name), m.group(0)[m.end("list") - m.start():]))
            pos += len(piece)
    return out


@cache
def _name_end() -> regex.Pattern[str]:
    suffixes = "|".join(map(regex.escape, _lex()["name_suffixes"]))
    return regex.compile(rf"(?:{suffixes})(?:[（(][\p{{Han}}]{{1,10}}[）)])?$")


@cache
def _name_before() -> regex.Pattern[str]:
    suffixes = "|".join(map(regex.escape, _lex()["name_suffixes"]))
    return regex.compile(rf"(?:^|[，,。；;、：:“])(?P<name>[\p{{Han}}A-Za-z0-9]{{2,24}}(?:{suffixes})(?:[（(][\p{{Han}}]{{1,10}}[）)])?)”?(?:相继|先后|均|已|正式|顺利|陆续)?$")


def clean_name(name: str) -> str | None:
    """Drop leading verbs and years; None for generic group names.

    >>> clean_name("推进永津高速公路"), clean_name("全区招商项目")
    ('永津高速公路', None)
    """
    name = rx(_lex()["lead_words"]).sub("", name)  # type: ignore[arg-type]
    if len(name) < 4 or rx(_lex()["generic_names"]).match(name):  # type: ignore[arg-type]
        return None
    return name


_MONEY_UNITS = {"CNY", "USD", "EUR", "JPY", "HKD"}


def parse_description(text: str) -> tuple[tuple[Decimal, str, str] | None, str | None, list[tuple[str, int | None]]]:
    """(investment, capacity, milestones) from a project description.

    The amount is read by the quantity grammar right after an investment word; an amount with 万/亿
    and no currency (总投资300亿) is yuan.

    >>> parse_description("投资1,200万元，建设厂房")[0], parse_description("总投资约12.5亿美元")[0][:2]
    ((Decimal('12000000'), 'CNY', '投资1,200万元'), (Decimal('1250000000'), 'USD'))
    >>> parse_description("投资5%，建设")[0] is None
    True
    """
    investment = None
    cue = rx("|".join(map(regex.escape, _lex()["investment_cues"]))).search(text)
    if cue:
        for q in find_quantities(text[cue.end():cue.end() + 24]):
            if q.span[0] > 4 or q.low is None:
                break  # the amount must follow the cue (投资约…, 总投资…)
            unit = q.unit if q.unit in _MONEY_UNITS else ("CNY" if q.unit is None and q.raw[-1:] in "万亿" else None)
            if unit:
                investment = (q.low, unit, text[cue.start():cue.end() + q.span[1]])
            break
    cap = _CAPACITY.search(text)
    milestones = [(f"{y}年{rest}", int(y)) for y, rest in _MILESTONE.findall(text)]
    return investment, cap.group(0) if cap else None, milestones


def merge_projects(records: list[ProjectRecord]) -> list[ProjectRecord]:
    """One record per project name: a record with an investment (a 专栏 row) takes the place of an
    earlier mention without one; milestones from every mention are kept once each."""
    by_name: dict[str, ProjectRecord] = {}
    for r in records:
        first = by_name.get(r.name)
        if first is None:
            by_name[r.name] = r
            continue
        keep, other = (r, first) if (r.investment and not first.investment) else (first, r)
        keep.milestones = list(dict.fromkeys(keep.milestones + other.milestones))
        keep.capacity = keep.capacity or other.capacity
        by_name[r.name] = keep
    return list(by_name.values())


def _record(name: str, desc: str, block: Block, section: str, start: int, end: int, table: int | None) -> ProjectRecord:
    inv, cap, ms = parse_description(desc)
    return ProjectRecord(name=name, investment=inv, capacity=cap, milestones=ms, text=f"{name}\t{desc}" if desc else name,
                         section=section, table=table, char_start=start, char_end=end, page=block.page,
                         extractor="projects.v1")


@register("projects.v1")
def extract_projects(ctx: Context) -> list[ProjectRecord]:
    out: list[ProjectRecord] = []
    blocks = [b for b in ctx.doc.blocks if b.content]
    t_index = -1
    seen: set[str] = set()
    table_of: dict[int, int] = {}
    for b in ctx.doc.blocks:
        if b.table is not None:
            t_index += 1
            table_of[b.index] = t_index
    for i, b in enumerate(blocks):
        sec = ctx.block_section.get(b.index)
        path = sec.path if sec else ""
        if b.table is not None:
            for row in b.table.rows:
                for cell in row[1:]:
                    for name, s0, e0, verb in listed_projects(cell.text):
                        if name not in seen:
                            seen.add(name)
                            out.append(ProjectRecord(name=name, investment=None, capacity=None,
                                                     milestones=[(verb, None)] if verb else [], text=cell.text,
                                                     section=path, table=table_of[b.index],
                                                     char_start=cell.char_start + s0, char_end=cell.char_start + e0,
                                                     page=b.page, extractor="projects.v1"))
                if len(row) >= 2 and _name_line().match(row[0].text) and row[1].text.startswith(tuple(_lex()["investment_cues"])):
                    seen.add(row[0].text)
                    out.append(_record(clean_name(row[0].text) or row[0].text, row[1].text, b, path, row[0].char_start, row[1].char_end, table_of[b.index]))
            continue
        nxt = blocks[i + 1] if i + 1 < len(blocks) else None
        if _name_line().match(b.text) and nxt is not None and nxt.table is None and nxt.text.startswith(tuple(_lex()["investment_cues"])):
            seen.add(b.text)
            out.append(_record(clean_name(b.text) or b.text, nxt.text, b, path, b.char_start, nxt.char_end, None))
            continue
        invested, named = _prose_patterns()
        invested_matches = list(invested.finditer(b.text))
        for m in invested_matches:
            name = clean_name(m.group("name"))
            if name is None or name in seen:
                continue
            seen.add(name)
            rec = _record(name, m.group("inv"), b, path, b.char_start + m.start(), b.char_start + m.end(), None)
            if m.group("ms"):
                rec.milestones.append((m.group("ms"), None))
            out.append(rec)
        for name, s0, e0, verb in listed_projects(b.text) + framed_projects(b.text):
            if name in seen:
                continue
            seen.add(name)
            out.append(ProjectRecord(name=name, investment=None, capacity=None, milestones=[(verb, None)] if verb else [],
                                     text=b.text[s0:e0], section=path, table=None, char_start=b.char_start + s0,
                                     char_end=b.char_start + e0, page=b.page, extractor="projects.v1"))
        taken = [(m.start(), m.end()) for m in invested_matches]
        for mv in named.finditer(b.text):
            end = mv.start()
            while True:  # A、B相继建成通车: the names listed before the verb, right to left
                m = _name_before().search(b.text, max(0, end - 40), end)
                if m is None:
                    break
                name = clean_name(m.group("name"))
                ok = not (name is None or name in seen or "等" in name or rx(r"\d+个").search(name)
                          or any(s < mv.end() and m.start() < e for s, e in taken))
                if ok and name:
                    seen.add(name)
                    out.append(ProjectRecord(name=name, investment=None, capacity=None,
                                             milestones=[(mv.group("ms"), None)],
                                             text=b.text[m.start("name"):mv.end()], section=path, table=None,
                                             char_start=b.char_start + m.start("name"), char_end=b.char_start + mv.end(),
                                             page=b.page, extractor="projects.v1"))
                if b.text[m.start():m.start() + 1] != "、":
                    break
                end = m.start()
    return merge_projects(out)

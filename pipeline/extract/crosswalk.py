"""The indicator crosswalk (pipeline/lexicon/indicators.yaml): names -> canonical ids.

>>> match_indicator("1.地区生产总值（GDP）增速")
('gdp_growth', '地区生产总值（GDP）增速')
>>> match_indicator("#农业增加值增速")
('agriculture_value_added_growth', '农业增加值增速')
>>> match_indicator("全年实现地区生产总值")
('gdp', '地区生产总值')
>>> match_indicator("新增停车场泊位") is None
True
>>> growth_of("gdp")
'gdp_growth'
"""

from __future__ import annotations

from functools import cache

import regex

from pipeline.lexicon import load_lexicon

_NUMBERING = regex.compile(r"^\s*(?:#|＃)?\s*(?:\d{1,2}\s*[.．、]|[（(]\d{1,2}[）)]|[一二三四五六七八九十]{1,2}、)?\s*(?:#|＃)?")


@cache
def crosswalk() -> dict[str, dict[str, object]]:
    return load_lexicon("indicators")  # type: ignore[return-value]


@cache
def alias_pattern() -> regex.Pattern[str]:
    """One alternation of every alias, longest first (so 地区生产总值增长 beats 地区生产总值)."""
    aliases = sorted({a for v in crosswalk().values() for a in v["aliases"]}, key=len, reverse=True)  # type: ignore[union-attr]
    return regex.compile("|".join(regex.escape(a) for a in aliases))


@cache
def alias_to_id() -> dict[str, str]:
    out: dict[str, str] = {}
    for key, v in crosswalk().items():
        for a in v["aliases"]:  # type: ignore[union-attr]
            out.setdefault(a, key)
    return out


def strip_numbering(name: str) -> str:
    """'1.地区生产总值（GDP）增速' -> '地区生产总值（GDP）增速'; '#农业增加值增速' -> '农业增加值增速'."""
    return _NUMBERING.sub("", name, count=1).strip()


def match_indicator(name: str) -> tuple[str, str] | None:
    """(indicator_id, alias) for the longest alias found in ``name``, or None."""
    best: tuple[str, str] | None = None
    for m in alias_pattern().finditer(strip_numbering(name), overlapped=True):
        alias = m.group(0)
        if best is None or len(alias) > len(best[1]):
            best = (alias_to_id()[alias], alias)
    return best


def growth_of(indicator_id: str) -> str | None:
    """The growth-rate id of a level id (gdp -> gdp_growth), if the crosswalk has one."""
    cand = f"{indicator_id}_growth"
    return cand if cand in crosswalk() else None


def level_of(indicator_id: str) -> str | None:
    """The level id of a growth id (gdp_growth -> gdp), if the crosswalk has one."""
    if indicator_id.endswith("_growth") and indicator_id[: -len("_growth")] in crosswalk():
        return indicator_id[: -len("_growth")]
    return None


def expected_unit(indicator_id: str | None) -> str | None:
    if indicator_id is None:
        return None
    return crosswalk().get(indicator_id, {}).get("unit")  # type: ignore[return-value]

r"""The quantity grammar: numbers, units, qualifiers, ranges and directions in Chinese report text.

Pure functions over a string; nothing here knows about indicators or documents. The grammar works on
characters, not on word segmentation, and is built once from the vocabularies in ``pipeline/lexicon``
(numerals, units, qualifiers, directions): one compiled ``regex`` pattern finds candidates left to right,
a little Python decides what they mean.

>>> q = parse_quantity("全区地区生产总值增长6%左右")
>>> q.low, q.high, q.unit, q.qualifier, q.direction, q.raw
(Decimal('6'), Decimal('6'), 'percent', 'about', 1, '6%左右')
>>> [(decimal_to_str(q.low), q.unit) for q in find_quantities("粮食产量64.5万吨、外商直接投资4762万美元")]
[('645000', 'ton'), ('47620000', 'USD')]

Design decisions the extractors rely on:

* ``span``/``raw`` cover prefix qualifier, number, multiplier, unit, range and suffix qualifier
  (``控制在4.6%以内``) but NOT the direction word: ``增长6%`` has raw ``6%`` and direction_raw ``增长``, so
  the text before ``span[0]`` still reads ``…增长`` for indicator matching.
* Values are in base units (``1.2万亿元`` -> 1200000000000 CNY) and signed by direction: ``下降3.5个百分点``
  -> -3.5 percentage_point. ``[low, high]`` is always the set of signed values the text allows, so for a
  decrease the bounds swap: ``下降3%—5%`` -> low -5, high -3; ``下降不低于3%`` -> at_most, high -3 (the
  words, 不低于, stay in qualifier_raw).
* A number written with a sign keeps it and the direction word does not flip it again:
  ``增长-19.6%`` -> -19.6 and ``下降-2%`` -> -2 (read as a redundant sign), direction +1 / -1.
* ``提高到`` / ``降至`` / ``下降为`` + number is a level: direction 0, value unsigned, direction_raw
  ``提高到`` (the corpora write ``由31.4%下降为27.8%`` and ``减少为三百亿元`` for levels).
* A range is qualifier ``range`` even with 左右/以上 after it (kept in qualifier_raw); an end without a
  unit takes the other end's unit (``7—8%``, ``3000—5000万元``, ``百分之八至九``). Ends with different
  base units are not a range (the first end is returned alone); unit-less ranges must ascend (``3-5年``
  is 3..5 with unit None, ``0571-8888`` nothing).
* A prefix and a suffix qualifier of different kinds: the prefix wins (``低于13%左右`` -> at_most), except
  the weak ``控制在`` (``控制在3%左右`` -> about). 余/多 between number and unit give at_least.
* Every direction word counts, including 新增 (+1): ``新增1.2万户`` -> +12000, direction 1.
* Not quantities (nothing is returned for their span): years and dates (2025年, 2024—2027年, 3月5日),
  ordinals (第十八届, 表1：), list numbering at a line start (1. （一） 一是), plan names (十四五),
  codes (G353, PM2.5, 5G, 3+3+X), ratios (3.6 : 48 : 48.4 — every member is dropped), bare 4-digit
  integers 1900–2100 (years without 年), digit strings longer than 24 digits, and Chinese numerals that
  are words: a Chinese numeral needs a unit, 万/亿 or 百分之, and a one-character one (一, 两, 三 …) is not
  a quantity before a weak counter from units.yaml (一批, 两个, 一体 …).
* ``parse_number("百分之三十二点六")`` is ``Decimal('32.6')``: the number as written, in percent; the
  percent sign is the unit, never a division by 100.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from decimal import Context, Decimal, InvalidOperation, localcontext
from typing import Any

import regex

from pipeline.lexicon import load_lexicon

__all__ = ["Quantity", "parse_number", "parse_quantity", "find_quantities", "decimal_to_str", "QUALIFIERS"]

QUALIFIERS = ("exact", "about", "at_least", "at_most", "range")
MAX_DIGITS = 24  # longer digit strings are identifiers, not quantities
_CTX = Context(prec=80)
_FLIP = {"at_least": "at_most", "at_most": "at_least"}
_ONE = Decimal(1)
_OPEN_QUOTES = frozenset("“\"'‘「『")
_CLOSE_QUOTES = frozenset("”\"'’」』")
_TRANSPARENT = frozenset("\r\n\u200b\ufeff")  # skipped when looking for a code's letters


@dataclass(frozen=True, slots=True)
class Quantity:
    """One quantity found in text. Values are exact Decimals in base units, signed by direction.

    >>> q = parse_quantity("城镇调查失业率控制在5.5%以内")
    >>> q.qualifier, q.low, q.high, q.qualifier_raw, q.value
    ('at_most', None, Decimal('5.5'), '控制在…以内', None)
    >>> parse_quantity("提高1.5个百分点").value_str()
    '1.5'
    """

    low: Decimal | None
    high: Decimal | None
    unit: str | None
    qualifier: str
    raw: str
    span: tuple[int, int]
    unit_raw: str | None = None
    qualifier_raw: str | None = None
    direction: int = 0
    direction_raw: str | None = None

    @property
    def value(self) -> Decimal | None:
        """The single value when low == high (exact or about), else None."""
        return self.low if self.low is not None and self.low == self.high else None

    def value_str(self) -> str:
        """The value (or ``low..high``) in plain notation.

        >>> parse_quantity("6.5%－7%").value_str(), parse_quantity("64万吨以上").value_str()
        ('6.5..7', '640000..')
        """
        if self.value is not None:
            return decimal_to_str(self.value)
        lo = "" if self.low is None else decimal_to_str(self.low)
        hi = "" if self.high is None else decimal_to_str(self.high)
        return f"{lo}..{hi}"


def decimal_to_str(d: Decimal) -> str:
    """Plain notation: no exponent, no trailing zeros.

    >>> decimal_to_str(Decimal("1.4907800E+11")), decimal_to_str(Decimal("5.0")), decimal_to_str(Decimal("-0.50"))
    ('149078000000', '5', '-0.5')
    >>> decimal_to_str(Decimal("1E+2")), decimal_to_str(Decimal("-0"))
    ('100', '0')
    """
    if d == 0:
        return "0"
    with localcontext(_CTX):
        return format(d.normalize(), "f")


def _clean(d: Decimal) -> Decimal:
    """Integral values with exponent 0 (nicer reprs), others normalized; -0 -> 0."""
    with localcontext(_CTX):
        if d == 0:
            return Decimal(0)
        if d == d.to_integral_value():
            return d.quantize(Decimal(1))
        return d.normalize()


# --------------------------------------------------------------------------------------------------
# Grammar, built from the vocabularies on first use


def _cls(chars: Iterable[str]) -> str:
    """A character class of the given characters."""
    return "[" + "".join(regex.escape(c) for c in sorted(set(chars))) + "]"


def _longest_suffix(text: str, end: int, words: dict[str, Any], maxlen: int,
                    blockers: frozenset[str] = frozenset()) -> tuple[str, Any] | None:
    """The longest word of ``words`` ending at ``end`` unless a longer-or-equal blocker ends there."""
    for k in range(min(maxlen, end), 0, -1):
        w = text[end - k:end]
        if w in blockers:
            return None
        if w in words:
            return w, words[w]
    return None


@dataclass(slots=True)
class _Member:
    """One end of a quantity (a range has two)."""

    value: Decimal            # the number times its multiplier (not yet times the unit factor)
    signed: bool              # an explicit sign was written
    chinese: bool             # written with Chinese numerals
    single_char: bool         # a one-character Chinese numeral: 一, 两, 三 ...
    has_mult: bool            # 万/亿/... (inside a Chinese numeral or after digits)
    unit: str | None
    factor: Decimal
    unit_raw: str | None
    mult_raw: str
    infix: str | None
    start: int                # where the number (with its sign or 百分之) starts
    end: int                  # where the member ends (after its unit)
    plain_year: bool          # 4 ASCII/full-width digits 1900..2100, nothing else
    positional: bool = False  # a Chinese digit string of 2+ characters (一九八二), never a quantity
    tail_mult: str = ""       # a multiplier closing a Chinese numeral (五千万 -> 万), lent to a range's first end
    leading_zero: bool = False  # 0571: digits with a leading zero (not 0.5)


class _Grammar:
    def __init__(self) -> None:
        nums = load_lexicon("numerals")
        units = load_lexicon("units")
        quals = load_lexicon("qualifiers")
        dirs = load_lexicon("directions")

        self.cn_digit: dict[str, int] = {k: int(v) for k, v in nums["digits"].items()}
        self.cn_power: dict[str, int] = {k: int(Decimal(v)) for k, v in nums["powers"].items()}
        self.cn_big: dict[str, Decimal] = {k: Decimal(v) for k, v in nums["big_powers"].items()}
        self.cn_point: str = nums["chinese_point"]
        self.points: set[str] = set(nums["decimal_points"])
        self.signs: dict[str, int] = {k: int(v) for k, v in nums["signs"].items()}
        self.mults: dict[str, Decimal] = {k: Decimal(v) for k, v in nums["multipliers"].items()}
        self.pct: dict[str, str] = dict(nums["percent_prefixes"])
        self.units: dict[str, tuple[str, Decimal]] = {
            form: (base, Decimal(f)) for base, forms in units["units"].items() for form, f in forms.items()}
        self.weak_units: frozenset[str] = frozenset(units["weak"])
        self.code_suffixes: tuple[str, ...] = tuple(nums["code_suffixes"])

        self.prefix_q: dict[str, str] = {w: c for c, ws in quals["prefix"].items() for w in ws}
        self.suffix_q: dict[str, str] = {w: c for c, ws in quals["suffix"].items() for w in ws}
        self.infix_q: dict[str, str] = {w: c for c, ws in quals["infix"].items() for w in ws}
        self.weak_q: frozenset[str] = frozenset(quals["weak"])
        self.q_blockers: frozenset[str] = frozenset(quals["blockers"])
        self.q_maxlen = max(map(len, [*self.prefix_q, *self.q_blockers]))

        self.directions: dict[str, int] = {**{w: 1 for w in dirs["increase"]}, **{w: -1 for w in dirs["decrease"]}}
        self.d_maxlen = max(map(len, self.directions))
        self.level_markers: frozenset[str] = frozenset(dirs["level_markers"])
        self.fillers: frozenset[str] = frozenset(dirs["fillers"])

        cn_chars = set(self.cn_digit) | set(self.cn_power) | set(self.cn_big)
        # units that start with a numeral character (千瓦, 千米, 百分点): a Chinese numeral stops before them
        cn_led = sorted(u for u in self.units if u[0] in cn_chars)
        tens = [k for k, v in self.cn_power.items() if v == 10]
        hundreds = [k for k, v in self.cn_power.items() if v == 100]
        fw_letters = "Ａ-Ｚａ-ｚ"
        self.lists = dict(
            units=sorted(self.units), mults=sorted(self.mults), seps=sorted(quals["range_separators"]),
            suffix=sorted(self.suffix_q), infix=sorted(self.infix_q), pct=sorted(self.pct),
            cn_led=cn_led or ["\x00"], ordinal=sorted(nums["ordinal_prefixes"]),
            tables=sorted(nums["table_labels"]),
        )
        d = "[0-9０-９]"
        defs = {
            "D": d,
            "PT": _cls(self.points),
            "TS": _cls(nums["thousands_separators"]) if nums["thousands_separators"] else "(?!)",
            "SIGN": _cls(self.signs),
            "SP": r"[\x20\u00a0]",
            "CND": _cls(self.cn_digit),
            "CNSTART": _cls([*self.cn_digit, *tens]),
            "CNPSTART": _cls([*self.cn_digit, *tens, *hundreds]),
            "CNCHAR": _cls(cn_chars),
            "CNBIG": _cls(self.cn_big),
            "CNPT": regex.escape(self.cn_point),
            "LETTER": f"[A-Za-z{fw_letters}]",
        }

        def sub(p: str) -> str:
            for k in sorted(defs, key=len, reverse=True):
                p = p.replace("{" + k + "}", defs[k])
            return p

        # an unsigned number written with digits: 1,235.5  ７．３  4 9 2 5 0  8 ．8 (1998 spacing)
        ascii_num = sub(r"""
            (?: {D}{1,3}(?:{TS}{D}{3})++(?!{D})        # thousands separators: groups of exactly 3
              | {D}(?:{SP}{D})++(?!{D}|{PT}{D})        # spaced digits, one space between each
              | {D}++ )
            (?: {PT}{D}++                              # decimals
              | {SP}{PT}{SP}?{D}(?:{SP}{D})*+ )?       # spaced decimals: "8 ．8", "1 0 ．0 6"
        """)
        # a Chinese numeral: 八千二百九十一亿, 三十二点六, 二点五万, 一九九○; stops before 千瓦/千米...
        cn_body = sub(r"(?:(?!\L<cn_led>){CNCHAR})*+ (?:{CNPT}{CND}++ {CNBIG}*+)?")
        cn_num = sub("{CNSTART}") + cn_body
        cn_pct_num = sub("{CNPSTART}") + cn_body

        year4 = sub(r"(?<![0-9０-９]) (?:{D}{4} | {D}{SP}{D}{SP}{D}{SP}{D}) (?![0-9０-９])")

        def member(p: str) -> str:
            unit_part = sub(rf"""
                (?: {{SP}}?
                    (?: (?P<{p}unit>\L<units>)                          # 千瓦, 个百分点 (longest)
                      | (?P<{p}mult>\L<mults>) (?P<{p}inf2>\L<infix>)?  # 万, 亿, 万亿 ... 余/多
                        (?: {{SP}}? (?P<{p}unit>\L<units>) )? ) )?
            """)
            return sub(rf"""
                (?: (?P<{p}pct>\L<pct>) {{SP}}?                         # 百分之 / 千分之
                    (?P<{p}num> {cn_pct_num} | {ascii_num} )
                  | (?P<{p}sign> (?<![0-9０-９A-Za-z.．%％\-－—]) {{SIGN}} (?!{year4}{{SP}}?年) )?
                    (?P<{p}num> {ascii_num} ) (?:{{SP}}?(?P<{p}inf1>\L<infix>))? {unit_part}
                  | (?P<{p}num> {cn_num} ) (?P<{p}inf1>\L<infix>)? {unit_part}
                )
            """)

        d12 = sub(r"{D}(?:{SP}?{D})?(?![0-9０-９])")               # 1-2 digits, maybe spaced (1998)
        junk = sub(rf"""
            (?P<junk>
                (?<![0-9０-９.．]) {{D}}++(?:{{PT}}{{D}}++)?                    # ratios and times:
                (?: {{SP}}?[:：∶]{{SP}}? {{D}}++(?:{{PT}}{{D}}++)? )++         #   3.6 : 48 : 48.4
              | (?<![0-9０-９.．]) {{D}}++ {{SP}}?[/／]{{SP}}? {{D}}++ (?![0-9０-９.．])    # fractions: 1/3
              | {year4} (?:{{SP}}?年)? {{SP}}?\L<seps>{{SP}}? {year4} {{SP}}?年  # 2024—2027年
              | {year4} {{SP}}?年                                             # 2025年, 1 9 9 7 年
              | (?<![0-9０-９.．]) {d12} (?:{{SP}}?\L<seps>{{SP}}?{d12})? {{SP}}?月
                (?:{d12}{{SP}}?[日号])?                                        # 3月5日, 1-3月, 1 2 月
              | (?<![0-9０-９.．]) {d12} {{SP}}? (?:日(?!元)|号)                # 5日
              | \L<ordinal> {{SP}}? (?: {{D}}++ | {cn_num} )                   # 第十八届, 第1
              | \L<tables> {{SP}}? {{D}}++ (?:[-－.．]{{D}}++)?
                (?= [：:）)\s,，。、] | $ )                                     # 表1：
              | ^ [\t\x20\u3000]*+
                (?: {{D}}{{1,3}} [.．、](?!{{D}})                              # 1. 2、
                  | [（(] (?:{{D}}{{1,3}} | {cn_num}) [)）]                    # （一） (1)
                  | {cn_num} [是、] )                                          # 一是 十、
              | [（(] {{D}}{{1,2}} [)）]                                        # (3) anywhere
            )
        """)
        no_year_ahead = sub(r"(?! {D}{4}{SP}?年 | {D}{SP}{D}{SP}{D}{SP}{D}{SP}?年 | {D}{1,2}{SP}?月 )")
        qty = rf"""
            (?P<q>
                {member("a_")}
                (?: {sub("{SP}")}? (?P<sep>\L<seps>) {sub("{SP}")}? {no_year_ahead} {member("b_")} )?
                (?: {sub("{SP}")}? (?P<sq>\L<suffix>) )?
            )
        """
        suffix = rf"""{sub("{SP}")}? (?P<sq>\L<suffix>)"""
        flags = regex.VERBOSE | regex.MULTILINE | regex.V0
        self.pattern = regex.compile(junk + "|" + qty, flags, **self.lists)
        self.suffix = regex.compile(suffix, flags, ignore_unused=True, **self.lists)
        gi = self.pattern.groupindex
        self.i_junk, self.i_q, self.i_sep, self.i_sq = gi["junk"], gi["q"], gi["sep"], gi["sq"]
        self.hundred = next(k for k, v in self.cn_power.items() if v == 100)
        self.number_full = regex.compile(
            sub(r"\s*") + member("a_") + sub(r"\s*"), flags, ignore_unused=True, **self.lists)
        self.letter = regex.compile(defs["LETTER"])

    # ---- numbers ---------------------------------------------------------------------------------

    def ascii_value(self, s: str) -> Decimal | None:
        digits = []
        for ch in s:
            if ch in self.points:
                digits.append(".")
            elif "0" <= ch <= "9":
                digits.append(ch)
            elif "０" <= ch <= "９":
                digits.append(chr(ord(ch) - 0xFEE0))
        if sum(c != "." for c in digits) > MAX_DIGITS:
            return None
        try:
            return Decimal("".join(digits))
        except InvalidOperation:
            return None

    def cn_value(self, s: str) -> Decimal | None:
        """Value of a Chinese numeral, None when malformed (十四五, 万一) or absurdly long."""
        if len(s) > 2 * MAX_DIGITS:
            return None
        if self.cn_point in s:
            head, _, tail = s.partition(self.cn_point)
            frac = "".join(str(self.cn_digit[c]) for c in tail if c in self.cn_digit)
            bigs = tail[len(frac):]
            if not head or not frac or any(c not in self.cn_big for c in bigs):
                return None
            whole = self._cn_int(head)
            if whole is None:
                return None
            with localcontext(_CTX):
                v = whole + Decimal("0." + frac)
                for c in bigs:
                    v *= self.cn_big[c]
            return v
        return self._cn_int(s)

    def _cn_int(self, s: str) -> Decimal | None:
        if not s:
            return None
        for big in sorted(self.cn_big, key=lambda c: self.cn_big[c], reverse=True):
            i = s.rfind(big)
            if i < 0:
                continue
            f = self.cn_big[big]
            left = self._cn_int(s[:i])
            right_s = s[i + 1:].lstrip("".join(k for k, v in self.cn_digit.items() if v == 0))
            if left is None:
                return None
            with localcontext(_CTX):
                if not right_s:
                    return left * f
                if len(right_s) == 1 and right_s in self.cn_digit and s[i + 1] == right_s:
                    return left * f + self.cn_digit[right_s] * f / 10  # 一万二 = 12000 (colloquial)
                right = self._cn_int(right_s)
                if right is None or right >= f:
                    return None
                return left * f + right
        return self._cn_small(s)

    def _cn_small(self, s: str) -> Decimal | None:
        if any(c in self.cn_big for c in s):
            return None
        if not any(c in self.cn_power for c in s):          # digit string: 一九九○, 两
            if len(s) > MAX_DIGITS or any(c not in self.cn_digit for c in s):
                return None
            return Decimal("".join(str(self.cn_digit[c]) for c in s))
        total, num, last_pow, zero = 0, None, None, False
        for c in s:
            if c in self.cn_digit:
                d = self.cn_digit[c]
                if d == 0:
                    if num is not None:
                        return None
                    zero = True
                    continue
                if num is not None:
                    return None                             # 十四五: two digits in a row
                num = d
            else:
                p = self.cn_power[c]
                if last_pow is not None and p >= last_pow:
                    return None
                if num is None:
                    if p != 10 or total:                    # only a leading 十 may omit its 一
                        return None
                    num = 1
                total += num * p
                num, last_pow, zero = None, p, False
        if num is not None:
            if last_pow is not None and last_pow >= 100 and not zero:
                total += num * last_pow // 10                # 一百五 = 150 (colloquial)
            else:
                total += num
        return Decimal(total)

    # ---- members ---------------------------------------------------------------------------------

    def member(self, m: regex.Match[str], p: str, text: str) -> _Member | None:
        """The member whose groups are named ``p`` + num/pct/sign/... in ``m`` (None when unparsable)."""
        regs = m.regs
        i_pct, i_num, i_sign, i_inf1, i_unit, i_mult, i_inf2 = self._index(m.re, p)
        ns, ne = regs[i_num]
        if ns < 0:
            return None
        num = text[ns:ne]
        ps, pe = regs[i_pct]
        pct = text[ps:pe] if ps >= 0 else None
        ss, se = regs[i_sign]
        sign = text[ss:se] if ss >= 0 else None
        ms, me = regs[i_mult]
        mult_raw = text[ms:me] if ms >= 0 else ""
        us, ue = regs[i_unit]
        unit_raw = text[us:ue] if us >= 0 else None
        chinese = num[0] in self.cn_digit or num[0] in self.cn_power
        if chinese:
            value = self.cn_value(num)
            if value is None and pct and num == self.hundred:
                value = Decimal(100)                        # 百分之百
        else:
            value = self.ascii_value(num)
        if value is None:
            return None
        if mult_raw or (sign and self.signs[sign] < 0):
            with localcontext(_CTX):
                if mult_raw:
                    value *= self.mults[mult_raw]
                if sign and self.signs[sign] < 0:
                    value = -value
        if pct:
            unit, factor, u_raw = self.pct[pct], _ONE, pct
        elif unit_raw:
            unit, factor = self.units[unit_raw]
            u_raw = mult_raw + unit_raw
        else:
            unit, factor, u_raw = None, _ONE, None
        stripped = num.replace(" ", "").replace("\u00a0", "") if not chinese else num
        plain_year = (not chinese and not pct and not sign and not mult_raw and unit_raw is None
                      and len(stripped) == 4 and 1900 <= value <= 2100 and value == int(value)
                      and not any(ch in self.points for ch in stripped))
        start = min(x for x in (ps, ss, ns) if x >= 0)
        end = max(regs[i][1] for i in (i_num, i_inf1, i_mult, i_inf2, i_unit))
        i1s, i1e = regs[i_inf1]
        i2s, i2e = regs[i_inf2]
        infix = text[i1s:i1e] if i1s >= 0 else (text[i2s:i2e] if i2s >= 0 else None)
        return _Member(
            value=value, signed=bool(sign), chinese=chinese, single_char=chinese and len(num) == 1,
            has_mult=bool(mult_raw) or (chinese and any(c in self.cn_big for c in num)),
            unit=unit, factor=factor, unit_raw=u_raw, mult_raw=mult_raw,
            infix=infix, start=start, end=end, plain_year=plain_year,
            positional=chinese and len(num) > 1 and all(c in self.cn_digit for c in num),
            tail_mult=next((k for k in ("万亿", "亿", "万") if chinese and num.endswith(k)), ""),
            leading_zero=(not chinese and len(stripped) > 1 and stripped[0] in "0０"
                          and stripped[1] not in self.points),
        )

    @functools.cache
    def _index(self, pattern: regex.Pattern[str], p: str) -> tuple[int, ...]:
        gi = pattern.groupindex
        return tuple(gi[p + n] for n in ("pct", "num", "sign", "inf1", "unit", "mult", "inf2"))

    def acceptable(self, a: _Member, text: str, end: int, first: bool = True) -> bool:
        """Chinese-numeral words, codes and overlong numbers are not quantities.

        ``first`` is False for the second end of a range, whose left neighbour is the separator.
        """
        if a.leading_zero:
            return False                                    # 0571: a code or telephone number
        if a.chinese:
            if a.unit is None and not a.has_mult:
                return False
            if a.positional:                                # 一九八二, 九五: years and plan names
                return False
            if a.single_char and not a.has_mult and a.unit_raw in self.weak_units:
                return False
        if a.unit is None and "·" in text[a.start:a.end]:
            return False                                    # 5·12 is a date; 5·8％ a decimal
        i, j = a.start, end
        while i > 0 and text[i - 1] in _TRANSPARENT:        # PM⏎2.5⏎ in web copies
            i -= 1
        while j < len(text) and text[j] in _TRANSPARENT:
            j += 1
        before = text[i - 1] if i > 0 else ""
        before2 = text[i - 2] if i > 1 else ""
        after = text[j] if j < len(text) else ""
        if after and (self.letter.match(after) or after in "+＋×"):
            return False
        if a.unit is None and text.startswith(self.code_suffixes, j):
            return False                                    # 3.0版
        if not first:
            return True
        if before and before in "+＋":
            return False
        if before and self.letter.match(before) and a.unit is None:
            return False                                    # G353, PM2.5, M2
        if before and before in "-－" and before2 and (self.letter.match(before2) or before2.isdigit()):
            return False                                    # COVID-19
        return True

    # ---- quantities ------------------------------------------------------------------------------

    def quantity(self, text: str, m: regex.Match[str], floor: int) -> tuple[Quantity | None, int]:
        """Interpret one match; returns the quantity (or None) and where scanning resumes."""
        regs = m.regs
        a = self.member(m, "a_", text)
        if a is None:
            return None, m.end()
        end = regs[self.i_q][1]
        sq_s, sq_e = regs[self.i_sq]
        sq = text[sq_s:sq_e] if sq_s >= 0 else None
        b = None
        if regs[self.i_sep][0] >= 0:
            b = self.member(m, "b_", text)
            joined = self._join(a, b) if b is not None else None
            if joined is None:                              # not a range: keep the first end alone
                b = None
                sm = self.suffix.match(text, a.end)
                sq = sm.group("sq") if sm else None
                end = sm.end() if sm else a.end
            else:
                a, b = joined
        last = b or a
        core_end = last.end
        if not self.acceptable(a, text, core_end if b is None else a.end) or (
                b is not None and not self.acceptable(b, text, core_end, first=False)):
            return None, end
        if b is None and a.plain_year:
            return None, end
        if (b is None and a.unit is None and not a.has_mult and not sq and not a.infix
                and a.start > 0 and text[a.start - 1] in _OPEN_QUOTES and end < len(text)
                and text[end] in _CLOSE_QUOTES):
            return None, end                                # “33618”: a name, not a quantity
        if b is not None and a.plain_year and b.plain_year:
            return None, end
        if a.chinese and b is not None and a.unit is None and not a.has_mult:
            return None, end

        start = a.start
        # prefix qualifier, then direction, looking back from the number (one space may stand between)
        look = start - 1 if start > floor and text[start - 1] == " " else start
        pre = _longest_suffix(text, look, self.prefix_q, self.q_maxlen, self.q_blockers)
        if pre is not None and look - len(pre[0]) < floor:
            pre = None
        qstart = look - len(pre[0]) if pre else start
        direction, direction_raw = self._direction(text, qstart)

        # qualifier
        suf = (sq, self.suffix_q[sq]) if sq else None
        inf = a.infix if b is None else None
        parts = [w for w in (pre[0] if pre else None, inf, sq) if w]
        qualifier_raw = "…".join(parts) if parts else None
        if b is not None:
            qualifier = "range"
            qualifier_raw = "…".join(w for w in (pre[0] if pre else None, sq) if w) or None
        elif pre and suf:
            qualifier = suf[1] if (pre[1] == suf[1] or pre[0] in self.weak_q) else pre[1]
        elif pre:
            qualifier = pre[1]
        elif suf:
            qualifier = suf[1]
        elif inf:
            qualifier = self.infix_q[inf]
        else:
            qualifier = "exact"

        def signed(x: _Member) -> Decimal:
            with localcontext(_CTX):
                v = x.value * x.factor
                if direction < 0 and not x.signed:
                    v = -v
            return _clean(v)

        va = signed(a)
        if b is not None:
            vb = signed(b)
            low, high = min(va, vb), max(va, vb)
        else:
            if direction < 0 and not a.signed:
                qualifier = _FLIP.get(qualifier, qualifier)
            low = None if qualifier == "at_most" else va
            high = None if qualifier == "at_least" else va
        unit = last.unit if last.unit is not None else a.unit
        unit_raw = last.unit_raw if last.unit_raw is not None else a.unit_raw
        q = Quantity(low=low, high=high, unit=unit, qualifier=qualifier, raw=text[qstart:end],
                     span=(qstart, end), unit_raw=unit_raw, qualifier_raw=qualifier_raw,
                     direction=direction, direction_raw=direction_raw)
        return q, end

    def _join(self, a: _Member, b: _Member) -> tuple[_Member, _Member] | None:
        """Make the two ends of a range agree on their unit; None when they cannot be a range."""
        if a.unit is None and b.unit is not None:
            mult = (b.mult_raw or b.tail_mult) if not a.has_mult else ""
            with localcontext(_CTX):
                value = a.value * self.mults[mult] if mult else a.value
            a = replace(a, value=value, has_mult=a.has_mult or bool(mult), unit=b.unit, factor=b.factor,
                        unit_raw=b.unit_raw, mult_raw=a.mult_raw or mult, plain_year=False)
        elif b.unit is None and a.unit is not None:
            b = replace(b, unit=a.unit, factor=a.factor, unit_raw=a.unit_raw, plain_year=False)
        if a.unit != b.unit:
            return None
        if a.unit is None and a.value >= b.value:
            return None                                     # bare numbers must ascend: not 0571-8888
        return a, b

    def _direction(self, text: str, pos: int) -> tuple[int, str | None]:
        if pos > 0 and text[pos - 1] == " ":
            pos -= 1
        if pos > 0 and text[pos - 1] in self.fillers:
            pos -= 1
        if pos > 0 and text[pos - 1] in self.level_markers:
            hit = _longest_suffix(text, pos - 1, self.directions, self.d_maxlen)
            if hit is not None:
                return 0, hit[0] + text[pos - 1]
            return 0, None
        hit = _longest_suffix(text, pos, self.directions, self.d_maxlen)
        if hit is not None:
            return hit[1], hit[0]
        return 0, None


@functools.cache
def _grammar() -> _Grammar:
    return _Grammar()


# --------------------------------------------------------------------------------------------------
# Public API


def parse_number(text: str) -> Decimal | None:
    """The value of a number written alone, or None when ``text`` is not exactly one number.

    Digits (ASCII, full-width, with thousands separators, spaced as in 1998), Chinese numerals, a
    multiplier after digits, and 百分之/千分之 (the value as written: 百分之三十二点六 -> 32.6).

    >>> parse_number("1,235.5"), parse_number("７．３"), parse_number("-19.6")
    (Decimal('1235.5'), Decimal('7.3'), Decimal('-19.6'))
    >>> parse_number("八千二百九十一亿"), parse_number("一千二百万"), parse_number("两")
    (Decimal('829100000000'), Decimal('12000000'), Decimal('2'))
    >>> parse_number("百分之三十二点六"), parse_number("1.2万亿"), parse_number("8 ．8")
    (Decimal('32.6'), Decimal('1200000000000'), Decimal('8.8'))
    >>> parse_number("一九九○"), parse_number("十四五"), parse_number("5%"), parse_number("")
    (Decimal('1990'), None, None, None)
    """
    g = _grammar()
    m = g.number_full.fullmatch(text)
    if m is None or m.group("a_unit") or m.group("a_inf1") or m.group("a_inf2"):
        return None
    a = g.member(m, "a_", text)
    return None if a is None else _clean(a.value)


def _iter_quantities(text: str) -> Iterator[Quantity]:
    g = _grammar()
    pos, floor, n = 0, 0, len(text)
    search = g.pattern.search
    while pos < n:
        m = search(text, pos)
        if m is None:
            return
        if m.regs[g.i_junk][0] >= 0:
            pos = floor = max(m.end(), m.start() + 1)
            continue
        q, end = g.quantity(text, m, floor)
        pos = max(end, m.start() + 1)
        if q is not None:
            floor = q.span[1]
            yield q
        else:
            floor = pos


def find_quantities(text: str) -> list[Quantity]:
    """All quantities in ``text``, left to right, non-overlapping.

    >>> [(q.raw, q.value_str(), q.unit, q.qualifier) for q in find_quantities("2025年GDP增长6.5%－7%，赤字1.2万亿元")]
    [('6.5%－7%', '6.5..7', 'percent', 'range'), ('1.2万亿元', '1200000000000', 'CNY', 'exact')]
    >>> [q.raw for q in find_quantities("第十八届人大四次会议，“十四五”规划，G353国道，PM2.5，3.6 : 48 : 48.4")]
    []
    >>> [(q.value_str(), q.unit, q.direction_raw) for q in find_quantities("比重由31.4%下降为27.8%")]
    [('31.4', 'percent', None), ('27.8', 'percent', '下降为')]
    """
    return list(_iter_quantities(text))


def parse_quantity(text: str) -> Quantity | None:
    """The first quantity in ``text``, or None.

    >>> q = parse_quantity("比上年下降3.5个百分点")
    >>> q.low, q.unit, q.direction, q.direction_raw, q.unit_raw
    (Decimal('-3.5'), 'percentage_point', -1, '下降', '个百分点')
    >>> q = parse_quantity("增长百分之八至九")
    >>> q.low, q.high, q.unit, q.qualifier
    (Decimal('8'), Decimal('9'), 'percent', 'range')
    >>> parse_quantity("一批重点项目") is None
    True
    """
    return next(_iter_quantities(text), None)

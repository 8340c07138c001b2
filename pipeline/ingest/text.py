"""Text normalization shared by every reader.

The normalized text stays close to the source so quotes can be found verbatim: line
endings become ``\\n``, full-width and no-break spaces become ordinary spaces, literal
``<U+00A0>`` debris (in web copies) becomes a space, and lines are stripped. Digits and
punctuation are *not* rewritten (the quantity grammar reads full-width forms directly).

>>> normalize_line("\\u3000\\u3000一、2024年工作回顾\\r")
'一、2024年工作回顾'
>>> collapse_spaced_title("政 府 工 作 报 告")
'政府工作报告'
>>> collapse_spaced_title("2023 年")
'2023年'
"""

from __future__ import annotations

import regex

_SPACES = regex.compile(r"[\u3000\u00a0\u2002\u2003\u2009\t]|<U\+00A0>")
_ZERO_WIDTH = regex.compile(r"[\u200b\u200c\u200d\u2060\ufeff]")
_CJK = r"\p{Han}"
# a space between two CJK characters, or between a digit and 年/月/日 (PDF layout artefacts)
_spaced = regex.compile(rf"(?<=[{_CJK}，。、：；（）“”])\s+(?=[{_CJK}，。、：；（）“”])|(?<=\d)\s+(?=[年月日])|(?<=[{_CJK}])\s+(?=\d)|(?<=\d)\s+(?=[{_CJK}])")


def normalize_line(line: str) -> str:
    """Spaces of every kind -> ' ', then strip."""
    return _SPACES.sub(" ", _ZERO_WIDTH.sub("", line)).strip()


def collapse_spaced_title(line: str) -> str:
    """Remove layout spaces between CJK characters (政 府 工 作 报 告) and around digits+年."""
    return _spaced.sub("", line)


def split_lines(text: str) -> list[str]:
    """Split on any line ending (CRLF, CR, LF)."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


_FULLWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")
_CN_DIGIT = {"〇": "0", "○": "0", "零": "0", "Ｏ": "0", "O": "0", "一": "1", "二": "2", "三": "3", "四": "4",
             "五": "5", "六": "6", "七": "7", "八": "8", "九": "9"}
_CN_YEAR = regex.compile(r"[一二三四五六七八九][〇○零Ｏ一二三四五六七八九]{3}(?=年)")


def to_ascii_digits(text: str) -> str:
    """Full-width digits -> ASCII (same length, so offsets still hold).

    >>> to_ascii_digits("１９９１年")
    '1991年'
    """
    return text.translate(_FULLWIDTH)


def normalize_years(text: str) -> str:
    """Full-width digits and Chinese-numeral years (一九九○年) -> ASCII digits (same length).

    >>> normalize_years("一九九○年和１９９１年")
    '1990年和1991年'
    """
    return _CN_YEAR.sub(lambda m: "".join(_CN_DIGIT[c] for c in m.group(0)), to_ascii_digits(text))

"""Review pages (pipeline/review.py) as HTML: escaping, one highlight per record, overlapping spans,
tables, the index and its links, offline pages, the CLI. The browser test is tests/test_review_browser.py."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pipeline
from pipeline.cli import build_parser, main
from pipeline.review import (Highlighter, page_names, records_of, render_index, render_report, value_text,
                             write_review)

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT / "corpora"
VOID = {"meta", "link", "br", "img", "input", "hr", "wbr", "col", "source", "area", "base", "embed", "param",
        "track", "line", "circle", "rect", "polygon", "polyline", "path"}


class Tree(HTMLParser):
    """Checks that every element is closed in order (no broken nesting) and collects elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.elements: list[tuple[str, dict[str, str | None], list[str]]] = []  # tag, attrs, open ancestors
        self.mark_text: list[tuple[dict[str, str | None], list[str]]] = []
        self.text: list[str] = []
        self.in_doc = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        self.elements.append((tag, a, list(self.stack)))
        if tag in VOID:
            return
        self.stack.append(tag)
        if tag == "mark":
            self.mark_text.append((a, []))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs), list(self.stack)))

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        if "mark" in self.stack:
            self.mark_text[-1][1].append(data)
        self.text.append(data)

    def find(self, tag: str, **attrs: str) -> list[dict[str, str | None]]:
        return [a for t, a, _ in self.elements if t == tag and all(a.get(k.replace("_", "-")) == v for k, v in attrs.items())]


def parse(html: str) -> Tree:
    t = Tree()
    t.feed(html)
    t.close()
    assert not t.errors, t.errors[:5]
    assert t.stack == [], t.stack
    return t


def _ind(start: int, end: int, kind: str = "actual", status: str = "numeric", name: str = "GDP",
         iid: str | None = "gdp_growth", value: str = "4.1", unit: str = "percent", year: int = 2024,
         table: int | None = None, row: int | None = None, col: int | None = None) -> dict[str, Any]:
    return {"name": name, "indicator_id": iid, "parent": None, "year": year, "kind": kind, "status": status,
            "value": {"low": value, "high": value, "unit": unit, "qualifier": "exact", "raw": value + "%"}
            if status == "numeric" else None,
            "wording": value, "text": "sentence", "extractor": "prose.v1",
            "source": {"section": "1", "table": table, "row": row, "column": col, "char_start": start,
                       "char_end": end, "page": None}}


def _report(text: str, indicators: list[dict[str, Any]], projects: list[dict[str, Any]] | None = None,
            tables: list[dict[str, Any]] | None = None, blocks: list[dict[str, Any]] | None = None,
            path: str = "x.txt") -> dict[str, Any]:
    return {"schema_version": "1", "pipeline": {"version": "0", "extractors": []},
            "document": {"source": {"path": path, "sha256": "0" * 64, "format": "txt", "pages": None},
                         "title": None, "jurisdiction": {"name": None, "parent": None, "level": None},
                         "report_type": "other", "review_year": 2024, "plan_year": 2025},
            "sections": [], "blocks": blocks if blocks is not None else
            [{"index": 0, "kind": "paragraph", "char_start": 0, "char_end": len(text), "page": None, "content": True}],
            "tables": tables or [], "indicators": indicators, "projects": projects or [], "text": text}


def _project(start: int, end: int, name: str = "某某项目") -> dict[str, Any]:
    return {"name": name, "investment": {"value": "5000000000", "unit": "CNY", "raw": "投资50亿元"}, "capacity": None,
            "milestones": [{"text": "2025年建成", "year": 2025}], "text": "t", "extractor": "projects.v1",
            "source": {"section": "1", "table": None, "char_start": start, "char_end": end, "page": None}}


@pytest.fixture(scope="module")
def jiangjin() -> dict[str, Any]:
    return pipeline.extract_file(CORPORA / "jiangjin_plan_report_2025.txt")


# --------------------------------------------------------------------------------------------------


def test_report_text_is_escaped_never_markup() -> None:
    text = '<script>alert("x")</script> 增长4.1% <img src=x onerror=alert(1)> & "q"'
    start = text.index("4.1%")
    evil = _ind(start, start + 4, name='"><script>alert(2)</script>', iid='x"y')
    evil["text"] = "</li><script>alert(3)</script>"
    proj = _project(len(text) - 3, len(text), name="<b>项目</b>")
    html = render_report(_report(text, [evil], [proj], path='<i>p</i>.txt'))
    assert html.count("<script") == 1  # only the page's own script
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "<img" not in html and "<b>项目" not in html and "<i>p" not in html
    t = parse(html)
    li = t.find("li", data_rec="i0")[0]
    assert li["data-name"] == '"><script>alert(2)</script>'  # the attribute holds the text, as text
    assert li["data-text"] == "</li><script>alert(3)</script>"
    assert li["data-indicator"] == 'x"y'
    assert "".join(t.text).count('<script>alert("x")</script>') == 1  # shown as text


def test_every_record_has_a_highlight_with_its_data(jiangjin: dict[str, Any]) -> None:
    html = render_report(jiangjin)
    t = parse(html)
    marks = t.find("mark")
    covered = {rid for m in marks for rid in (m.get("data-recs") or "").split()}
    recs = records_of(jiangjin)
    assert len(recs) == len(jiangjin["indicators"]) + len(jiangjin["projects"]) > 300
    assert {r.rid for r in recs} <= covered
    items = {a["data-rec"]: a for a in t.find("li") if a.get("data-rec")}
    assert set(items) == {r.rid for r in recs}
    for i, rec in enumerate(jiangjin["indicators"]):
        a = items[f"i{i}"]
        assert a.get("data-indicator") == rec["indicator_id"]  # absent when null
        assert a["data-year"] == str(rec["year"])
        assert a["data-span"] == f"{rec['source']['char_start']}–{rec['source']['char_end']}"
        if rec["status"] == "numeric":
            assert a["data-kind"] == rec["kind"]
            assert a["data-unit"] == rec["value"]["unit"]
            assert a["data-qualifier"] == rec["value"]["qualifier"]
            assert a["data-value"].split(" (")[0] == value_text(rec["value"])
        else:
            assert a["data-kind"] == "qualitative"
    # the marked text is exactly the record's span
    for m, parts in t.mark_text:
        s, e = int(m["data-s"] or 0), int(m["data-e"] or 0)
        assert "".join(parts) == jiangjin["text"][s:e]
    # the 2024 GDP growth actual of the prose: 4.1 percent, its mark covers 4.1%
    i = next(k for k, r in enumerate(jiangjin["indicators"]) if r["indicator_id"] == "gdp_growth"
             and r["year"] == 2024 and r["kind"] == "actual" and r["source"]["table"] is None)
    assert items[f"i{i}"]["data-value"] == "4.1" and items[f"i{i}"]["data-unit"] == "percent"
    assert any(f"i{i}" in (m.get("data-recs") or "").split() and "".join(p) == "4.1%" for m, p in t.mark_text)


def test_overlapping_spans_do_not_break_the_markup() -> None:
    text = "0123456789abcdef"
    recs = [_ind(3, 5, "actual"), _ind(4, 8, "target"), _ind(4, 8, "target", name="same span"),
            _ind(12, 12, "actual", name="empty span"), _ind(14, 99, "actual", name="past the end")]
    html = render_report(_report(text, recs, [_project(0, 10)]))
    t = parse(html)
    assert all("mark" not in anc for tag, _a, anc in t.elements if tag == "mark")  # never nested
    doc = "".join(p for _m, ps in t.mark_text for p in ps)
    assert doc  # marks hold text
    segs = {(int(m["data-s"] or 0), int(m["data-e"] or 0)): (m.get("data-recs") or "").split() for m, _ in t.mark_text}
    assert segs[(0, 3)] == ["p0"]
    assert segs[(3, 4)] == ["i0", "p0"]
    assert segs[(4, 5)] == ["i0", "i1", "i2", "p0"]
    assert segs[(5, 8)] == ["i1", "i2", "p0"]
    assert segs[(8, 10)] == ["p0"]
    assert segs[(12, 13)] == ["i3"]       # an empty span gets its next character
    assert segs[(14, 16)] == ["i4"]       # clamped to the text
    classes = {(int(a["data-s"] or 0)): a["class"] for a in t.find("mark")}
    assert classes[4] == "hl k-target k-actual k-project multi"
    # the text reads the same with and without marks
    body = html[html.index('<p class="blk"'):]
    assert re.sub(r"<[^>]+>", "", body[:body.index("</p>")]) == text


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="ab<>&\"'中文\n\t", max_size=40),
       st.lists(st.tuples(st.integers(-2, 45), st.integers(-2, 45)), max_size=12))
def test_any_spans_give_wellformed_marks_that_keep_the_text(text: str, spans: list[tuple[int, int]]) -> None:
    rep = _report(text, [_ind(a, b) for a, b in spans])
    h = Highlighter(text, records_of(rep))
    out = h.html(0, len(text))
    t = parse(f"<p>{out}</p>")
    assert "".join(t.text) == text
    if text:
        assert h.placed == {f"i{k}" for k in range(len(spans))}


def test_tables_are_tables_with_extracted_cells_marked(jiangjin: dict[str, Any]) -> None:
    html = render_report(jiangjin)
    t = parse(html)
    tables = t.find("table", **{"class": "rt"})
    assert len(tables) == len(jiangjin["tables"])
    i = next(k for k, r in enumerate(jiangjin["indicators"]) if r["indicator_id"] == "gdp_growth"
             and r["year"] == 2024 and r["kind"] == "actual" and r["source"]["table"] == 0)
    cells = [a for a in t.find("td") if f"i{i}" in (a.get("data-recs") or "").split()]
    assert len(cells) == 1 and cells[0]["class"] == "x k-actual"
    in_cells = {rid for a in t.find("td") + t.find("th") if (a.get("class") or "").startswith("x")
                for rid in (a.get("data-recs") or "").split()}
    in_tables = {f"i{k}" for k, r in enumerate(jiangjin["indicators"]) if r["source"]["table"] is not None}
    assert len(in_tables) > 100 and in_tables <= in_cells  # every table record marks its cell
    assert html.count("<th>指标名称</th>") == 2  # the indicator tables' header rows
    assert not any((a.get("class") or "").startswith("x") for a in t.find("th"))  # no record read from a header


def test_page_is_offline_and_small() -> None:
    report = pipeline.extract_file(CORPORA / "jinjiang_city_gwr_2023-12.pdf")
    html = render_report(report)
    assert len(html.encode()) < 2_000_000
    t = parse(html)
    for tag, a, _ in t.elements:
        for attr in ("src", "href", "action", "data"):
            v = a.get(attr) or ""
            assert not re.match(r"(?i)\s*(https?:|//|ftp:)", v), (tag, attr, v)
        assert not (tag == "link" and a.get("rel") == "stylesheet")
        assert not (tag == "script" and a.get("src"))
    assert "@import" not in html and "url(" not in html
    assert "default-src 'none'" in html  # the page may fetch nothing
    assert len(re.findall(r'<div class="pg">page \d+</div>', html)) >= 20  # PDF pages


def test_report_page_charts_targets_vs_actuals(jiangjin: dict[str, Any]) -> None:
    html = render_report(jiangjin)
    assert '<details class="charts" open>' in html
    assert "2024: targets vs actuals, percent" in html
    t = parse(html)
    links = [a["href"] for a in t.find("a") if (a.get("href") or "").startswith("#rec-")]
    assert links and all(re.fullmatch(r"#rec-i\d+", h or "") for h in links)
    assert render_report(_report("无", [])).count("<svg") == 0  # nothing to chart: no chart


def test_index_lists_reports_with_counts_links_and_comparison_rows(jiangjin: dict[str, Any], tmp_path: Path) -> None:
    hailar = [pipeline.extract_file(CORPORA / f"hailar_district_gwr_{y}.txt") for y in (2016, 2017, 2018)]
    reports = [jiangjin, *hailar]
    result = write_review(reports, tmp_path)
    names = [p.name for p in result.pages]
    assert names == ["jiangjin_plan_report_2025.txt.html"] + [f"hailar_district_gwr_{y}.txt.html" for y in (2016, 2017, 2018)]
    assert all(p.is_file() for p in result.pages) and result.index.name == "index.html" and not result.problems
    html = result.index.read_text(encoding="utf-8")
    t = parse(html)
    hrefs = [a["href"] or "" for a in t.find("a")]
    for n in names:
        assert n in hrefs
    # the report's row: its counts
    row = re.search(r'<tr><td><a href="jiangjin_plan_report_2025.txt.html">.*?</tr>', html)
    assert row
    nums = [int(x) for x in re.findall(r'<td class="num">(\d*)</td>', row.group(0)) if x][2:]
    kinds = [(r["status"] == "numeric") and r["kind"] for r in jiangjin["indicators"]]
    assert nums == [kinds.count("target"), kinds.count("actual"), kinds.count(False), len(jiangjin["projects"]),
                    len(jiangjin["tables"])]
    # comparison rows link to the record in its page, and every link target exists
    assert result.comparison_rows and result.comparison_rows > 0
    rows = t.find("tr")
    assert sum(1 for r in rows if r.get("data-outcome")) == result.comparison_rows
    deep = [h for h in hrefs if "#rec-" in h]
    assert deep
    pages = {p.name: parse(p.read_text(encoding="utf-8")) for p in result.pages}
    for h in deep[:50]:
        page, rid = h.split("#rec-")
        assert any(a.get("data-rec") == rid for a in pages[page].find("li")), h
    # the report pages link back
    assert '<a href="index.html">' in result.pages[0].read_text(encoding="utf-8")
    # without pipeline.compare: no rows
    assert "No comparison" in render_index(reports, None)


def test_write_review_reads_an_output_folder_and_skips_other_json(jiangjin: dict[str, Any], tmp_path: Path) -> None:
    out = tmp_path / "outputs"
    (out / "sub").mkdir(parents=True)
    (out / "sub" / "a.pdf.json").write_text(json.dumps(jiangjin, ensure_ascii=False), encoding="utf-8")
    (out / "datapackage.json").write_text('{"name": "not a report"}', encoding="utf-8")
    (out / "_manifest.jsonl").write_text("{}\n", encoding="utf-8")
    result = write_review([out], out / "review")
    assert [p.name for p in result.pages] == ["a.pdf.html"] and not result.problems
    again = (out / "review" / "a.pdf.html").read_text(encoding="utf-8")
    write_review([out], out / "review")
    assert (out / "review" / "a.pdf.html").read_text(encoding="utf-8") == again  # deterministic
    bad = write_review([tmp_path / "missing.json", out / "datapackage.json"], tmp_path / "r2")
    assert len(bad.problems) == 2 and bad.pages == []


def test_page_names_are_unique_and_safe() -> None:
    reps = [_report("a", [], path="d/x.txt"), _report("a", [], path="e/x.txt"), _report("a", [], path="index"),
            _report("a", [], path='a/b<c>#?.txt')]
    assert page_names(reps) == ["x.txt.html", "x.txt-2.html", "index-2.html", "b_c___.txt.html"]


def test_cli_review(jiangjin: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "jiangjin_plan_report_2025.txt.json"
    src.write_text(json.dumps(jiangjin, ensure_ascii=False), encoding="utf-8")
    assert main(["review", str(src), "--out", str(tmp_path / "review")]) == 0
    assert "1 review pages" in capsys.readouterr().err
    assert (tmp_path / "review" / "jiangjin_plan_report_2025.txt.html").is_file()
    assert (tmp_path / "review" / "index.html").is_file()
    assert main(["review", str(tmp_path / "nope.json"), "--out", str(tmp_path / "r")]) == 1
    err = capsys.readouterr().err
    assert "error: " in err and "nope.json: no such file" in err and "Traceback" not in err
    sub = next(a for a in build_parser()._actions if a.dest == "command").choices["review"]  # type: ignore[union-attr]
    help_text = sub.format_help().rstrip()
    assert "Example:" in help_text and help_text.splitlines()[-1].strip().startswith("govreport review")
    assert "govreport review" in (ROOT / "README.md").read_text(encoding="utf-8")

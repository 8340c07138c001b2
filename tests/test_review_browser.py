"""The review pages in a real headless browser: Debian's chromium driven by playwright (never a downloaded
browser). Skipped when chromium or playwright is missing; .ci/run installs chromium, so CI runs it.

Set GOVREPORT_REVIEW_SCREENSHOT=docs/review.png to also write the README's screenshot.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any, Iterator

import pytest

import pipeline
from pipeline.review import write_review

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
if CHROMIUM is None:
    pytest.skip("chromium is not installed (apt-get install -y chromium; .ci/run installs it in CI)",
                allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[test]')")

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage"]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    report = pipeline.extract_file(ROOT / "corpora" / "jiangjin_plan_report_2025.txt")
    out = tmp_path_factory.mktemp("review")
    result = write_review([report], out)
    gdp = next(k for k, r in enumerate(report["indicators"]) if r["indicator_id"] == "gdp_growth"
               and r["year"] == 2024 and r["kind"] == "actual" and r["source"]["table"] is None)
    return {"report": report, "page": result.pages[0], "index": result.index, "gdp": f"i{gdp}"}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    profile = tempfile.mkdtemp(prefix="govreport-chromium-")
    with sync_api.sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, headless=True, args=ARGS, viewport={"width": 1400, "height": 900},
            device_scale_factor=1, offline=True)
        try:
            yield ctx
        finally:
            ctx.close()
            shutil.rmtree(profile, ignore_errors=True)


class Watch:
    """Console errors, uncaught exceptions and failed requests of one page."""

    def __init__(self, page: Any) -> None:
        self.errors: list[str] = []
        page.on("console", lambda m: self.errors.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning") else None)
        page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        page.on("requestfailed", lambda r: self.errors.append(f"request failed: {r.url}"))


def _open(browser: Any, url: str) -> tuple[Any, Watch]:
    page = browser.new_page()
    watch = Watch(page)
    page.goto(url)
    page.wait_for_load_state("load")
    return page, watch


def test_click_a_highlight_shows_its_record(browser: Any, site: dict[str, Any], tmp_path: Path) -> None:
    page, watch = _open(browser, site["page"].as_uri())
    rid = site["gdp"]
    mark = page.locator(f'mark[data-recs~="{rid}"]').first
    assert mark.inner_text() == "4.1%"
    mark.click()
    card = page.locator(f'#detail-body .card[data-rec="{rid}"]')
    card.wait_for(state="visible")
    fields = dict(zip(card.locator("dt").all_inner_texts(), card.locator("dd").all_inner_texts()))
    assert fields["value"] == "4.1" and fields["unit"] == "percent"
    assert fields["qualifier"] == "exact" and fields["year"] == "2024" and fields["indicator id"] == "gdp_growth"
    assert fields["kind"] == "actual" and "1490.78亿元" in fields["sentence"]
    assert "sel" in (mark.get_attribute("class") or "")
    assert "sel" in (page.locator(f"#rec-{rid}").get_attribute("class") or "")
    mark.evaluate("m => m.scrollIntoView({block: 'center'})")
    shot = tmp_path / "review.png"
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 20_000
    if os.environ.get("GOVREPORT_REVIEW_SCREENSHOT"):
        dest = Path(os.environ["GOVREPORT_REVIEW_SCREENSHOT"])
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, dest)
    # a record in the list scrolls to and selects its highlight; a table cell is marked
    page.locator("#rec-i0").click()
    page.locator('#detail-body .card[data-rec="i0"]').wait_for(state="visible")
    assert page.locator('td.x mark[data-recs~="i0"]').count() == 1
    assert watch.errors == []
    page.close()


def test_filters_by_kind_and_indicator(browser: Any, site: dict[str, Any]) -> None:
    page, watch = _open(browser, site["page"].as_uri())
    report, rid = site["report"], site["gdp"]
    total = len(report["indicators"]) + len(report["projects"])
    assert page.locator("#shown").inner_text() == f"{total} of {total} records shown"
    page.locator('#filters input[data-kind="actual"]').uncheck()
    assert page.locator(f"#rec-{rid}").is_hidden()
    mark = page.locator(f'mark[data-recs~="{rid}"]').first
    assert "k-actual" not in (mark.get_attribute("class") or "")
    page.locator('#filters input[data-kind="actual"]').check()
    assert "k-actual" in (mark.get_attribute("class") or "")
    page.select_option("#f-indicator", "gdp_growth")
    n = sum(1 for r in report["indicators"] if r["indicator_id"] == "gdp_growth")
    assert page.locator("#shown").inner_text() == f"{n} of {total} records shown"
    assert page.locator("#reclist li.rec:visible").count() == n
    page.locator("#f-onlyhl").check()
    assert page.locator("#doc .blk:visible").count() < page.locator("#doc .blk").count()
    assert watch.errors == []
    page.close()


def test_links_from_the_index_and_charts_select_records(browser: Any, site: dict[str, Any]) -> None:
    page, watch = _open(browser, site["index"].as_uri())
    assert page.locator("#reports tbody tr").count() == 1
    assert page.locator("#rows tbody tr").count() > 20  # the comparison rows
    page.fill("#q-rows", "gdp_growth")
    assert 0 < page.locator("#rows tbody tr:visible").count() < 5
    page.locator("#rows tbody tr:visible a").first.click()  # a target or actual: its record in the report page
    page.wait_for_url("**/jiangjin_plan_report_2025.txt.html#rec-*")
    page.locator("#detail-body .card").first.wait_for(state="visible")
    assert "gdp_growth" in page.locator("#detail-body").inner_text()
    # a chart point links to its record too
    page.locator("svg.dumbbell a circle").first.click()
    page.locator("#detail-body .card").first.wait_for(state="visible")
    assert watch.errors == []
    page.close()

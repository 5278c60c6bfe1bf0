"""The Archive tab in a real headless Chromium against a real ``rag serve`` (test profile,
bundled corpus): list, search, filter, open, delete, add files/folders/zips, cancel."""

from __future__ import annotations

import json
import re
import time
import uuid
import zipfile

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from evals.bench.common import write_corpus
from rag.settings import BUNDLED_CORPUS
from tests.ui.conftest import log_in

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]

INDEX_TIMEOUT_MS = 600_000
"""Indexing on a busy two-core machine: the embedding model runs at ~10-40 chunks/s."""
UPLOAD_ENDED = re.compile("Summary|Skipped|failed|Choose files|Nothing to add")
"""What each way an upload can end shows (ui/archive_render.py and ui/archive.py)."""
TITLES = "#archive-table [role=gridcell][data-col='0']"
OUTLETS = "#archive-table [role=gridcell][data-col='1']"
DATES = "#archive-table [role=gridcell][data-col='2']"
SHOWN_FROM = re.compile(r"of ([\d,]+)")


@pytest.fixture
def archive_page(browser, server):
    """Factory for logged-in pages showing the Archive tab, each its own browser session."""
    contexts = []

    def make():
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        contexts.append(context)
        log_in(context, server)
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.goto(server.url)
        page.get_by_role("tab", name="Archive").click()
        page.wait_for_selector(f"{TITLES}[data-row='0']")
        settle(page)
        return page

    yield make
    for context in contexts:
        context.close()


def titles(page) -> list[str]:
    return [text.strip() for text in page.locator(TITLES).all_inner_texts()]


def settle(page) -> None:
    """Wait for the list the Archive tab fetches when selected: the page first shows the archive as
    it was when the server started, so an earlier upload appears a moment later."""
    seen, stable_since = total(page), time.monotonic()
    deadline = stable_since + 10
    while time.monotonic() - stable_since < 1.5 and time.monotonic() < deadline:
        page.wait_for_timeout(250)
        now = total(page)
        if now != seen:
            seen, stable_since = now, time.monotonic()


def total(page) -> int:
    """Articles in the archive, from the line above the table ("Articles 1–5 of 5 ...")."""
    text = page.inner_text("#archive-info")
    numbers = re.findall(r"([\d,]+) in the archive", text) or SHOWN_FROM.findall(text)
    return int(numbers[0].replace(",", ""))


def type_into(page, selector: str, text: str) -> None:
    """Type like a person (one key at a time), then wait for the list to settle."""
    box = page.locator(f"{selector} input, {selector} textarea").first
    box.fill("")
    box.press_sequentially(text, delay=30)
    page.wait_for_timeout(400)


def wait_for_titles(page, predicate: str, arg=None) -> None:
    page.wait_for_function(
        f"""(arg) => {{
            const titles = [...document.querySelectorAll("{TITLES}")].map(c => c.innerText.trim());
            return ({predicate})(titles, arg);
        }}""",
        arg=arg,
    )


def choose(page, selector: str, paths) -> None:
    """Put files (a list) or a folder into an upload box and wait until they are uploaded."""
    chosen = [str(p) for p in paths] if isinstance(paths, list) else str(paths)
    page.set_input_files(f"{selector} input[type=file]", chosen)
    names = [p.stem for p in (paths if isinstance(paths, list) else sorted(paths.iterdir()))]
    page.wait_for_function(
        "([sel, names]) => names.every(n => document.querySelector(sel).textContent.includes(n))",
        arg=[selector, [names[0], names[-1]]],
        timeout=120_000,
    )


def press_add(page) -> None:
    """Press "Add to archive" until the upload starts: the earlier summary is cleared first.

    A press can be dropped, as it would be for a person who then presses again: while the
    browser is still sending the files (Gradio says "Waiting for file(s) to finish
    uploading, please retry"), or while the previous upload's event has shown its summary
    but not yet closed (a button's event runs once at a time). A slow machine hits both
    windows; a second press while the first is still queued is ignored, so pressing again
    never adds twice."""
    old_summary = page.locator("#archive-summary").filter(has_text=UPLOAD_ENDED)
    for _ in range(20):
        page.click("#archive-add-button")
        try:
            old_summary.wait_for(state="detached", timeout=6_000)
            return
        except PlaywrightTimeout:
            page.wait_for_timeout(1_000)
    raise AssertionError("pressing Add to archive never started the upload")


def add_and_wait(page, selector: str, paths, expect: str = "Summary") -> str:
    """Add the files and return the summary; any ending (a summary, an error, "Choose files")
    ends the wait, so a failed upload shows what the page said instead of waiting it out."""
    page.click("#archive-add")  # unfold the accordion
    choose(page, selector, paths)
    press_add(page)
    page.locator("#archive-summary").filter(has_text=UPLOAD_ENDED).wait_for(timeout=INDEX_TIMEOUT_MS)
    shown = page.inner_text("#archive-summary")
    assert expect in shown, f"the upload ended without {expect!r}; the summary says: {shown!r}"
    return shown


def test_list_shows_the_bundled_articles_search_filters_and_open(archive_page, results_dir):
    page = archive_page()
    shown = titles(page)
    assert total(page) >= 5 and len(shown) >= 5
    assert "Syria rebels say will attend Astana negotiations" in shown
    assert {"AFP", "BBC News"} <= {text.strip() for text in page.locator(OUTLETS).all_inner_texts()}
    assert "2017-01-17" in page.locator(DATES).all_inner_texts()

    # search as you type narrows the list
    type_into(page, "#archive-search", "astana")
    wait_for_titles(page, "(t) => t.length >= 1 && t.every(x => x.toLowerCase().includes('astana'))")
    assert "Syria rebels say will attend Astana negotiations" in titles(page)
    assert "matching" in page.inner_text("#archive-info")
    type_into(page, "#archive-search", "")
    # outlet box: part of a name, any case
    type_into(page, "#archive-outlet", "bbc")
    wait_for_titles(page, "(t) => t.length === 1")
    assert [o.strip() for o in page.locator(OUTLETS).all_inner_texts()] == ["BBC News"]
    assert "BBC News (1)" in page.inner_text("#archive-info")
    type_into(page, "#archive-outlet", "")
    # date range: only dated articles inside it
    type_into(page, "#archive-since", "2017-01-17")
    page.locator("#archive-since input, #archive-since textarea").first.press("Enter")
    wait_for_titles(page, "(t) => t.length >= 1 && t.length < arg", arg=total(page))
    assert all(d.strip() >= "2017-01-17" for d in page.locator(DATES).all_inner_texts())
    type_into(page, "#archive-since", "17/01/2017")
    page.locator("#archive-since input, #archive-since textarea").first.press("Enter")
    page.locator("#archive-info").filter(has_text="YYYY-MM-DD").wait_for()
    type_into(page, "#archive-since", "")
    page.locator("#archive-since input, #archive-since textarea").first.press("Enter")
    wait_for_titles(page, "(t) => t.length >= 5")

    # open one: its full text, with the wire copies it shares text with
    row = titles(page).index("Syria rebels say will attend Astana negotiations")
    page.click(f"{TITLES}[data-row='{row}']")
    body = page.locator("#archive-article .archive-text")
    body.wait_for()
    source = (BUNDLED_CORPUS / "002_3598194b84453929.txt").read_text(encoding="utf-8")
    last_line = [line for line in source.splitlines() if line.strip()][-1].strip()
    assert last_line[:60] in body.inner_text()
    assert "Shares text with 2 other" in page.inner_text("#archive-article")
    assert page.locator("#archive-delete").is_visible()
    page.screenshot(path=str(results_dir / "archive_view.png"), full_page=True)


def test_delete_asks_first_then_the_article_is_gone(archive_page, server, tmp_path):
    marker = f"Zephyr{uuid.uuid4().hex[:6]}"
    title = f'{marker} ferry resumes <img src=x onerror="window.__pwned=1"> service'
    article = tmp_path / f"{marker.lower()}.txt"
    article.write_text(
        f"{title}\n\nThe {marker} ferry resumed its crossing on Monday. <script>window.__pwned=2</script>\n",
        encoding="utf-8",
    )
    page = archive_page()
    before = total(page)
    summary = add_and_wait(page, "#archive-files", [article])
    assert "1 added" in summary
    type_into(page, "#archive-search", marker)
    wait_for_titles(page, "(t) => t.length === 1")
    assert total(page) == before + 1
    # markup in an article is shown as text, never run
    assert titles(page) == [title]
    page.click(f"{TITLES}[data-row='0']")
    page.locator("#archive-article .archive-text").wait_for()
    assert "<script>window.__pwned=2</script>" in page.inner_text("#archive-article")
    assert page.locator("img[src='x']").count() == 0 and page.locator("#archive-article script").count() == 0
    assert page.evaluate("typeof window.__pwned") == "undefined"
    copy = server.data_dir / "uploads" / article.name
    assert copy.exists()

    page.click("#archive-delete")  # asks first
    page.locator("#archive-confirm-text").filter(has_text=marker).wait_for()
    page.click("#archive-keep")
    page.locator("#archive-confirm").wait_for(state="hidden")
    assert titles(page) == [title]
    page.click("#archive-delete")
    page.click("#archive-confirm-delete")
    page.locator("#archive-delete-message").filter(has_text="Deleted").wait_for()
    wait_for_titles(page, "(t) => t.length === 0")
    assert "No article matches" in page.inner_text("#archive-info")
    assert not copy.exists()  # the uploaded copy went with it

    other = archive_page()  # a fresh page does not list it either
    assert total(other) == before
    type_into(other, "#archive-search", marker)
    wait_for_titles(other, "(t) => t.length === 0")


def test_zip_and_folder_uploads_add_articles_with_a_summary(archive_page, tmp_path):
    marker = f"Quill{uuid.uuid4().hex[:6]}"
    archive = tmp_path / f"{marker}-feed.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr(
            f"north/{marker} bridge.txt", f"{marker} bridge opens\n\nThe {marker} bridge opened today.\n"
        )
        zipped.writestr(
            f"south/{marker} dam.txt", f"{marker} dam repaired\n\nEngineers repaired the {marker} dam.\n"
        )
        zipped.writestr(f"south/{marker} dam.txt.meta.json", json.dumps({"source": "Nordwire"}))
        zipped.writestr("../escape.txt", "must not leave the folder")
        zipped.writestr("broken.json", '{"title": "unterminated')
    folder = tmp_path / f"{marker}-folder"
    folder.mkdir()
    for name in ("market", "school", "clinic"):
        (folder / f"{marker}-{name}.md").write_text(
            f"# {marker} {name} reopens\n\nThe {name} in {marker} reopened after the storm, residents said.\n",
            encoding="utf-8",
        )
    (folder / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0 not an article")

    page = archive_page()
    before = total(page)
    summary = add_and_wait(page, "#archive-files", [archive])
    assert "2 added" in summary
    assert "escape.txt" in summary and "broken.json" in summary  # skipped, each with its reason
    type_into(page, "#archive-search", marker)
    wait_for_titles(page, "(t) => t.length === 2")
    assert "Nordwire" in page.locator(OUTLETS).all_inner_texts()

    page.click("#archive-add")  # fold, so add_and_wait unfolds it again
    summary = add_and_wait(page, "#archive-folder", folder)
    assert "3 added" in summary and "photo.jpg" in summary
    wait_for_titles(page, "(t) => t.length === 5")
    assert total(page) == before + 5


def test_cancel_during_a_multi_file_upload_keeps_a_consistent_archive(archive_page, tmp_path, results_dir):
    corpus = tmp_path / "many"
    # ~730 chunks: three of the indexer's units, so the cancel lands while one is still to come
    write_corpus(corpus, 400, seed=11)
    files = sorted(corpus.glob("*.txt"))
    page = archive_page()
    before = total(page)
    page.click("#archive-add")
    choose(page, "#archive-files", files)
    page.click("#archive-add-button")
    page.locator("#archive-summary").filter(has_text="Indexing articles").wait_for(timeout=INDEX_TIMEOUT_MS)
    page.screenshot(path=str(results_dir / "archive_indexing.png"), full_page=True)
    page.click("#archive-cancel")
    page.locator("#archive-cancel-note").filter(has_text="Cancelling").wait_for()
    page.locator("#archive-summary").filter(has_text="Cancelled").wait_for(timeout=INDEX_TIMEOUT_MS)
    summary = page.inner_text("#archive-summary")
    added = int(re.search(r"(\d+) added", summary).group(1))
    not_indexed = int(re.search(r"(\d+) article\(s\) were not indexed", summary).group(1))
    assert added > 0 and not_indexed > 0 and added + not_indexed == 400, summary
    page.locator("#archive-info").filter(has_text=f"of {before + added:,}").wait_for()
    assert total(page) == before + added  # what was indexed stays, nothing else

    # adding the same files again finishes the job
    page.click("#archive-add")
    summary = add_and_wait(page, "#archive-files", files, expect="Summary")
    assert f"{not_indexed} added" in summary and f"{added} unchanged" in summary
    type_into(page, "#archive-search", "report")
    assert total(page) == before + 400

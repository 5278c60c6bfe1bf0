"""The chat UI in a real headless Chromium against a real ``rag serve`` (test profile).

The small model answers fast but not well, so these tests assert on what the UI does
(streaming, links, cards, isolation, escaping, login) and on retrieval, never on answer quality.
"""

from __future__ import annotations

import json
import uuid

import httpx
import pytest

from tests.ui.conftest import OTHER_USER

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]

ANSWER_TIMEOUT_MS = 600_000
"""Generous: on a busy two-core machine even the small model can take minutes per answer."""
BOT = '#chat [data-testid="bot"]'
USER_MSG = '#chat [data-testid="user"]'

# Records the length of the answer being written each time the chat changes, so a test can
# see it grow rather than only its end state, and whether any of it showed outside the draft
# box or the checked sentences.
WATCH_STREAM = """
() => {
  window.__lengths = [];
  window.__outside = [];
  const chat = document.querySelector('#chat');
  new MutationObserver(() => {
    const bots = chat.querySelectorAll('[data-testid="bot"]');
    const last = bots[bots.length - 1];
    if (!last || !last.querySelector('.draft')) return;
    const shown = [...last.querySelectorAll('.draft-text, .answer.checked')];
    window.__lengths.push(shown.reduce((n, el) => n + el.textContent.length, 0));
    const stray = last.querySelector('.answer:not(.checked)');
    if (stray) window.__outside.push(stray.textContent);
  }).observe(chat, {subtree: true, childList: true, characterData: true});
}
"""
FINISHED = """
(n) => {
  const bots = document.querySelectorAll('#chat [data-testid="bot"]');
  return bots.length >= n && !bots[bots.length - 1].querySelector('.draft, .streaming');
}
"""


def ask(page, question: str, turn: int) -> None:
    """Ask ``question`` as the ``turn``-th (1-based) question of the chat and wait for the answer."""
    page.fill("#question textarea", question)
    page.click("#ask")
    page.wait_for_function(FINISHED, arg=turn, timeout=ANSWER_TIMEOUT_MS)


def last_answer(page):
    return page.locator(BOT).last


def sources_panel_articles(page) -> list[str]:
    return page.eval_on_selector_all(
        "#sources-panel .src-card", "cards => cards.map(c => c.getAttribute('data-article-id'))"
    )


def upload(page, paths) -> str:
    page.click("#upload-box")  # unfold the accordion
    page.set_input_files("#upload-files input[type=file]", [str(p) for p in paths])
    page.wait_for_function(
        "stems => stems.every(s => document.querySelector('#upload-files').textContent.includes(s))",
        arg=[p.stem for p in paths],
    )
    page.click("#upload-button")
    page.wait_for_function(
        "() => document.querySelector('#upload-report').textContent.includes('Uploaded')",
        timeout=ANSWER_TIMEOUT_MS,
    )
    return page.inner_text("#upload-report")


def test_login_is_required_for_page_api_and_files(server, browser):
    with httpx.Client(base_url=server.url, timeout=10) as client:
        page = client.get("/")
        assert page.status_code == 200 and '"auth_required":true' in page.text
        assert "sources-panel" not in page.text  # no part of the app is served before login
        for method, path in [
            ("GET", "/config"),
            ("GET", "/gradio_api/info"),
            ("GET", "/gradio_api/openapi.json"),
            ("POST", "/gradio_api/queue/join"),
            ("POST", "/gradio_api/upload"),
            ("POST", "/gradio_api/call/ask"),
            ("GET", f"/gradio_api/file={server.log}"),
        ]:
            response = client.request(method, path, json={} if method == "POST" else None)
            assert response.status_code == 401, f"{method} {path} -> {response.status_code}"
        assert client.post("/login", data={"username": server.user, "password": "wrong"}).status_code in (
            400,
            401,
        )

    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(server.url)
        page.fill("input[type=text]", server.user)
        page.fill("input[type=password]", server.password)
        page.click("button:has-text('Login')")
        page.wait_for_selector("#question textarea", timeout=30_000)
        page.wait_for_selector("#sources-panel .src-panel", timeout=30_000)
        assert page.locator("#chat").is_visible()
    finally:
        context.close()


def test_streamed_answer_links_citations_to_source_cards_and_follow_up(new_page, results_dir):
    page = new_page()
    assert page.locator("#chat button.example").count() >= 1  # example questions on the empty chat

    page.evaluate(WATCH_STREAM)
    # A question the small model answers with a citation its source backs (many it refuses). To
    # "Who is Mohammad Alloush?" it wrote that he heads the Higher Negotiations Committee, "a senior
    # UN-sponsored peacekeeping group", which the checks now refuse (rag.verifier.titles).
    ask(page, "What did Mohammad Alloush say on Monday?", 1)
    lengths = page.evaluate("window.__lengths")
    growing = sorted(set(lengths))
    print(f"streamed answer observed at {len(growing)} lengths: {growing}")
    assert len(growing) >= 3, f"the answer did not stream: lengths seen {lengths}"
    assert page.evaluate("window.__outside") == []  # nothing unchecked was shown as the answer

    answer = last_answer(page)
    final_text = answer.inner_text()
    citations = answer.locator("a.cite")
    assert citations.count() >= 1, f"no citation link in the final answer: {final_text!r}"
    assert page.locator(f"{BOT} .streaming").count() == 0
    href = citations.first.get_attribute("href")
    assert href.startswith("#src-0-")

    page.screenshot(path=str(results_dir / "answered_chat.png"), full_page=True)
    # Long source cards scroll inside their panel instead of spilling over the panels below it
    # (Gradio sets an inline "overflow: visible" on the block that the page's CSS must beat).
    panel, below = (
        page.locator("#sources-panel").bounding_box(),
        page.locator("#index-status-box").bounding_box(),
    )
    assert panel["y"] + panel["height"] <= below["y"] + 1, (panel, below)
    overflow = page.evaluate("() => getComputedStyle(document.querySelector('#sources-panel')).overflowY")
    assert overflow in ("auto", "scroll"), overflow
    citations.first.click()
    card = page.locator(href)
    card.wait_for(state="visible")
    assert "flash" in card.get_attribute("class")
    assert page.evaluate("location.hash") == href
    box = card.bounding_box()
    assert box is not None and 0 <= box["y"] < 1000  # scrolled into view
    assert card.locator(".src-title").inner_text().strip()
    assert card.locator(".src-passage").inner_text().strip()
    card.locator(".src-article summary").first.click()
    assert len(card.locator(".article-text").first.inner_text()) > len(
        card.locator(".src-passage").inner_text()
    )

    # The follow-up is restricted to one outlet through the filter form.
    page.click("#filters")
    page.click("#source-filter input")
    page.locator("ul[role=listbox] li", has_text="BBC News").first.click()
    page.keyboard.press("Escape")
    assert "BBC News" in page.inner_text("#source-filter")
    ask(page, "And how many civilians were killed in Deir al-Zor?", 2)
    assert page.locator(USER_MSG).count() == 2 and page.locator(BOT).count() == 2
    follow_up_cards = page.locator("#sources-panel .src-latest [id^='src-1-'] .src-meta")
    assert follow_up_cards.count() >= 1
    assert all("BBC News" in meta for meta in follow_up_cards.all_inner_texts())
    assert page.locator("#sources-panel details.src-earlier [id^='src-0-']").count() >= 1
    # an older answer's citation unfolds its card from the earlier turn
    page.locator(BOT).first.locator("a.cite").first.click()
    assert page.locator("#sources-panel details.src-earlier").first.evaluate("d => d.open")

    # New chat empties the screen; the earlier conversation can be reopened from the list.
    page.click("#new-chat")
    page.wait_for_function(f"() => document.querySelectorAll('{BOT}').length === 0")
    options = page.locator("#conversations label")
    assert options.count() >= 1 and "Alloush" in options.first.inner_text()  # most recent first
    options.first.click()
    page.wait_for_function(f"() => document.querySelectorAll('{BOT}').length === 2")
    assert "civilians" in page.locator(USER_MSG).last.inner_text()


def test_bad_filter_dates_get_a_clear_message_and_no_question_is_sent(new_page):
    page = new_page()
    page.click("#filters")
    page.fill("#since textarea, #since input", "17/01/2017")
    page.fill("#question textarea", "What happened in Astana?")
    page.click("#ask")
    message = page.locator("#filter-message")
    message.filter(has_text="YYYY-MM-DD").wait_for()
    assert "17/01/2017" in message.inner_text()
    assert page.locator(USER_MSG).count() == 0


def test_uploaded_article_is_searchable_at_once_and_skips_are_reported(new_page, tmp_path):
    town = f"Quellbrook{uuid.uuid4().hex[:6]}"
    article = tmp_path / f"{town.lower()}-census.txt"
    article.write_text(
        f"{town} census counts 48,213 residents\n\n"
        f"date 2017-01-20 QUELLBROOK - The town of {town} has a population of 48,213, "
        f"according to the census office of {town}, which published the count on Friday. "
        f"The mayor of {town} said the population of {town} grew by 3 percent.\n",
        encoding="utf-8",
    )
    broken = tmp_path / "broken-feed.json"
    broken.write_text('{"title": "unterminated', encoding="utf-8")
    page = new_page()
    page.click("#index-status-box")  # unfold the accordion
    articles_before = int(page.locator("#index-status tr:has(th:text-is('articles')) td").inner_text())

    report = upload(page, [article, broken])
    assert "1 added" in report
    assert "broken-feed.json" in report and "Skipped 1" in report
    page.wait_for_function(
        "n => parseInt(document.querySelector('#index-status tr td').textContent) === n",
        arg=articles_before + 1,
    )

    ask(page, f"What is the population of {town}?", 1)
    assert any(town.lower() in (article_id or "") for article_id in sources_panel_articles(page)), (
        f"uploaded article not among the sources: {sources_panel_articles(page)}"
    )
    assert town in page.inner_text("#sources-panel")


def test_markup_inside_articles_is_shown_as_text_and_never_runs(new_page, tmp_path):
    marker = f"Zephyrine{uuid.uuid4().hex[:6]}"
    script = "<script>window.__pwned=1</script>"
    image = '<img src=x onerror="window.__pwned=2">'
    article = tmp_path / f"{marker.lower()}.txt"
    article.write_text(
        f"{marker} harbour reopens {image}\n\n"
        f"The {marker} harbour reopened on Monday after repairs. {script} "
        f"Officials in {marker} said ships can dock again. {image}\n",
        encoding="utf-8",
    )
    page = new_page()
    upload(page, [article])
    ask(page, f"When did the {marker} harbour reopen?", 1)

    panel = page.locator("#sources-panel")
    card = panel.locator(f".src-card[data-article-id*='{marker.lower()}']").first
    card.locator(".src-article summary").first.click()
    shown = card.inner_text()
    assert script in shown and image in shown
    assert panel.locator("script").count() == 0 and page.locator("img[src='x']").count() == 0
    page.wait_for_timeout(500)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    # the model may repeat the markup; the chat shows it as text too
    assert page.locator("#chat img[src='x'], #chat script").count() == 0


def test_two_people_chatting_at_once_see_only_their_own_conversation(new_page, server):
    first, second = new_page(), new_page(OTHER_USER)
    questions = {
        "first": "When do the Astana peace talks begin?",
        "second": "Which group said it would not attend the Astana talks?",
    }
    pages = {"first": first, "second": second}
    for name, page in pages.items():
        page.fill("#question textarea", questions[name])
    errors: list[BaseException] = []

    # Both questions are sent before either answer arrives; the server serves them together.
    for page in pages.values():
        page.click("#ask")
    for page in pages.values():
        try:
            page.wait_for_function(FINISHED, arg=1, timeout=ANSWER_TIMEOUT_MS)
        except Exception as exc:  # report both pages
            errors.append(exc)
    assert not errors, errors

    for name, page in pages.items():
        other = "second" if name == "first" else "first"
        users = page.locator(USER_MSG).all_inner_texts()
        assert users == [questions[name]], f"{name} sees {users}"
        assert page.locator(BOT).count() == 1
        options = page.locator("#conversations label").all_inner_texts()
        assert options[0].strip() == questions[name] and questions[other] not in json.dumps(options)

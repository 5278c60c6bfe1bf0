"""The chat controls in a real headless Chromium against a real ``rag serve`` (test profile):
stored conversations across a restart, rename and delete, Stop, a question asked while an
answer is written, New chat during an answer, Copy, and the draft marked as being checked.

The small model answers fast but not well, so these tests assert on what the UI does, never
on answer quality; an answer may be a refusal.
"""

from __future__ import annotations

import time

import pytest

from tests.ui.conftest import OTHER_USER
from tests.ui.test_browser import ANSWER_TIMEOUT_MS, BOT, FINISHED, USER_MSG, ask

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]

QUESTION = "How many people were killed in the fighting in Deir al-Zor?"
OTHER_QUESTION = "Who will head the rebel delegation to the Astana talks?"
WRITING = f"{BOT} .draft"
"""The last answer is still being written (searching, or its draft being checked)."""

# Records every draft text shown and whether it was ever shown outside the draft box.
WATCH_DRAFT = """
() => {
  window.__drafts = [];
  window.__labels = [];
  const chat = document.querySelector('#chat');
  new MutationObserver(() => {
    const bots = chat.querySelectorAll('[data-testid="bot"]');
    const last = bots[bots.length - 1];
    if (!last) return;
    const draft = last.querySelector('.draft-text');
    if (draft) {
      const style = getComputedStyle(draft);
      window.__drafts.push({text: draft.textContent, italic: style.fontStyle,
                            inDraftBox: !!draft.closest('.draft')});
    }
    const label = last.querySelector('.draft-label');
    if (label) window.__labels.push(label.textContent);
  }).observe(chat, {subtree: true, childList: true, characterData: true});
}
"""


def conversation_titles(page) -> list[str]:
    return [t.strip() for t in page.locator("#conversations label").all_inner_texts()]


def test_conversation_survives_a_restart_and_can_be_renamed_and_deleted(new_page, server):
    page = new_page()
    ask(page, QUESTION, 1)
    answer_text = page.locator(BOT).last.inner_text()
    assert conversation_titles(page)[0] == QUESTION

    server.restart()  # a new process: nothing of the first one's memory is left

    page = new_page()
    page.locator("#conversations label", has_text=QUESTION).wait_for()
    assert page.locator(BOT).count() == 0  # the list is there; the chat starts empty
    page.locator("#conversations label", has_text=QUESTION).first.click()
    page.wait_for_function(f"() => document.querySelectorAll('{BOT}').length === 1")
    assert page.locator(USER_MSG).first.inner_text().strip() == QUESTION
    assert page.locator(BOT).last.inner_text() == answer_text
    assert page.locator("#sources-panel .src-card").count() >= 1

    other = new_page(OTHER_USER)  # another login sees none of it
    other.wait_for_timeout(1000)
    assert QUESTION not in other.inner_text("#conversations")

    page.click("#manage-conversation")
    title_box = page.locator("#conversation-title input, #conversation-title textarea").first
    assert title_box.input_value() == QUESTION
    title_box.fill("Deir al-Zor toll")
    page.click("#rename-conversation")
    page.locator("#conversations label", has_text="Deir al-Zor toll").wait_for()
    assert QUESTION not in conversation_titles(page)

    reloaded = new_page()
    reloaded.locator("#conversations label", has_text="Deir al-Zor toll").wait_for()

    page.click("#delete-conversation")
    page.locator("#filter-message", has_text="Deleted “Deir al-Zor toll”").wait_for()
    page.wait_for_function(f"() => document.querySelectorAll('{BOT}').length === 0")
    assert "Deir al-Zor toll" not in conversation_titles(page)
    again = new_page()
    again.wait_for_timeout(1000)
    assert "Deir al-Zor toll" not in again.inner_text("#conversations")


def test_stop_ends_the_answer_with_a_note_and_the_chat_stays_usable(new_page):
    page = new_page()
    page.fill("#question textarea", QUESTION)
    page.click("#ask")
    page.locator(WRITING).wait_for()
    assert page.locator("#stop").is_enabled()
    page.click("#stop")
    stopped = page.locator(f"{BOT} .notice-stopped")
    stopped.wait_for(timeout=10_000)  # at once, not after the answer
    assert page.locator(WRITING).count() == 0
    page.wait_for_timeout(3000)  # nothing of the stopped answer arrives later
    assert stopped.count() == 1 and page.locator(WRITING).count() == 0
    assert page.locator(BOT).count() == 1
    assert not page.locator("#stop").is_enabled()

    ask(page, OTHER_QUESTION, 2)  # the conversation stays usable, the stopped turn still on screen
    assert [t.strip() for t in page.locator(USER_MSG).all_inner_texts()] == [QUESTION, OTHER_QUESTION]
    assert page.locator(f"{BOT} .notice-stopped").count() == 1
    assert page.locator(BOT).last.locator(".notice-stopped, .draft").count() == 0

    reopened = new_page()  # what is stored: the answered turn only
    reopened.locator("#conversations label", has_text=OTHER_QUESTION).first.click()
    reopened.wait_for_function(f"() => document.querySelectorAll('{BOT}').length === 1")
    assert [t.strip() for t in reopened.locator(USER_MSG).all_inner_texts()] == [OTHER_QUESTION]


def test_a_question_asked_while_answering_gets_a_word(new_page):
    page = new_page()
    page.fill("#question textarea", QUESTION)
    page.click("#ask")
    page.locator(WRITING).wait_for()
    page.fill("#question textarea", OTHER_QUESTION)
    page.press("#question textarea", "Enter")
    page.locator("#filter-message", has_text="Still answering your previous question").wait_for()
    assert page.input_value("#question textarea") == OTHER_QUESTION  # kept for later
    page.wait_for_function(FINISHED, arg=1, timeout=ANSWER_TIMEOUT_MS)
    assert page.locator(USER_MSG).all_inner_texts() == [QUESTION]
    assert "Still answering" not in page.inner_text("#filter-message")


def test_new_chat_during_an_answer_starts_afresh(new_page):
    page = new_page()
    page.wait_for_timeout(1000)  # the stored conversations are listed on load
    before = conversation_titles(page)
    page.fill("#question textarea", QUESTION)
    page.click("#ask")
    page.locator(WRITING).wait_for()
    page.click("#new-chat")
    page.wait_for_function(f"() => document.querySelectorAll('{BOT}').length === 0")
    deadline = time.monotonic() + 15  # longer than the small model takes for the whole answer
    while time.monotonic() < deadline:
        assert page.locator(BOT).count() == 0 and page.locator(USER_MSG).count() == 0
        page.wait_for_timeout(500)
    assert conversation_titles(page) == before  # the unanswered chat is not kept

    ask(page, OTHER_QUESTION, 1)
    assert page.locator(USER_MSG).all_inner_texts() == [OTHER_QUESTION]
    assert page.locator(BOT).count() == 1


def test_draft_is_marked_as_being_checked_and_copy_gives_the_answer_text(new_page, server, results_dir):
    page = new_page()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
    page.evaluate(WATCH_DRAFT)
    page.fill("#question textarea", QUESTION)
    page.click("#ask")
    page.locator(f"{BOT} .draft-text").wait_for(timeout=ANSWER_TIMEOUT_MS)
    page.screenshot(path=str(results_dir / "mid_stream.png"))
    page.wait_for_function(FINISHED, arg=1, timeout=ANSWER_TIMEOUT_MS)

    drafts = page.evaluate("window.__drafts")
    labels = set(page.evaluate("window.__labels"))
    assert drafts, "no draft text was seen while the answer was written"
    assert all(d["inDraftBox"] and d["italic"] == "italic" for d in drafts), drafts[:3]
    assert "Checking against the sources…" in labels, labels
    final = page.locator(BOT).last
    assert final.locator(".draft, .streaming").count() == 0  # the answer replaced the draft
    if final.locator(".notice-refusal").count():
        # a refusal leaves nothing of the draft on screen
        longest = max((d["text"].strip() for d in drafts), key=len)
        assert longest not in final.inner_text()

    final.hover()
    copy = final.locator("xpath=..").locator("button[aria-label='Copy message']")
    if copy.count() == 0:  # the button row sits beside the message, not inside it
        copy = page.locator("#chat button[aria-label='Copy message']").last
    copy.click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.strip() and "<" not in copied and "class=" not in copied, copied
    assert copied.split()[0] in final.inner_text()

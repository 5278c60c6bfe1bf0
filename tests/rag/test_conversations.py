"""The conversation store: restarts, owners kept apart, concurrent writers, a kill mid-write."""

from __future__ import annotations

import datetime as dt
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from rag.conversations import ConversationStore, UnknownConversationError
from rag.types import Answer, Passage, Sentence, Source

pytestmark = pytest.mark.unit

REPO = Path(__file__).resolve().parents[2]


def answer(question: str, text: str = "About 200,000 people live there [1].") -> Answer:
    passage = Passage(
        chunk_id="c1",
        article_id="a1",
        text="Some 200,000 people live in the city.",
        start=0,
        end=37,
        title="Siege of the city",
        date=dt.date(2017, 1, 17),
        source="AFP",
    )
    return Answer(
        question=question,
        standalone_question=question,
        text=text,
        sentences=[Sentence(text=text, start=0, end=len(text), citations=[1], support=0.9)],
        sources=[Source(number=1, passage=passage)],
    )


def test_conversations_survive_a_restart(tmp_path: Path):
    path = tmp_path / "conversations.sqlite3"
    store = ConversationStore(path)
    first = store.create("ann")
    store.append("ann", first, answer("How many people live in Deir al-Zor?"))
    store.append("ann", first, answer("Who besieges it?", "Islamic State fighters [1]."))
    second = store.create("ann")
    store.append("ann", second, answer("When do the Astana talks begin?"))
    store.rename("ann", first, "  Deir al-Zor\npopulation ")
    written = store.answers("ann", first)
    store.close()

    reopened = ConversationStore(path)  # a new process would open the file the same way
    listed = reopened.list("ann")
    assert [c.id for c in listed] == [second, first]  # most recently used first
    assert [c.title for c in listed] == ["When do the Astana talks begin?", "Deir al-Zor population"]
    assert [c.turns for c in listed] == [1, 2]
    again = reopened.answers("ann", first)
    assert [a.model_dump() for a in again] == [a.model_dump() for a in written]
    assert again[1].sources[0].passage.date == dt.date(2017, 1, 17)

    reopened.delete("ann", first)
    assert [c.id for c in reopened.list("ann")] == [second]
    with pytest.raises(UnknownConversationError):
        reopened.answers("ann", first)
    orphans = sqlite3.connect(path).execute("SELECT COUNT(*) FROM turns WHERE conversation_id = ?", (first,))
    assert orphans.fetchone() == (0,)


def test_owners_never_see_or_change_each_others_conversations(tmp_path: Path):
    store = ConversationStore(tmp_path / "c.sqlite3")
    ann = store.create("ann")
    store.append("ann", ann, answer("Ann's question"))
    bob = store.create("bob")
    assert [c.id for c in store.list("ann")] == [ann]
    assert [c.id for c in store.list("bob")] == [bob]
    assert store.list("local") == []
    for attempt in (
        lambda: store.answers("bob", ann),
        lambda: store.append("bob", ann, answer("Bob's question")),
        lambda: store.rename("bob", ann, "mine now"),
        lambda: store.delete("bob", ann),
    ):
        with pytest.raises(UnknownConversationError, match="belongs to someone else"):
            attempt()
    assert [a.question for a in store.answers("ann", ann)] == ["Ann's question"]
    with pytest.raises(UnknownConversationError) as long_id:  # an id is named, not echoed at any length
        store.answers("ann", "x" * 5000)
    assert len(str(long_id.value)) < 400 and "x…' here" in str(long_id.value)
    assert store.get("ann", ann).title == "Ann's question"
    with pytest.raises(ValueError, match="empty"):
        store.rename("ann", ann, "   ")


def test_concurrent_writers_from_threads_keep_every_turn_in_order(tmp_path: Path):
    store = ConversationStore(tmp_path / "c.sqlite3")
    shared = store.create("ann")
    errors: list[BaseException] = []
    threads_n, turns_n = 6, 15

    def write(worker: int) -> None:
        try:
            own = store.create(f"user{worker}")
            for turn in range(turns_n):
                store.append("ann", shared, answer(f"w{worker} t{turn}"))
                store.append(f"user{worker}", own, answer(f"own {turn}"))
                store.list("ann")  # readers in between writers
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(threads_n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    questions = [a.question for a in store.answers("ann", shared)]
    assert len(questions) == threads_n * turns_n
    for worker in range(threads_n):  # each writer's turns in the order it wrote them
        mine = [q for q in questions if q.startswith(f"w{worker} ")]
        assert mine == [f"w{worker} t{t}" for t in range(turns_n)]
        (own,) = store.list(f"user{worker}")
        assert own.turns == turns_n
    db = sqlite3.connect(tmp_path / "c.sqlite3")
    assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)


WRITER = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, sys.argv[2])
    from rag.conversations import ConversationStore
    from tests.rag.test_conversations import answer
    store = ConversationStore(sys.argv[1])
    cid = store.create("ann")
    print(cid, flush=True)
    turn = 0
    while True:
        store.append("ann", cid, answer(f"turn {turn}", "x" * 20000))
        turn += 1
    """
)


def test_a_process_killed_mid_write_leaves_a_consistent_file(tmp_path: Path):
    path = tmp_path / "c.sqlite3"
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), str(REPO)], stdout=subprocess.PIPE, text=True
    )
    try:
        cid = writer.stdout.readline().strip()
        assert cid, "the writer did not start"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if path.exists() and ConversationStore(path).get("ann", cid).turns >= 5:
                break
            time.sleep(0.05)
        writer.send_signal(signal.SIGKILL)  # no clean-up of any kind
    finally:
        writer.wait(timeout=30)
    store = ConversationStore(path)
    answers = store.answers("ann", cid)
    assert len(answers) >= 5
    assert [a.question for a in answers] == [f"turn {t}" for t in range(len(answers))]
    assert store.get("ann", cid).turns == len(answers)
    assert sqlite3.connect(path).execute("PRAGMA integrity_check").fetchone() == ("ok",)

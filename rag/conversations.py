"""Conversations on disk: every turn's :class:`~rag.types.Answer`, per owner, across restarts.

One SQLite file in the data folder (the standard library's ``sqlite3``: no server, one
file to back up). Each turn is stored as the Answer's JSON, so a reopened conversation
shows exactly what was answered, with its sources, and follow-ups are rewritten with the
same history as before the restart.

Why these SQLite settings:

* WAL journal: readers never block the writer, so listing conversations in one browser
  while another streams an answer does not wait; a process killed mid-write leaves the
  last committed state (the write-ahead log is rolled back or forward on the next open).
* ``synchronous=NORMAL`` with WAL: a committed turn survives a process crash; only a power
  cut can lose the very last commits, never corrupt the file.
* One connection per thread (SQLite connections must not be shared across threads without
  a lock) and every write in one ``BEGIN IMMEDIATE`` transaction, so two threads writing to
  the same conversation never interleave half a turn.
"""

from __future__ import annotations

import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from rag.types import Answer

LOCAL_OWNER = "local"
"""The owner of every conversation when the UI runs without a login."""
FILE_NAME = "conversations.sqlite3"
TITLE_CHARS = 200
BUSY_TIMEOUT_S = 30.0
"""How long a writer waits for another's transaction (each holds it for milliseconds)."""

SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
    id TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    created REAL NOT NULL,
    updated REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS conversations_owner ON conversations (owner, updated);
CREATE TABLE IF NOT EXISTS turns (
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    turn INTEGER NOT NULL,
    created REAL NOT NULL,
    answer TEXT NOT NULL,
    PRIMARY KEY (conversation_id, turn)
);
"""


class UnknownConversationError(KeyError):
    """No conversation of that id belongs to this owner (never made, deleted, or someone else's)."""

    def __str__(self) -> str:  # KeyError would print the message in quotes
        return str(self.args[0]) if self.args else "unknown conversation"


@dataclass(frozen=True)
class ConversationInfo:
    id: str
    owner: str
    title: str
    created: float
    updated: float
    turns: int


class ConversationStore:
    """Conversations of every owner in one SQLite file; safe to share between threads."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._connection().executescript(SCHEMA)  # idempotent; executescript commits itself

    @classmethod
    def in_folder(cls, data_dir: Path | str) -> ConversationStore:
        return cls(Path(data_dir) / FILE_NAME)

    # -- connections ---------------------------------------------------------------------
    def _connection(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            # isolation_level=None: transactions are opened explicitly (BEGIN IMMEDIATE).
            db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("PRAGMA foreign_keys=ON")
            self._local.db = db
        return db

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One transaction: all of it is committed, or (on any error or kill) none of it."""
        db = self._connection()
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def close(self) -> None:
        """Close this thread's connection (others close when their thread ends)."""
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None

    # -- conversations -------------------------------------------------------------------
    def create(self, owner: str, title: str = "") -> str:
        conversation_id = uuid.uuid4().hex[:16]
        now = time.time()
        with self._write() as db:
            db.execute(
                "INSERT INTO conversations (id, owner, title, created, updated) VALUES (?, ?, ?, ?, ?)",
                (conversation_id, owner, _title(title), now, now),
            )
        return conversation_id

    def list(self, owner: str) -> list[ConversationInfo]:
        """The owner's conversations, most recently used first."""
        rows = self._connection().execute(
            "SELECT c.id, c.owner, c.title, c.created, c.updated, COUNT(t.turn) FROM conversations c "
            "LEFT JOIN turns t ON t.conversation_id = c.id WHERE c.owner = ? "
            "GROUP BY c.id ORDER BY c.updated DESC, c.created DESC",
            (owner,),
        )
        return [ConversationInfo(*row) for row in rows]

    def get(self, owner: str, conversation_id: str) -> ConversationInfo:
        row = (
            self._connection()
            .execute(
                "SELECT c.id, c.owner, c.title, c.created, c.updated, "
                "(SELECT COUNT(*) FROM turns t WHERE t.conversation_id = c.id) "
                "FROM conversations c WHERE c.id = ? AND c.owner = ?",
                (conversation_id, owner),
            )
            .fetchone()
        )
        if row is None:
            raise _unknown(conversation_id)
        return ConversationInfo(*row)

    def answers(self, owner: str, conversation_id: str) -> list[Answer]:
        """The conversation's turns in order."""
        self.get(owner, conversation_id)
        rows = self._connection().execute(
            "SELECT answer FROM turns WHERE conversation_id = ? ORDER BY turn", (conversation_id,)
        )
        return [Answer.model_validate_json(text) for (text,) in rows]

    def append(self, owner: str, conversation_id: str, answer: Answer) -> int:
        """Store the next turn; the first question becomes the title unless one was given."""
        now = time.time()
        payload = answer.model_dump_json()
        with self._write() as db:
            row = db.execute(
                "SELECT title FROM conversations WHERE id = ? AND owner = ?", (conversation_id, owner)
            ).fetchone()
            if row is None:
                raise _unknown(conversation_id)
            (turn,) = db.execute(
                "SELECT COALESCE(MAX(turn) + 1, 0) FROM turns WHERE conversation_id = ?", (conversation_id,)
            ).fetchone()
            db.execute(
                "INSERT INTO turns (conversation_id, turn, created, answer) VALUES (?, ?, ?, ?)",
                (conversation_id, turn, now, payload),
            )
            db.execute(
                "UPDATE conversations SET updated = ?, title = CASE WHEN title = '' THEN ? ELSE title END "
                "WHERE id = ?",
                (now, _title(answer.question), conversation_id),
            )
        return turn

    def rename(self, owner: str, conversation_id: str, title: str) -> str:
        title = _title(title)
        if not title:
            raise ValueError("The new title is empty; type a title first.")
        with self._write() as db:
            changed = db.execute(
                "UPDATE conversations SET title = ? WHERE id = ? AND owner = ?",
                (title, conversation_id, owner),
            ).rowcount
        if not changed:
            raise _unknown(conversation_id)
        return title

    def delete(self, owner: str, conversation_id: str) -> None:
        with self._write() as db:
            changed = db.execute(
                "DELETE FROM conversations WHERE id = ? AND owner = ?", (conversation_id, owner)
            ).rowcount
        if not changed:
            raise _unknown(conversation_id)


def _title(text: str) -> str:
    title = " ".join((text or "").split())
    return title if len(title) <= TITLE_CHARS else title[: TITLE_CHARS - 1] + "…"


def _unknown(conversation_id: str) -> UnknownConversationError:
    """Named as given, cut to :data:`TITLE_CHARS` (an id of 5,000 characters was echoed whole)."""
    return UnknownConversationError(
        f"No conversation {_title(conversation_id)!r} here: it was deleted or belongs to someone else. "
        "Start a new chat."
    )

"""``rag serve`` argument handling (no server started)."""

from __future__ import annotations

import pytest

from rag.cli import build_parser
from ui.commands import parse_auth, parse_logins

pytestmark = pytest.mark.unit


def test_serve_defaults_bind_to_this_machine_only():
    args = build_parser().parse_args(["serve"])
    assert (args.host, args.port, args.auth, args.llm, args.no_browser) == (
        "127.0.0.1",
        7860,
        None,
        None,
        False,
    )


def test_serve_options():
    args = build_parser().parse_args(
        [
            "--profile",
            "test",
            "serve",
            "--host",
            "0.0.0.0",
            "--port",
            "8001",
            "--auth",
            "ann:pw",
            "--llm",
            "small",
        ]
        + ["--no-browser"]
    )
    assert (args.profile, args.host, args.port, args.auth, args.llm, args.no_browser) == (
        "test",
        "0.0.0.0",
        8001,
        ["ann:pw"],
        "small",
        True,
    )


def test_auth_splits_at_the_first_colon():
    assert parse_auth("ann:pa:ss") == ("ann", "pa:ss")
    assert parse_auth(None) is None and parse_auth("") is None


@pytest.mark.parametrize("value", ["ann", ":pw", "ann:"])
def test_auth_without_user_or_password_is_refused(value):
    with pytest.raises(ValueError, match="USER:PASSWORD"):
        parse_auth(value)


def test_several_logins_from_repeated_options_or_one_per_line():
    args = build_parser().parse_args(["serve", "--auth", "ann:pw", "--auth", "bob:pa:ss"])
    assert parse_logins(args.auth) == [("ann", "pw"), ("bob", "pa:ss")]
    assert parse_logins("ann:pw\n\nbob:x\n") == [("ann", "pw"), ("bob", "x")]
    assert parse_logins(None) is None and parse_logins("") is None
    with pytest.raises(ValueError, match="ann more than once"):
        parse_logins(["ann:pw", "ann:other"])

"""Hyperlink targets (OSC 8) from notebooks: only web and mail links, percent-encoded."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tuinb.sanitize import MAX_LINK_LENGTH, link_target


@pytest.mark.parametrize(
    ("url", "target"),
    [
        ("https://example.com/a b?q=ü#x", "https://example.com/a%20b?q=%C3%BC#x"),
        ("http://e.com/%41%zz", "http://e.com/%41%25zz"),
        ("HTTPS://example.com/x", "https://example.com/x"),
        ("  https://example.com/  ", "https://example.com/"),
        ("mailto:someone@example.com", "mailto:someone@example.com"),
    ],
)
def test_web_and_mail_links_are_encoded(url: str, target: str) -> None:
    assert link_target(url) == target


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "file:///etc/passwd",
        "data:text/html,<b>x</b>",
        "relative/page.html",
        "#anchor",
        "https://",
        "mailto:",
        "https://example.com/" + "a" * MAX_LINK_LENGTH,
    ],
)
def test_other_links_stay_text(url: str) -> None:
    assert link_target(url) is None


def test_escape_sequences_cannot_end_the_hyperlink() -> None:
    target = link_target("https://example.com/x\x1b]52;c;aGk=\x07\x1b\\ y\x9c")
    assert target == "https://example.com/x%1B]52;c;aGk=%07%1B%5C%20y%C2%9C"


@given(st.text())
def test_any_target_is_printable_ascii(text: str) -> None:
    target = link_target("https://example.com/" + text)
    if target is not None:
        assert all(0x21 <= ord(char) <= 0x7E for char in target)

"""The one renderer in its three dialects: our tags, our own angle brackets, and hostile user data."""

from __future__ import annotations

import html
import re
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.messages import Block, Day, Msg, Reply
from bot.render import (
    HTML,
    PLAIN,
    WHATSAPP,
    Dialect,
    neutralise,
    render_msg,
    render_text,
    split_text,
)

DIALECTS = (HTML, WHATSAPP, PLAIN)
LONE = "\ud83d"  # the first half of an emoji, alone: what a client may send escaped in JSON


def shown(value: str, dialect: Dialect) -> str:
    """``value`` as user data in a message of ours."""
    return render_msg(Msg("Nama: {name}.", {"name": value}), "id", dialect)


# Our texts: what the tags become; a "<" of ours that is not a tag.
TEMPLATES = [
    (
        "<b>tebal</b> <i>miring</i> <code>kode</code>",
        "<b>tebal</b> <i>miring</i> <code>kode</code>",
        "*tebal* _miring_ ```kode```",
        "tebal miring kode",
    ),
    (
        "Ketik /setujui <ref> <KPJ> & kirim.",
        "Ketik /setujui &lt;ref&gt; &lt;KPJ&gt; &amp; kirim.",
        "Ketik /setujui <ref> <KPJ> & kirim.",
        "Ketik /setujui <ref> <KPJ> & kirim.",
    ),
    (
        "<u>bukan tag kita</u>",
        "&lt;u&gt;bukan tag kita&lt;/u&gt;",
        "<u>bukan tag kita</u>",
        "<u>bukan tag kita</u>",
    ),
]


@pytest.mark.parametrize(("msgid", "as_html", "as_whatsapp", "as_plain"), TEMPLATES)
def test_our_tags_in_each_dialect(
    msgid: str, as_html: str, as_whatsapp: str, as_plain: str
) -> None:
    for dialect, expected in ((HTML, as_html), (WHATSAPP, as_whatsapp), (PLAIN, as_plain)):
        assert render_msg(Msg(msgid), "id", dialect) == expected, dialect


# Hostile user data: (typed, Telegram HTML, WhatsApp, plain).
HOSTILE = [
    ("<b>Sri</b>", "&lt;b&gt;Sri&lt;/b&gt;", "<b>Sri</b>", "<b>Sri</b>"),
    (
        '<a href="x">Sri</a> & Co',
        '&lt;a href="x"&gt;Sri&lt;/a&gt; &amp; Co',
        '<a href="x">Sri</a> & Co',
        '<a href="x">Sri</a> & Co',
    ),
    ("&amp; &lt;", "&amp;amp; &amp;lt;", "&amp; &lt;", "&amp; &lt;"),
    ("*Sri* _Wahyuni_", "*Sri* _Wahyuni_", "∗Sri∗ ˍWahyuniˍ", "*Sri* _Wahyuni_"),
    ("~coret~", "~coret~", "˜coret˜", "~coret~"),
    ("`a` ```b```", "`a` ```b```", "ˋaˋ ˋˋˋbˋˋˋ", "`a` ```b```"),
    ("{name} {0} {}", "{name} {0} {}", "{name} {0} {}", "{name} {0} {}"),
    (f"Sri {LONE}!", "Sri \ufffd!", "Sri \ufffd!", "Sri \ufffd!"),
    (f"<{LONE}*", "&lt;\ufffd*", "<\ufffd∗", "<\ufffd*"),
    (
        "lihat https://wa.me/62811?text=ev_A *ya*",
        "lihat https://wa.me/62811?text=ev_A *ya*",
        "lihat https://wa.me/62811?text=ev_A ∗ya∗",
        "lihat https://wa.me/62811?text=ev_A *ya*",
    ),
    ("Siti 😀 Ma’ruf", "Siti 😀 Ma’ruf", "Siti 😀 Ma’ruf", "Siti 😀 Ma’ruf"),
]


@pytest.mark.parametrize(("typed", "as_html", "as_whatsapp", "as_plain"), HOSTILE)
def test_user_data_shows_as_typed_in_each_dialect(
    typed: str, as_html: str, as_whatsapp: str, as_plain: str
) -> None:
    for dialect, expected in ((HTML, as_html), (WHATSAPP, as_whatsapp), (PLAIN, as_plain)):
        text = shown(typed, dialect)
        assert text == f"Nama: {expected}.", dialect
        text.encode("utf-8")  # every channel sends UTF-8: a lone surrogate would fail here


def test_a_very_long_hostile_text_is_kept_whole_and_escaped() -> None:
    typed = ("<b>*_~`& " + LONE) * 5000  # 45,000 characters
    assert shown(typed, HTML) == "Nama: " + ("&lt;b&gt;*_~`&amp; \ufffd" * 5000) + "."
    assert shown(typed, WHATSAPP) == "Nama: " + ("<b>∗ˍ˜ˋ& \ufffd" * 5000) + "."
    assert shown(typed, PLAIN) == "Nama: " + ("<b>*_~`& \ufffd" * 5000) + "."


def test_nested_messages_are_rendered_in_the_same_dialect_and_escaped_once() -> None:
    inner = Msg("<b>{note}</b>", {"note": "<&> *x*"})
    msg = Msg(
        "Catatan: {inner} ({day}, {count})",
        {"inner": inner, "day": Day(date(2026, 12, 7)), "count": 3},
    )
    assert render_msg(msg, "id", HTML) == "Catatan: <b>&lt;&amp;&gt; *x*</b> (7 Desember 2026, 3)"
    assert render_msg(msg, "id", WHATSAPP) == "Catatan: *<&> ∗x∗* (7 Desember 2026, 3)"
    assert render_msg(msg, "id", PLAIN) == "Catatan: <&> *x* (7 Desember 2026, 3)"


def test_a_reply_is_paragraphs_and_blocks_in_the_dialect() -> None:
    reply = Reply(
        parts=(
            Msg("<b>Periksa data Anda:</b>"),
            Block((Msg("Nama: {name}", {"name": "<Sri>"}), Msg("<i>Langkah 1 dari 11</i>"))),
        )
    )
    assert render_text(reply, "id", HTML) == (
        "<b>Periksa data Anda:</b>\n\nNama: &lt;Sri&gt;\n<i>Langkah 1 dari 11</i>"
    )
    assert render_text(reply, "id", WHATSAPP) == (
        "*Periksa data Anda:*\n\nNama: <Sri>\n_Langkah 1 dari 11_"
    )
    assert (
        render_text(reply, "id", PLAIN) == "Periksa data Anda:\n\nNama: <Sri>\nLangkah 1 dari 11"
    )
    # Translated into the reader's language in every dialect.
    assert render_text(reply, "en", WHATSAPP).startswith("*Check your details:*")


@settings(max_examples=200, deadline=None)
@given(st.text(st.one_of(st.characters(), st.sampled_from(f"<>&*_~`{LONE}\udfff"))))
def test_any_user_text_stays_text(typed: str) -> None:
    as_html = shown(typed, HTML)
    assert "<" not in as_html and ">" not in as_html  # no tag of its own, no half of ours
    assert html.unescape(as_html) == shown(typed, PLAIN)
    if "http" not in typed:
        assert not set(neutralise(typed)) & set("*_~`")
    for dialect in DIALECTS:
        shown(typed, dialect).encode("utf-8")


# --- long texts for Telegram: every piece is HTML Telegram accepts --------------------------------

_ENTITY_OR_TAG = re.compile(r"&(?:lt|gt|amp);|</?(?:b|i|code)>")


def accepted(piece: str) -> bool:
    """Telegram would parse ``piece``: no "<" or "&" outside an entity or our tags, and our tags
    closed in the order they were opened."""
    if "<" in _ENTITY_OR_TAG.sub("", piece) or "&" in _ENTITY_OR_TAG.sub("", piece):
        return False
    stack: list[str] = []
    for tag in re.finditer(r"<(/?)(b|i|code)>", piece):
        if not tag.group(1):
            stack.append(tag.group(2))
        elif not stack or stack.pop() != tag.group(2):
            return False
    return not stack


def seen(html_text: str) -> str:
    """What a reader sees of a Telegram HTML text, spaces and line ends left out."""
    return "".join(html.unescape(re.sub(r"</?(?:b|i|code)>", "", html_text)).split())


LONG_LINES = [
    "<&>" * 2000,  # every character escaped, no space: a cut could fall inside "&amp;"
    "kata " * 1500,  # spaces: cut at one, inside the bold
    "x" * 9000,  # no space at all: cut at the limit, inside the bold
    "<b>" * 3000,  # user text that looks like our tag
]


@pytest.mark.parametrize("note", LONG_LINES, ids=["escaped", "words", "one-word", "fake-tags"])
def test_a_line_longer_than_a_message_is_cut_into_html_telegram_accepts(note: str) -> None:
    text = render_msg(Msg("Catatan: <b>{note}</b> <i>akhir</i>", {"note": note}), "id", HTML)
    pieces = split_text(text, 4096)
    assert len(pieces) > 1
    assert all(len(piece) <= 4096 and accepted(piece) for piece in pieces), pieces
    assert "".join(seen(piece) for piece in pieces) == seen(text)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.text(st.sampled_from("ab <>&*_\n"), max_size=120), min_size=1, max_size=4),
    st.integers(min_value=40, max_value=120),  # room for two tags open and closed
)
def test_any_text_is_split_into_pieces_telegram_accepts(notes: list[str], limit: int) -> None:
    lines = tuple(Msg("<b>{n}</b> <i>x <code>{n}</code></i>", {"n": note}) for note in notes)
    text = render_text(Reply(parts=(Block(lines),)), "id", HTML)
    pieces = split_text(text, limit)
    assert all(len(piece) <= limit and accepted(piece) for piece in pieces), pieces
    assert "".join(seen(piece) for piece in pieces) == seen(text)

"""The web desk's side of the chat desk: /masuk sends a one-time sign-in link, /keluar ends
every web session. The web pages live in handlers/web/; their decisions go through the same
step as chat (decisions.py)."""

from __future__ import annotations

from bot.i18n import DEFAULT_LANGUAGE, N_
from bot.messages import Msg, Reply
from bot.officers.common import said
from bot.officers.context import DeskContext, DeskOutcome
from bot.officers.needs import EndWebSessions, WebLink
from bot.officers.state import DeskState
from bot.officers.views import text
from bot.web_desk import SIGN_IN_PATH

# What a sponsor's representative (not an officer) may send of the desk's commands.
REPRESENTATIVE_COMMANDS = frozenset({"masuk", "keluar"})
NOT_ENABLED = N_("Desk web belum dinyalakan di bot ini.")
SIGNED_OUT = N_("Semua sesi desk web Anda sudah diakhiri.")


def link_reply(base: str, secret: str, lang: str) -> Reply:
    """The message carrying a one-time sign-in link (previews off: nothing fetches it)."""
    language = "" if lang == DEFAULT_LANGUAGE else f"?l={lang}"  # the page before sign-in
    link = Msg(
        N_("Tautan masuk ke desk web (sekali pakai, berlaku 5 menit; jangan diteruskan):\n{link}"),
        {"link": f"{base.rstrip('/')}{SIGN_IN_PATH}{secret}{language}"},
    )
    return Reply(parts=(link,), no_preview=True)


def sign_in_link(state: DeskState, args: str, ctx: DeskContext) -> DeskOutcome:
    """/masuk: a link that signs this officer in to the web desk once, within 5 minutes."""
    base = ctx.config.web_desk_url.rstrip("/")
    if not base:
        return said(state, text(NOT_ENABLED))
    secret = ctx.fact(WebLink(ctx.lang))
    return said(state, link_reply(base, secret, ctx.lang))


def sign_out(state: DeskState, args: str, ctx: DeskContext) -> DeskOutcome:
    """/keluar: every web desk session of this officer ends."""
    return DeskOutcome(state, [text(SIGNED_OUT)], effects=[EndWebSessions()])

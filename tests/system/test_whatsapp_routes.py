"""The ``/whatsapp`` routes of a running WhatsApp-only process, over its real port.

Meta's handshake, signatures, replays and size limits are checked on the process itself (not
only on the functions behind them): what is refused is never stored, so it can never be applied;
what Meta sends twice is applied and answered once. SQLite only: the routes do not depend on the
backend (the inbox's one-row-per-message rule runs on both in tests/storage).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator

import httpx
import pytest

from tests.system.fake_whatsapp import APP_SECRET, FakeWhatsApp
from tests.system.helpers import Bots, query
from tests.system.whatsapp_helpers import VERIFY_TOKEN, WORKER, WhatsAppBot, shown, start_bot

STRANGER = "6289876543210"
FIVE_MB = 5 * 1024 * 1024


@pytest.fixture
def backend() -> str:
    return "sqlite"


@pytest.fixture
def bot(database_url: str, whatsapp: FakeWhatsApp, wa_bots: Bots) -> Iterator[WhatsAppBot]:
    running = start_bot(wa_bots, whatsapp, database_url)
    yield running
    assert running.proc.terminate() == 0, running.proc.output()


def inbox_rows(bot: WhatsAppBot) -> int:
    ((count,),) = query(bot.database, "SELECT count(*) FROM inbox")
    return int(count)


def signed(body: bytes, secret: str = APP_SECRET) -> dict[str, str]:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return {"Content-Type": "application/json", "X-Hub-Signature-256": f"sha256={digest}"}


def test_the_handshake_answers_only_the_verify_token(bot: WhatsAppBot) -> None:
    def handshake(token: str) -> httpx.Response:
        params = {
            "hub.mode": "subscribe",
            "hub.verify_token": token,
            "hub.challenge": "1158201444",
        }
        return httpx.get(bot.hook, params=params, timeout=5)

    for wrong in ("", "verify-me", VERIFY_TOKEN.upper(), VERIFY_TOKEN + "x"):
        refused = handshake(wrong)
        assert refused.status_code == 403, wrong
        assert "1158201444" not in refused.text
    right = handshake(VERIFY_TOKEN)
    assert (right.status_code, right.text) == (200, "1158201444")


def test_a_bad_signature_is_refused_and_nothing_is_stored(
    bot: WhatsAppBot, whatsapp: FakeWhatsApp
) -> None:
    # A message signed with another secret, then bodies with a missing or malformed signature.
    whatsapp.app_secret = "not-the-app-secret"
    assert whatsapp.post_text(bot.hook, STRANGER, "halo") == 403
    whatsapp.app_secret = APP_SECRET
    body = b'{"object": "whatsapp_business_account", "entry": []}'
    for headers in ({}, {"X-Hub-Signature-256": "sha256=00"}, {"X-Hub-Signature-256": "x"}):
        response = httpx.post(bot.hook, content=body, headers=headers, timeout=5)
        assert response.status_code == 403, headers
    assert inbox_rows(bot) == 0
    # A good message after them: once it is answered, the refused one would have been too.
    assert bot.text(WORKER, "halo").startswith("Selamat datang")
    assert whatsapp.sent(STRANGER) == []
    assert inbox_rows(bot) == 1


def test_a_message_posted_twice_is_applied_once(bot: WhatsAppBot, whatsapp: FakeWhatsApp) -> None:
    assert bot.text(WORKER, "halo").startswith("Selamat datang")
    # Meta did not hear our 200 in time and posts the same message (same wamid) again.
    for _ in range(2):
        status = whatsapp.post_button_reply(
            bot.hook, WORKER, "consent:yes", "Setuju", message_id="wamid.REPLAYED"
        )
        assert status == 200  # acknowledged both times, or Meta would keep retrying
    bot.answered(WORKER, before=1)
    # The next message is answered after anything still due for the first: one answer each.
    assert "Langkah 2 dari 11" in bot.text(WORKER, "3401025203790001")
    texts = [shown(message) for message in whatsapp.sent(WORKER)]
    assert len(texts) == 3, texts
    assert "Langkah 1 dari 11" in texts[1]
    replayed = query(
        bot.database, "SELECT count(*) FROM inbox WHERE update_key = ?", "wamid.REPLAYED"
    )
    assert replayed == [(1,)]
    assert inbox_rows(bot) == 3


def test_a_body_over_five_megabytes_is_refused(bot: WhatsAppBot) -> None:
    body = b'{"object": "whatsapp_business_account", "entry": [], "pad": "' + b"x" * FIVE_MB
    body += b'"}'
    declared = httpx.post(bot.hook, content=body, headers=signed(body), timeout=30)
    assert declared.status_code == 413

    def chunks() -> Iterator[bytes]:  # no Content-Length: refused as it is read
        for start in range(0, len(body), 1 << 20):
            yield body[start : start + (1 << 20)]

    streamed = httpx.post(bot.hook, content=chunks(), headers=signed(body), timeout=30)
    assert streamed.status_code == 413
    assert inbox_rows(bot) == 0
    assert bot.proc.alive()

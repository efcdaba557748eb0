"""A slow phone sends a tap twice: every button of the flow answers once, never with an apology.

Each tap below is fed twice through the real Application (the same button of the same message,
as Telegram delivers a double tap: two callback queries); the second gets only a short notice on
the button (answerCallbackQuery with text), no message.
"""

from __future__ import annotations

import pytest

from tests.conftest import NIK, WORKER, Telegram

# (what the worker does, the marker of the one answer it gets): a registration that taps every
# kind of button the flow shows, including the summary's Ubah and the cancel confirmation.
STEPS: list[tuple[str, str, str]] = [
    ("text", "/start", "Anda setuju"),
    ("tap", "consent:yes", "Ketik NIK Anda"),
    ("text", NIK, "Dari NIK"),
    ("tap", "nikok:no", "Ketik tanggal lahir"),
    ("text", "12-03-1979", "Jenis kelamin"),
    ("tap", "sex:P", "nama lengkap"),
    ("text", "Sri Wahyuni", "tempat lahir"),
    ("text", "Kulon Progo", "Bagikan nomor HP"),
    ("text", "0812 3456 7890", "Masih tinggal di sana"),
    ("tap", "home:no", "kabupaten atau kota"),
    ("text", "Slemn", "Maksud Anda"),  # a near spelling, confirmed with a tap
    ("tap", "home:34.04", "alamat rumah"),
    ("text", "Dusun Krebet RT 02", "Apa pekerjaan Anda"),
    ("tap", "occ:lainnya", "Ketik pekerjaan Anda"),
    ("text", "kusir dokar", "penghasilan"),
    ("text", "50rb sehari", "26 hari kerja"),  # a day's income, confirmed as a month's
    ("tap", "inccf:yes", "Ikut JHT juga"),
    ("tap", "jht:yes", "Periksa data Anda"),
    ("tap", "sum:edit", "Bagian mana"),
    ("tap", "edit:occupation", "Apa pekerjaan Anda"),
    ("text", "juru kunci makam", "Lainnya"),  # work not in the list, kept with a tap
    ("tap", "occok:yes", "mengangkut orang atau barang"),  # its sector is asked
    ("tap", "sector:no", "Periksa data Anda"),
    ("tap", "sum:edit", "Bagian mana"),
    ("tap", "edit:income", "penghasilan"),
    ("tap", "inc:1400000", "Periksa data Anda"),
    ("tap", "sum:edit", "Bagian mana"),
    ("tap", "edit:back", "Periksa data Anda"),
    ("tap", "sum:cancel", "Batalkan pendaftaran?"),
    ("tap", "cancel:no", "Periksa data Anda"),
    ("tap", "sum:send", "Terima kasih"),
]


@pytest.mark.parametrize("index", [i for i, step in enumerate(STEPS) if step[0] == "tap"])
async def test_a_double_tap_gets_one_answer(telegram: Telegram, index: int) -> None:
    for kind, value, marker in STEPS[:index]:
        if kind == "text":
            await telegram.text(WORKER, value)
        else:
            await telegram.press(WORKER, value)
        assert marker in telegram.request.last_text(WORKER), (value, marker)
    _, data, marker = STEPS[index]
    before = len(telegram.request.sent(WORKER))
    first = telegram.updates.press(WORKER, data, message_id=500 + index)
    second = telegram.updates.press(WORKER, data, message_id=500 + index)
    await telegram.feed(first)
    await telegram.feed(second)
    sent = telegram.request.sent(WORKER)[before:]
    assert len(sent) == 1 and marker in str(sent[0].params["text"]), [c.params for c in sent]
    assert not [c for c in telegram.request.sent(WORKER) if "gangguan" in c.params["text"]]
    notices = [
        c.params.get("text")
        for c in telegram.request.calls
        if c.method == "answerCallbackQuery"
        and c.params["callback_query_id"] == second["callback_query"]["id"]
    ]
    assert len(notices) == 1 and notices[0] and "Sudah dijawab" in str(notices[0])

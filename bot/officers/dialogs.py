"""Decisions from a submission's card: buttons for reasons and fields, typed KPJ and notes, and a
preview of the worker's message before it is sent. The dialog state lives in the database."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from bot.domain import Decision, Status
from bot.fields import BY_NAME, CORRECTABLE, FIELD_WORDS, REGISTRATION
from bot.i18n import N_
from bot.messages import Button, Msg, Reply
from bot.officers.views import CANCEL, not_found, text, toggles
from bot.validation import Invalid

if TYPE_CHECKING:
    from bot.officers.desk import OfficerDesk, Request

REJECT_REASONS = (
    N_("NIK tidak sesuai dengan KTP"),
    N_("Data tidak lengkap atau tidak jelas"),
    N_("Sudah terdaftar sebagai peserta aktif"),
    N_("Pekerja penerima upah, bukan BPU"),
    N_("Usia di luar ketentuan kepesertaan"),
)
FIX_NOTES = (
    N_("Tidak sesuai dengan KTP"),
    N_("Belum lengkap"),
    N_("Salah ketik atau tidak terbaca"),
)


def parse_fields(words: str) -> tuple[str, ...] | Invalid:
    """'nama,alamat' → ('name', 'address')."""
    fields = []
    for word in words.lower().split(","):
        field = FIELD_WORDS.get(word.strip())
        if field is None:
            return Invalid(
                N_("Bagian \u201c{word}\u201d tidak dikenal. Pilih dari: {choices}"),
                {"word": word.strip(), "choices": ", ".join(sorted(FIELD_WORDS))},
            )
        fields.append(field)
    return tuple(sorted(set(fields), key=CORRECTABLE.index))


def decision_detail(decision: Decision) -> str:
    """The audit line of a decision."""
    if decision.status is Status.APPROVED:
        return f"KPJ {decision.kpj}"
    fields = ",".join(decision.fix_fields)
    return f"{fields} {decision.note or ''}".strip()


def decision_of(state: dict[str, Any]) -> Decision:
    """The decision a dialog has gathered so far."""
    status = {"setujui": Status.APPROVED, "tolak": Status.REJECTED}.get(
        state["action"], Status.NEEDS_FIX
    )
    return Decision(
        status,
        kpj=state.get("kpj"),
        note=state.get("note"),
        fix_fields=tuple(state.get("fields", ())),
    )


async def start(desk: OfficerDesk, req: Request, action: str) -> list[Reply]:
    """A decision button on a card: remember the dialog and ask its first question."""
    reference = req.args.upper()
    sub = await req.session.get(reference)
    if sub is None:
        return [not_found(reference)]
    state: dict[str, Any] = {"action": action, "reference": sub.reference, "fields": []}
    await req.session.set_dialog(req.officer.user_id, state, req.now)
    return [ask(desk, state)]


def ask(desk: OfficerDesk, state: dict[str, Any]) -> Reply:
    """The dialog's pending question."""
    reference = state["reference"]
    if state["action"] == "setujui":
        return Reply(
            parts=(
                Msg(
                    N_("Ketik nomor KPJ ({length} angka) untuk {reference}."),
                    {"length": desk.kpj_length, "reference": reference},
                ),
            ),
            buttons=((CANCEL,),),
        )
    if state["action"] == "perbaikan" and not state.get("fields_done"):
        labels = {f.name: f.label for f in REGISTRATION}
        rows = toggles(labels, state["fields"], "d_bagian")
        rows.append((Button(Msg(N_("Lanjut")), "off:d_lanjut:"), CANCEL))
        return Reply(
            parts=(
                Msg(
                    N_("Bagian mana yang harus diperbaiki di {reference}?"),
                    {"reference": reference},
                ),
            ),
            buttons=tuple(rows),
        )
    reasons = REJECT_REASONS if state["action"] == "tolak" else FIX_NOTES
    rows = [(Button(Msg(reason), f"off:d_alasan:{i}"),) for i, reason in enumerate(reasons)]
    rows.append((CANCEL,))
    question = (
        N_("Pilih alasan penolakan {reference}, atau ketik alasan lain.")
        if state["action"] == "tolak"
        else N_("Pilih catatan untuk pekerja, atau ketik catatan lain.")
    )
    return Reply(parts=(Msg(question, {"reference": reference}),), buttons=tuple(rows))


async def with_state(
    desk: OfficerDesk, req: Request, change: Callable[[dict[str, Any]], Reply | None]
) -> list[Reply]:
    """Apply a button to the officer's dialog; ask the next question or show the preview."""
    state = await req.session.dialog(req.officer.user_id)
    if state is None:
        return [text(N_("Tidak ada keputusan yang sedang diisi. Buka kartu dengan /lihat."))]
    problem = change(state)
    if problem is not None:
        return [problem, ask(desk, state)]
    await req.session.set_dialog(req.officer.user_id, state, req.now)
    if ready(state):
        return await desk.preview(req, state["reference"], decision_of(state))
    return [ask(desk, state)]


def ready(state: dict[str, Any]) -> bool:
    """Everything the decision needs is there."""
    if state["action"] == "setujui":
        return bool(state.get("kpj"))
    return bool(state.get("note")) and (state["action"] == "tolak" or bool(state["fields"]))


async def typed(desk: OfficerDesk, req: Request, state: dict[str, Any]) -> list[Reply]:
    """Typed text in a dialog: the KPJ number, or a reason/note in the officer's own words."""

    def take(current: dict[str, Any]) -> Reply | None:
        if current["action"] == "setujui":
            kpj = desk.check_kpj(req.args)
            if isinstance(kpj, Invalid):
                return Reply(parts=(Msg(kpj.msgid, kpj.params),))
            current["kpj"] = kpj
        elif current["action"] == "perbaikan" and not current.get("fields_done"):
            return text(N_("Pilih bagian yang harus diperbaiki dengan tombol, lalu tekan Lanjut."))
        elif len(req.args) < 3:
            return text(N_("Alasan terlalu pendek."))
        else:
            current["note"] = req.args[:300]
        return None

    return await with_state(desk, req, take)


async def on_reason(desk: OfficerDesk, req: Request) -> list[Reply]:
    """A reason or note button."""

    def take(state: dict[str, Any]) -> Reply | None:
        reasons = REJECT_REASONS if state["action"] == "tolak" else FIX_NOTES
        if not req.args.isdigit() or int(req.args) >= len(reasons):
            return text(N_("Tombol itu sudah tidak berlaku."))
        state["note"] = reasons[int(req.args)]
        return None

    return await with_state(desk, req, take)


async def on_field(desk: OfficerDesk, req: Request) -> list[Reply]:
    """Toggle a field to be corrected."""

    def take(state: dict[str, Any]) -> Reply | None:
        if req.args not in BY_NAME or state["action"] != "perbaikan":
            return text(N_("Tombol itu sudah tidak berlaku."))
        fields = set(state["fields"]) ^ {req.args}
        state["fields"] = sorted(fields, key=CORRECTABLE.index)
        return None

    return await with_state(desk, req, take)


async def on_fields_done(desk: OfficerDesk, req: Request) -> list[Reply]:
    """'Lanjut' after picking fields."""

    def take(state: dict[str, Any]) -> Reply | None:
        if not state["fields"]:
            return text(N_("Pilih minimal satu bagian."))
        state["fields_done"] = True
        return None

    return await with_state(desk, req, take)


async def on_send(desk: OfficerDesk, req: Request) -> list[Reply]:
    """'Kirim keputusan' under the preview."""
    state = await req.session.dialog(req.officer.user_id)
    if state is None or not ready(state):
        return [text(N_("Tidak ada keputusan yang sedang diisi. Buka kartu dengan /lihat."))]
    return await desk.decide(req, state["reference"], decision_of(state))


async def on_cancel(desk: OfficerDesk, req: Request) -> list[Reply]:
    """'Batal': forget the dialog; nothing was decided."""
    await req.session.set_dialog(req.officer.user_id, None, req.now)
    return [text(N_("Dibatalkan. Tidak ada keputusan yang dikirim."))]


def starter(action: str) -> Callable[[OfficerDesk, Request], Awaitable[list[Reply]]]:
    """The handler of a card's decision button."""

    async def begin(desk: OfficerDesk, req: Request) -> list[Reply]:
        return await start(desk, req, action)

    return begin


COMMANDS: dict[str, Callable[[OfficerDesk, Request], Awaitable[list[Reply]]]] = {
    "d_setujui": starter("setujui"),
    "d_tolak": starter("tolak"),
    "d_perbaikan": starter("perbaikan"),
    "d_alasan": on_reason,
    "d_bagian": on_field,
    "d_lanjut": on_fields_done,
    "d_kirim": on_send,
    "d_batal": on_cancel,
}

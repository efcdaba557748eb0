"""Where the worker lives: the kabupaten/kota (the NIK's, confirmed, or typed and looked up) and
the address."""

from __future__ import annotations

from bot.fields import Field, Kind
from bot.flow.buttons import yes_no_buttons
from bot.flow.context import Context, Outcome
from bot.flow.events import Answer, Press, Read, Text
from bot.flow.moves import CHOOSE, finish, goto, retry, say, typed, unclear
from bot.flow.registry import Question
from bot.flow.state import Conversation, Step
from bot.i18n import N_
from bot.messages import Button, Keyboard, Msg, Reply
from bot.places import HomeMatch, match_home
from bot.reading.answers import read_address, read_choice, read_home, read_home_readback
from bot.regions import region_by_code, suggest_home_from_nik
from bot.text import clean_address
from bot.validation import Invalid
from bot.yes_no import read_yes_no


def ask_home_confirm(conv: Conversation, ctx: Context) -> Reply:
    """Is the worker still living in the kabupaten/kota their NIK was issued in?"""
    region = suggest_home_from_nik((conv.answers.nik or "")[:4])
    assert region is not None  # the step is only entered when there is a suggestion
    return Reply(
        parts=(
            Msg(
                N_("NIK Anda dari <b>{region}</b>. Masih tinggal di sana?"),
                {"region": region.label},
            ),
        ),
        buttons=yes_no_buttons(
            "home", N_("Ya"), N_("Tidak, pindah"), ("masih", "tetap"), ("pindah",)
        ),
        keyboard=Keyboard.REPLY,
    )


def on_home_confirm(conv: Conversation, event: Answer, ctx: Context) -> Outcome:
    """Still living in the NIK's kabupaten, or moved (then typed)."""
    if event == Press("home:yes"):
        region = suggest_home_from_nik((conv.answers.nik or "")[:4])
        assert region is not None
        conv.answers.home_code = region.code
        return finish(conv, ctx)
    if event == Press("home:no"):
        return goto(conv, Step.HOME, ctx)
    if isinstance(event, Text) and not read_yes_no(event.text).mixed:
        # A typed place name is an answer too: look it up as on the typed question.
        conv.step = Step.HOME
        return on_home(conv, event, ctx)
    return retry(conv, ctx, unclear(event))


def ask_home(conv: Conversation, ctx: Context) -> Reply:
    """Home kabupaten/kota, typed; a place it was found through is confirmed with a tap, and
    several come back as buttons."""
    if conv.home_candidates:
        return ask_home_choice(conv, ctx)
    return Reply(
        parts=(
            Msg(N_("Di kabupaten atau kota mana Anda tinggal sekarang?")),
            Msg(N_("Contoh: {example}"), {"example": "Bantul / Kota Pekalongan"}),
        ),
        keyboard=Keyboard.REMOVE,
    )


def ask_home_choice(conv: Conversation, ctx: Context) -> Reply:
    """The kabupaten/kota a typed place led to: one to confirm, or several to pick from."""
    regions = [r for code in conv.home_candidates if (r := region_by_code(code)) is not None]
    place = conv.home_place
    if len(regions) == 1:
        region = regions[0]
        if place:
            asked = Msg(
                N_("{place} ada di <b>{region}</b>. Benar?"),
                {"place": place, "region": region.label},
            )
        else:
            asked = Msg(N_("Maksud Anda <b>{region}</b>?"), {"region": region.label})
        return Reply(
            parts=(asked,),
            buttons=(
                (
                    Button(Msg(N_("Ya")), f"home:{region.code}", means=True),
                    Button(Msg(N_("Bukan")), "home:none", aliases=("lain",), means=False),
                ),
            ),
        )
    if place:
        asked = Msg(
            N_("{place} ada di beberapa kabupaten/kota. Yang mana? Pilih, atau ketik lagi."),
            {"place": place},
        )
    else:
        asked = Msg(N_("Maksud Anda yang mana? Pilih, atau ketik lagi."))
    return Reply(
        parts=(asked,),
        buttons=tuple(
            (Button(Msg("{name}", {"name": r.label}), f"home:{r.code}"),) for r in regions
        ),
    )


def on_home(conv: Conversation, event: Answer, ctx: Context) -> Outcome:
    """A kabupaten/kota: an exact name is taken; a kecamatan, a town or a near spelling is
    confirmed with a tap, or offered with others as buttons."""
    if event == Press("home:none"):
        conv.home_candidates, conv.home_place = [], None
        return goto(conv, Step.HOME, ctx)
    if isinstance(event, Press):
        code = event.data.removeprefix("home:")
        if region_by_code(code) is None:
            return retry(conv, ctx, CHOOSE)
        conv.answers.home_code = code
        conv.home_candidates, conv.home_place = [], None
        return finish(conv, ctx)
    if not isinstance(event, Text | Read):
        return retry(conv, ctx, Invalid(N_("Ketik nama kabupaten atau kota tempat tinggal Anda.")))
    if isinstance(event, Read):
        assert isinstance(event.value, HomeMatch)  # bot.reading.answers.read_home
        found, typed = event.value, event.value.place or ""
    else:
        nik_region = region_by_code((conv.answers.nik or "")[:4])
        found = match_home(event.text, nik_region.code if nik_region else None)
        typed = event.text
    if found.sure:
        conv.answers.home_code = found.regions[0].code
        conv.home_candidates, conv.home_place = [], None
        return finish(conv, ctx)
    conv.home_candidates = [region.code for region in found.regions]
    conv.home_place = found.place
    if found.regions:
        return say(conv, ctx)
    return retry(
        conv,
        ctx,
        Invalid(
            N_("Kabupaten/kota \u201c{text}\u201d tidak kami temukan. Periksa ejaannya."),
            {"text": typed.strip()[:60]},
        ),
    )


def read_home_answer(
    text: str, conv: Conversation, ctx: Context, buttons: tuple[Button, ...]
) -> object:
    """A kabupaten/kota offered as a button, else typed ("saya tinggal di Sleman skrg")."""
    chosen = read_choice(text, buttons) if buttons else None
    if chosen is not None:
        return chosen
    nik_region = region_by_code((conv.answers.nik or "")[:4])
    return read_home(text, nik_region.code if nik_region else None)


def ask_address(conv: Conversation, ctx: Context) -> Reply:
    """Street address, RT/RW, desa/kelurahan."""
    return Reply(
        parts=(
            Msg(N_("Ketik alamat rumah Anda: jalan atau dusun, RT/RW, desa atau kelurahan.")),
            Msg(
                N_("Contoh: {example}"),
                {"example": "Dusun Krebet RT 02 RW 05, Desa Sendangsari"},
            ),
        ),
        keyboard=Keyboard.REMOVE,
    )


QUESTIONS = (
    Question(
        Step.HOME_CONFIRM,
        ask_home_confirm,
        on_home_confirm,
        in_turn=True,
        number=6,
        stats=N_("kabupaten/kota"),
        read=lambda text, conv, ctx, buttons: read_home_readback(text, buttons),
    ),
    Question(
        Step.HOME,
        ask_home,
        on_home,
        number=6,
        field=Field(
            "home_code",
            N_("Kabupaten/kota"),
            Kind.REGION,
            "Kabupaten/kota",
            "home_code",
            ("kabupaten", "kota", "domisili"),
        ),
        stats=N_("kabupaten/kota"),
        read=read_home_answer,
    ),
    Question(
        Step.ADDRESS,
        ask_address,
        typed("address", clean_address, N_("Ketik alamat rumah Anda.")),
        in_turn=True,
        number=7,
        field=Field("address", N_("Alamat"), Kind.TEXT, "Alamat", None, ("alamat",)),
        stats=N_("alamat"),
        read=lambda text, conv, ctx, buttons: read_address(text),
    ),
)

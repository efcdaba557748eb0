"""The web desk's sessions: signing in with a one-time link (/masuk), signing out, and every
signed-in request found by the hash of its cookie, its officer (or a sponsor's representative)
read again, its POST's CSRF token checked (docs/web-desk.md, "Signing in" and "Every request").

``SessionDesk`` holds this plumbing and the page rendering; ``WebDesk`` (handlers/web/app.py)
adds the officers' pages on top, and the other page modules work through it.
"""

from __future__ import annotations

import hmac
import secrets
import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qs

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from bot.clock import Clock
from bot.domain import Officer, Role
from bot.i18n import DEFAULT_LANGUAGE, LANGUAGES
from bot.officers.desk import OfficerDesk
from bot.ports import OfficerSession, Repository
from bot.settings import Settings
from bot.web_desk import SIGN_IN_PATH, SponsorAccess, WebSession, secret_hash
from handlers.web.texts import words

HERE = Path(__file__).parent
COOKIE = "bpu_desk"
FORM_LIMIT = 20_000  # bytes of a form: some 700 pasted KPJ pairs; a decision is far smaller
FORGET_CLIENTS_AFTER = 10_000  # addresses remembered before the quiet ones are dropped


class RateLimit:
    """At most ``per_minute`` attempts per client address within any minute (this process)."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self.clock = clock
        self._seen: dict[str, deque[float]] = defaultdict(deque)

    def allow(self, client: str) -> bool:
        now = self.clock()
        if len(self._seen) > FORGET_CLIENTS_AFTER:  # addresses quiet for a minute are forgotten
            for quiet in [c for c, times in self._seen.items() if now - times[-1] >= 60]:
                del self._seen[quiet]
        seen = self._seen[client]
        while seen and now - seen[0] >= 60:
            seen.popleft()
        if len(seen) >= self.per_minute:
            return False
        seen.append(now)
        return True


def csrf_token(secret: str) -> str:
    """The CSRF token of a session: derived from its cookie's secret, never stored."""
    return hmac.new(secret.encode(), b"csrf", "sha256").hexdigest()[:32]


@dataclass
class SignedIn:
    """A signed-in request's language, session secret and unit of work."""

    lang: str
    secret: str
    session: OfficerSession

    @property
    def csrf(self) -> str:
        return csrf_token(self.secret)


@dataclass
class Visit(SignedIn):
    """An officer's request: the officer as they are now."""

    officer: Officer


@dataclass
class Guest(SignedIn):
    """A sponsor's representative's request: their access as it is now (one sponsor, no
    officer page)."""

    access: SponsorAccess


V = TypeVar("V", "Visit", "Guest")


class Refused(Exception):
    """A request that ends in a page of its own (signed out, expired, not found...)."""

    def __init__(self, text: str, status: int, *, clear_cookie: bool = False) -> None:
        super().__init__(text)
        self.text = text
        self.status = status
        self.clear_cookie = clear_cookie


def page_language(asked: str) -> str:
    """The language a page before sign-in is shown in: the one the /masuk link names."""
    return asked if asked in LANGUAGES else DEFAULT_LANGUAGE


class SessionDesk:
    """Page rendering, signing in and out, and each request's session."""

    def __init__(
        self, repo: Repository, desk: OfficerDesk, settings: Settings, clock: Clock
    ) -> None:
        self.repo = repo
        self.desk = desk
        self.settings = settings
        self.clock = clock
        self.idle = timedelta(minutes=settings.web_desk_idle_minutes)
        self.sign_ins = RateLimit(settings.web_desk_sign_ins_per_minute)
        self.env = Environment(
            loader=FileSystemLoader(HERE / "templates"),
            autoescape=select_autoescape(default=True),
        )

    # --- pages ------------------------------------------------------------------------------

    def page(
        self,
        name: str,
        lang: str,
        status: int = 200,
        visit: SignedIn | None = None,
        **values: Any,
    ) -> HTMLResponse:
        template = self.env.get_template(name)
        body = template.render(
            t=words(lang),
            lang=lang,
            csrf=visit.csrf if visit else "",
            officer=visit.officer if isinstance(visit, Visit) else None,
            guest=visit.access if isinstance(visit, Guest) else None,
            **values,
        )
        return HTMLResponse(body, status_code=status)

    def refused(self, refusal: Refused, lang: str = "id") -> HTMLResponse:
        response = self.page("message.html", lang, refusal.status, message=refusal.text)
        if refusal.clear_cookie:
            response.delete_cookie(COOKIE, path="/")
        return response

    def session_routes(self) -> list[Any]:
        return [
            Route(SIGN_IN_PATH + "{secret}", self.sign_in_page, methods=["GET"]),
            Route(SIGN_IN_PATH.rstrip("/"), self.sign_in, methods=["POST"]),
            Route("/keluar", self.sign_out, methods=["POST"]),
        ]

    def _client(self, request: Request) -> str:
        return request.client.host if request.client else "-"

    async def sign_in_page(self, request: Request) -> Response:
        """The page a /masuk link opens: a button that signs in with a POST (a link preview's
        GET uses nothing up)."""
        lang = page_language(request.query_params.get("l", ""))
        if not self.sign_ins.allow(self._client(request)):
            return self.refused(Refused(words(lang)["too_many"], 429), lang)
        return self.page("signin.html", lang, secret=request.path_params["secret"])

    async def sign_in(self, request: Request) -> Response:
        form = await self._form(request)
        lang = page_language(form.get("lang", ""))
        if not self.sign_ins.allow(self._client(request)):
            return self.refused(Refused(words(lang)["too_many"], 429), lang)
        secret = form.get("secret", "")
        now = self.clock()
        async with self.repo.officer() as session:
            used = await session.use_login_token(secret_hash(secret), now) if secret else None
            if used is not None and used[2] is not None:  # a sponsor's representative
                return await self.guest_sign_in(session, used[0], used[1], used[2], now)
            officer = await session.officer(used[0]) if used else None
            if used is None or officer is None:
                return self.refused(Refused(words(lang)["link_invalid"], 403), lang)
            fresh = secrets.token_urlsafe(32)
            await session.open_web_session(
                secret_hash(fresh), officer.user_id, used[1], officer.role, officer.branches, now
            )
        return self.signed_in_as(fresh, "/antrean")

    async def guest_sign_in(
        self, session: OfficerSession, user_id: str, lang: str, access_id: int, now: datetime
    ) -> Response:
        """A representative's link: a session of its own kind, naming the access (still open)."""
        access = await session.open_access(access_id)
        if access is None or access.user_id != user_id:
            return self.refused(Refused(words(lang)["link_invalid"], 403), lang)
        fresh = secrets.token_urlsafe(32)
        await session.open_web_session(
            secret_hash(fresh), user_id, lang, Role.PETUGAS, (), now, access_id
        )
        return self.signed_in_as(fresh, f"/program/{access.sponsor_id}")

    def signed_in_as(self, fresh: str, where: str) -> Response:
        response = RedirectResponse(where, status_code=303)
        response.set_cookie(
            COOKIE,
            fresh,
            path="/",
            httponly=True,
            secure=self.settings.web_desk_secure_cookie,
            samesite="strict",
        )
        return response

    async def sign_out(self, request: Request) -> Response:
        """The "Keluar" button: this browser's session ends (an officer's or a representative's)."""
        form = await self._form(request)
        secret = request.cookies.get(COOKIE, "")
        async with self.repo.officer() as session:
            found = await session.web_session(secret_hash(secret)) if secret else None
            lang = found.lang if found else "id"
            if found is None:
                return self.refused(Refused(words(lang)["expired"], 401, clear_cookie=True), lang)
            if not hmac.compare_digest(form.get("csrf", ""), csrf_token(secret)):
                return self.refused(Refused(words(lang)["csrf"], 403), lang)
            await session.end_web_session(secret_hash(secret), self.clock())
        response = self.page("message.html", lang, message=words(lang)["signed_out"])
        response.delete_cookie(COOKIE, path="/")
        return response

    # --- every signed-in request ---------------------------------------------------------------

    async def _form(self, request: Request) -> dict[str, str]:
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > FORM_LIMIT:
                break
        parsed = parse_qs(body[:FORM_LIMIT].decode("utf-8", "replace"), keep_blank_values=True)
        form = {key: values[-1] for key, values in parsed.items()}
        for key, values in parsed.items():
            if len(values) > 1:
                form[key] = ",".join(values)
        return form

    async def signed_in(
        self,
        request: Request,
        work: Callable[[Visit, dict[str, str]], Awaitable[Response]],
        *,
        post: bool = False,
        touch: bool = True,
        form: dict[str, str] | None = None,
    ) -> Response:
        """Run ``work`` for the officer of this request's session, as they are now. A request
        the officer did not make (the live count) does not ``touch`` it: it still ends idle.
        A representative's session opens no officer page (404). ``form``: the POST's fields when
        the caller read the body itself (an uploaded file)."""

        async def officer_now(
            session: OfficerSession, found: WebSession, secret: str, now: datetime
        ) -> Visit | str:
            if found.access_id is not None:
                raise Refused(words(found.lang)["not_found"], 404)
            officer = await self._officer_now(session, found, secret, now)
            if not isinstance(officer, Officer):
                return officer
            session.restrict(officer.scope)
            return Visit(found.lang, secret, session, officer)

        return await self._visit(request, officer_now, work, post=post, touch=touch, form=form)

    async def guest_in(
        self,
        request: Request,
        work: Callable[[Guest, dict[str, str]], Awaitable[Response]],
        *,
        post: bool = False,
    ) -> Response:
        """Run ``work`` for the sponsor's representative of this request's session, their access
        read again: revoked (or idle too long) ends the session and refuses the click. An
        officer's session opens no representative's page (404)."""

        async def guest_now(
            session: OfficerSession, found: WebSession, secret: str, now: datetime
        ) -> Guest | str:
            if found.access_id is None:
                raise Refused(words(found.lang)["not_found"], 404)
            access = await self._access_now(session, found, found.access_id, secret, now)
            if not isinstance(access, SponsorAccess):
                return access
            session.restrict(())  # no branch's data: only the sponsor's own look-ups
            return Guest(found.lang, secret, session, access)

        return await self._visit(request, guest_now, work, post=post)

    async def _visit(
        self,
        request: Request,
        now_of: Callable[[OfficerSession, WebSession, str, datetime], Awaitable[V | str]],
        work: Callable[[V, dict[str, str]], Awaitable[Response]],
        *,
        post: bool,
        touch: bool = True,
        form: dict[str, str] | None = None,
    ) -> Response:
        """Find the request's session, read its person again (``now_of``: who they are now, or
        why the session has just ended), check the CSRF token of a POST, then ``work``."""
        if form is None:
            form = await self._form(request) if post else {}
        secret = request.cookies.get(COOKIE, "")
        now = self.clock()
        lang = "id"
        try:
            async with self.repo.officer() as session:
                found = await session.web_session(secret_hash(secret)) if secret else None
                if found is None:
                    raise Refused(words(lang)["expired"], 401, clear_cookie=True)
                lang = found.lang
                visitor = await now_of(session, found, secret, now)
                if not isinstance(visitor, str):
                    if post and not hmac.compare_digest(form.get("csrf", ""), csrf_token(secret)):
                        raise Refused(words(lang)["csrf"], 403)
                    if touch:
                        await session.touch_web_session(secret_hash(secret), now)
                    return await work(visitor, form)
            # The session was ended (committed above): say why.
            raise Refused(
                visitor, 401 if visitor == words(lang)["expired"] else 403, clear_cookie=True
            )
        except Refused as refusal:
            return self.refused(refusal, lang)

    async def _access_now(
        self,
        session: OfficerSession,
        found: WebSession,
        access_id: int,
        secret: str,
        now: datetime,
    ) -> SponsorAccess | str:
        """The session's access as it is now; or why the session has just ended."""
        access = await session.open_access(access_id)
        t = words(found.lang)
        if now - found.last_seen_at > self.idle:
            why = t["expired"]
        elif access is None or access.user_id != found.user_id:
            why = t["access_revoked"]
        else:
            return access
        await session.end_web_session(secret_hash(secret), now)
        return why

    async def _officer_now(
        self, session: OfficerSession, found: WebSession, secret: str, now: datetime
    ) -> Officer | str:
        """The session's officer as they are now; or why the session has just ended: idle too
        long, no longer an officer, or another role or branches than at sign-in."""
        officer = await session.officer(found.user_id)
        t = words(found.lang)
        if now - found.last_seen_at > self.idle:
            why = t["expired"]
        elif (
            officer is None
            or found.role is None
            or officer.role is not found.role
            or tuple(officer.branches) != found.branches
        ):
            why = t["role_changed"]
        else:
            return officer
        await session.end_web_session(secret_hash(secret), now)
        return why

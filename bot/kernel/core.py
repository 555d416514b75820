"""The core's front door. Adapters call these methods with plain values (``Who``, text,
option values, button actions, form values) and render the ``Message`` they return.

Every call runs in one database transaction: a member's mistake (``UserError``) rolls
back whatever the handler had changed, and is answered with a translated explanation.
Unexpected errors are logged with context and answered with a short apology; nothing
a member sends can crash the process.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from contextlib import nullcontext
from datetime import timedelta
from typing import Any, Protocol

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from bot.kernel import effects, forms
from bot.kernel import identity as member_store
from bot.kernel.checks import enforce
from bot.kernel.clock import Clock
from bot.kernel.command_words import suggested_commands, words_meaning
from bot.kernel.context import Ctx
from bot.kernel.convert import clean_text
from bot.kernel.errors import UserError
from bot.kernel.i18n import Translator, translator_for
from bot.kernel.invoke import invoke
from bot.kernel.logcontext import log_context
from bot.kernel.lookups import community_named, looks_like_a_typo, trim_name
from bot.kernel.messages import Choice, Form, FormRequest, Message, Note, Paragraph, Text
from bot.kernel.outbox import Outbox
from bot.kernel.parser import ParsedCommand, UnknownCommand, parse_line
from bot.kernel.registry import Action, Command, Registry
from bot.kernel.settings import Settings
from bot.kernel.who import Who
from data.errors import DatabaseBusy
from data.models import Delivery, Member, ProcessedEvent

log = logging.getLogger(__name__)

# how many recorded platform events between two clean-ups of old event ids
PRUNE_EVERY = 500


class CommandObserver(Protocol):
    """Told about every command handled (metrics hook)."""

    def command_handled(self, name: str, outcome: str, seconds: float) -> None: ...


class Core:
    def __init__(
        self,
        settings: Settings,
        clock: Clock,
        registry: Registry,
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.registry = registry
        self.outboxes: dict[str, Outbox] = {}
        # who sends a command's effects once committed (the scheduler's engine); without
        # one they wait in the ledger for a scheduler
        self.effect_delivery: effects.EffectDelivery | None = None
        self.observers: list[CommandObserver] = []
        self._events_recorded = 0
        self._meant: dict[str, str] | None = None  # see _words_meaning
        for code in settings.language_codes:  # read the catalogs now, not at a first message
            self.translator(code)

    def report_delivery(self, kind: str, outcome: str) -> None:
        """A scheduled post was handled (sent, late, skipped, failed, fallback): tell the
        observers that count deliveries."""
        for observer in self.observers:
            counter = getattr(observer, "delivery", None)
            if counter is not None:
                counter(kind, outcome)

    def attach_outbox(self, outbox: Outbox) -> None:
        self.outboxes[outbox.platform] = outbox

    def attach_effect_delivery(self, delivery: effects.EffectDelivery) -> None:
        self.effect_delivery = delivery

    def translator(self, language: str | None) -> Translator:
        return translator_for(self.settings, language)

    # ---- inbound ------------------------------------------------------------------

    async def handle_text(self, who: Who, line: str) -> Message:
        """A command typed as text: ``join python``, ``/share https://… #tag``."""
        try:
            parsed: ParsedCommand | None = parse_line(self.registry, line)
        except Exception:  # parsed again inside the run, which reports the error
            parsed = None
        return await self._run(
            who,
            "text",
            lambda ctx: self._dispatch_text(ctx, line, parsed),
            # a read-only command runs without a transaction; a line that does not parse
            # gets the usual one, and its error
            read_only=parsed is not None and parsed.command.read_only,
        )

    async def handle(self, who: Who, name: str, options: dict[str, str]) -> Message:
        """A command with its options already separated (Discord application commands)."""
        command = self.registry.commands.get(name)
        if command is None:
            return await self.handle_text(who, name)
        return await self._run(
            who, name, lambda ctx: self._invoke(ctx, command, options), read_only=command.read_only
        )

    async def press(self, who: Who, action: str, value: str) -> Message:
        """A button or select: ``action`` and ``value`` as the core put them on it."""
        pressed = self.registry.press_handlers.get(action)
        if pressed is None:
            log.warning("unknown button action %r", action)
            return self._error(
                self.translator(None),
                UserError("That button no longer works. Try the command again."),
            )
        return await self._run(who, pressed.entry, lambda ctx: self._act(ctx, pressed, value))

    async def submit_form(
        self, who: Who, form_id: str, values: dict[str, str], context: str = ""
    ) -> Message:
        """A whole form sent at once (a modal, or the console's last answer). What was typed
        is kept as the member's draft first, in its own transaction, so no failure loses it;
        every answer is checked and all the bad ones are reported together, each on its
        field; the form is saved only when all are good, and its draft is then dropped."""
        submitted = self.registry.form_handlers.get(form_id)
        if submitted is None:
            log.warning("unknown form %r", form_id)
            return self._error(
                self.translator(None),
                UserError("That button no longer works. Try the command again."),
            )
        spec = self.registry.forms.get(form_id)
        if spec is None:
            return await self._run(
                who, submitted.entry, lambda ctx: self._act(ctx, submitted, context, values)
            )
        checked = await self._run(
            who, f"form-check:{form_id}", lambda ctx: self._check_form(ctx, spec, values, context)
        )
        if checked.is_error:
            return checked

        async def save(ctx: Ctx) -> Any:
            reply = await self._act(ctx, submitted, context, values)
            await forms.drop_draft(ctx.member, form_id)
            return reply

        return await self._run(who, submitted.entry, save)

    async def _check_form(
        self, ctx: Ctx, spec: forms.FormSpec, values: dict[str, str], context: str
    ) -> Message:
        await forms.keep_in_draft(ctx.member, spec.form_id, values, ctx.clock.now())
        form = await spec.build(ctx, context)
        errors: dict[str, str] = {}
        for name, raw in values.items():
            if any(f.name == name for f in form.fields):
                try:
                    await forms.check_answer(ctx, spec, form, name, raw)
                except UserError as error:
                    errors[name] = ctx.tr(error.key, **error.values)
        if not errors:
            return Message(ephemeral=True)
        reply = Message(ephemeral=True, is_error=True, field_errors=errors)
        for reason in errors.values():
            reply.add(Paragraph((Text(reason),)))
        reply.add(Note(ctx.tr.spans("Your answers are kept: open the form again to fix them.")))
        again = forms.with_values(form, await forms.load_draft(ctx.member, spec.form_id))
        reply.add(FormRequest(again, ctx.tr("Fix my answers")))
        return reply

    async def answer_form(
        self, who: Who, form_id: str, name: str, value: str, context: str = ""
    ) -> Message:
        """One answer to one question (the console asks them one by one): checked now, and
        kept in the member's draft when good. A bad answer is an error naming the field,
        saying why; a choice says which one it took."""
        spec = self.registry.forms.get(form_id)
        if spec is None:
            return Message(ephemeral=True)  # forms without a spec are checked when sent

        async def answer(ctx: Ctx) -> Message:
            form = await spec.build(ctx, context)
            taken = await forms.check_answer(ctx, spec, form, name, value)
            await forms.keep_in_draft(ctx.member, form_id, {name: taken.value}, ctx.clock.now())
            reply = Message(ephemeral=True)
            if taken.took is not None:
                reply.add(Note(ctx.tr.spans("(taken as: {choice})", choice=taken.took.label)))
            return reply

        return await self._run(who, f"form-answer:{form_id}", answer)

    async def form_left(self, who: Who, form_id: str) -> Message:
        """What a member is told when they leave a form half answered: what was kept, and
        how to come back to it."""
        spec = self.registry.forms.get(form_id)

        async def left(ctx: Ctx) -> Message:
            draft = await forms.load_draft(ctx.member, form_id) if spec else {}
            reply = Message(ephemeral=True)
            if spec is None or not draft:
                return reply
            form = await spec.build(ctx, "")
            kept = [f.label for f in form.fields if draft.get(f.name)]
            if kept:
                reply.add(
                    Note(
                        ctx.tr.spans(
                            "Your answers so far are kept ({fields}): type `{command}` to pick "
                            "up where you left off.",
                            fields="; ".join(kept),
                            command=spec.command,
                        )
                    )
                )
            return reply

        return await self._run(who, f"form-left:{form_id}", left)

    async def prefill(self, who: Who, form: Form) -> Form:
        """A form about to be opened again (a button pressed later), pre-filled with the
        member's draft of it."""
        if form.form_id not in self.registry.forms:
            return form
        try:
            async with in_transaction():
                ctx = await self._context(who)
                return await forms.prefill(ctx.member, form)
        except Exception:
            log.exception("reading the draft of form %s failed", form.form_id)
            return form

    async def event(self, who: Who, name: str, **values: str) -> Message | None:
        """A platform event with no reply of its own (member joined, channel joined). Each
        area's handler of it runs, in one transaction; their replies are joined."""
        handlers = self.registry.event_handlers.get(name)
        if not handlers:
            log.warning("no handler for event %r", name)
            return None

        async def once(ctx: Ctx) -> Any:
            if who.event_id and not await self._first_delivery(who):
                log.info("event %s %s already handled", name, who.event_id)
                return None
            replies = [await handler(ctx, **values) for handler in handlers]
            messages = [reply for reply in replies if isinstance(reply, Message)]
            if not messages:
                return None
            for other in messages[1:]:
                messages[0].add(*other.parts)
            return messages[0]

        return await self._run(who, f"event:{name}", once)

    async def _first_delivery(self, who: Who) -> bool:
        """Record the platform's event id; False when an earlier delivery of it (a platform
        retry, perhaps to another process) was handled already. Inside the event's
        transaction, so a handler that fails leaves the retry free to try again."""
        assert who.event_id is not None
        if await ProcessedEvent.exists(platform=who.platform, event_id=who.event_id):
            return False
        now = self.clock.now()
        try:
            async with in_transaction():  # a savepoint: losing the race must not abort ours
                await ProcessedEvent.create(
                    platform=who.platform, event_id=who.event_id[:128], at=now
                )
        except IntegrityError:  # the same event is being handled by another process now
            return False
        self._events_recorded += 1
        if self._events_recorded % PRUNE_EVERY == 0:  # platforms stop retrying within hours
            await ProcessedEvent.filter(at__lt=now - timedelta(days=2)).delete()
        return True

    async def language_of(self, who: Who) -> str:
        """The language this person is spoken to in (for an adapter's own few strings);
        the default language for someone not met yet. Reads only, creates nothing."""
        member = await Member.get_or_none(
            workspace__platform=who.platform,
            workspace__external_id=who.workspace_id,
            external_id=who.user_id,
        )
        language = member.language if member is not None else None
        return (
            language
            or member_store.language_from_locale(who.locale, self.settings)
            or (self.settings.default_language)
        )

    async def autocomplete(self, who: Who, kind: str, prefix: str) -> list[Choice]:
        """Values of an argument kind that fit what was typed so far (its resolver's)."""
        resolver = self.registry.resolvers.get(kind)
        if resolver is None or not resolver.completes:
            return []
        try:
            async with in_transaction():
                ctx = await self._context(who)
                return list(await resolver.complete(ctx, prefix[:100]))[:25]
        except Exception:
            log.exception("autocomplete %s failed", kind)
            return []

    # ---- internals ----------------------------------------------------------------

    async def _context(self, who: Who) -> Ctx:
        workspace, member = await member_store.ensure_member(who, self.clock.now(), self.settings)
        return Ctx(
            who=who,
            workspace=workspace,
            member=member,
            tr=self.translator(member.language),
            clock=self.clock,
            settings=self.settings,
            registry=self.registry,
            outbox=self.outboxes.get(who.platform),
        )

    async def _run(
        self,
        who: Who,
        name: str,
        work: Callable[[Ctx], Awaitable[Any]],
        *,
        read_only: bool = False,
    ) -> Message:
        with log_context(workspace=who.workspace_id, platform=who.platform, command=name):
            return await self._run_logged(who, name, work, read_only)

    async def _run_logged(
        self, who: Who, name: str, work: Callable[[Ctx], Awaitable[Any]], read_only: bool = False
    ) -> Message:
        started = time.perf_counter()
        outcome = "ok"
        tr = self.translator(None)
        ctx: Ctx | None = None
        try:
            # a read-only command sends its few SELECTs without BEGIN and COMMIT
            async with nullcontext() if read_only else in_transaction():
                ctx = await self._context(who)
                tr = ctx.tr
                reply = await work(ctx)
                # the effects commit with the data that caused them, or not at all
                queued = list(ctx.effects)
                rows = await effects.write(
                    queued, ctx.workspace, self.clock.now(), self.effect_delivery
                )
            with log_context(command=ctx.command_name or name):
                await self._deliver_effects(queued, rows)
            if isinstance(reply, Message):
                # a form the reply opens shows what the member already typed into it
                reply = await forms.prefill_message(ctx.member, reply)
            else:
                reply = Message(ephemeral=True)
            return reply.add(*ctx.reply_notes) if ctx.reply_notes else reply
        except UserError as error:
            outcome = "user_error"
            return self._error(tr, error)
        except DatabaseBusy:
            # another copbot process held the write lock past the wait: nothing written
            outcome = "busy"
            log.warning("%s: the database stayed busy with another process", name)
            return self._error(
                tr,
                UserError("I'm busy with other requests right now. Please try again in a moment."),
            )
        except IntegrityError:
            # two requests raced on a unique key; the loser is told to try again
            outcome = "conflict"
            log.info("unique key conflict in %s", name, exc_info=True)
            return self._error(
                tr,
                UserError("Someone else just changed this at the same moment. Please try again."),
            )
        except Exception:
            outcome = "error"
            log.exception(
                "command %s failed", name, extra={"workspace": who.workspace_id, "command": name}
            )
            return self._error(
                tr,
                UserError(
                    "Sorry, something went wrong on my side. It has been logged; please try again."
                ),
            )
        finally:
            elapsed = time.perf_counter() - started
            # typed text is reported under the command it named ("join"), not as "text"
            if ctx is not None and ctx.command_name:
                name = ctx.command_name
            for observer in self.observers:
                observer.command_handled(name, outcome, elapsed)

    async def _deliver_effects(
        self, queued: list[effects.QueuedEffect], rows: list[Delivery]
    ) -> None:
        """Send a committed command's effects at once, in order, and tell each its outcome.
        When no outcome changes the reply, they are sent while the reply goes out (as
        ``copbot run`` does: ``EffectDelivery.in_background``). A failure is logged, never
        shown as the member's error: the command has succeeded, and what was not sent
        stays in the ledger for the scheduler to retry."""
        if not rows or self.effect_delivery is None:
            return
        if rows[0].status != "claimed":  # written pending during a graceful stop: not ours
            return
        if self.effect_delivery.in_background and all(item.then is None for item in queued):
            self.effect_delivery.deliver_soon(rows)  # nothing in the reply depends on them
            return
        try:
            results = await self.effect_delivery.deliver_claimed(rows)
        except Exception:
            log.exception("sending the effects of a command failed; the scheduler retries them")
            results = [effects.EffectResult(effects.RETRY)] * len(rows)
        for item, result in zip(queued, results, strict=True):
            if item.then is not None:
                item.then(result)

    def _error(self, tr: Translator, error: UserError) -> Message:
        message = Message(ephemeral=True, is_error=True)
        message.add(Paragraph(tr.spans(error.key, **error.values)))
        if error.field:
            message.field_errors[error.field] = tr(error.key, **error.values)
        if isinstance(error, UnknownCommand):
            close = suggested_commands(error.name, self._command_names(), self._words_meaning())
            if close:
                message.add(
                    Paragraph(tr.spans("Did you mean: {options}?", options=", ".join(close)))
                )
            message.add(Paragraph(tr.spans("Type `help` to see what I can do.")))
        return message

    def _words_meaning(self) -> dict[str, str]:
        """The words members use for what commands do, in every offered language (read
        from the catalogs once, at the first unknown command)."""
        if self._meant is None:
            languages = [self.translator(code) for code in self.settings.language_codes]
            self._meant = words_meaning(languages)
        return self._meant

    def _command_names(self) -> list[str]:
        names = set()
        for command in self.registry.commands.values():
            if not command.hidden:
                names.add(command.name)
                names.add(command.words[0])
        return sorted(names)

    async def _dispatch_text(self, ctx: Ctx, line: str, parsed: ParsedCommand | None) -> Any:
        parsed = parsed or parse_line(self.registry, line)
        if not parsed.read_in:
            return await self._invoke(ctx, parsed.command, parsed.raw)
        # "in <words>" names a community only when the words are a community's name (the
        # sentence's punctuation aside: "in class?"); otherwise they are the member's text
        # ("prompt suggest How do you handle phones in class?")
        via = next(p.name for p in parsed.command.params if p.arg.via_in)
        named = await community_named(ctx, parsed.raw[via])
        if named is not None:
            return await self._invoke(ctx, parsed.command, {**parsed.raw, via: named.name})
        as_read = {**parsed.raw, via: trim_name(parsed.raw[via]) or parsed.raw[via]}
        if await looks_like_a_typo(ctx, parsed.raw[via]):  # "in pyton": say which one
            return await self._invoke(ctx, parsed.command, as_read)
        queued = len(ctx.effects)
        try:
            literal = parse_line(self.registry, line, read_in=False)
            async with in_transaction():  # a savepoint: a failed reading leaves nothing
                return await self._invoke(ctx, literal.command, literal.raw)
        except UserError:
            del ctx.effects[queued:]  # the failed reading sends nothing
            # the words read as text don't make a command either: report the community
            return await self._invoke(ctx, parsed.command, as_read)

    async def _invoke(self, ctx: Ctx, command: Command, raw: dict[str, str]) -> Any:
        """Resolve the command's arguments, enforce its declared check, run it."""
        return await invoke(ctx, command, raw)

    async def _act(
        self, ctx: Ctx, action: Action, value: str, values: dict[str, str] | None = None
    ) -> Any:
        """A button's value (or a form's context) read into the handler's parameters: split
        on ``:``, each piece read by its resolver as an exact value; then the declared check."""
        kwargs: dict[str, Any] = {}
        parts = max(len(action.params) - 1, 0)
        pieces = value.split(action.separator, parts) if action.params else []
        for param, piece in zip(action.params, pieces, strict=False):
            if not piece and not param.required:
                kwargs[param.name] = param.default
                continue
            resolver = self.registry.resolver(param.arg.kind)
            label = ctx.tr(param.arg.label)
            kwargs[param.name] = await resolver.from_value(ctx, clean_text(piece), param, label)
        if any(p.required and p.name not in kwargs for p in action.params):
            raise UserError("That button no longer works. Try the command again.")
        await enforce(ctx, action.role, kwargs.values())
        if action.is_form:
            return await action.handler(ctx, values or {}, **kwargs)
        return await action.handler(ctx, **kwargs)

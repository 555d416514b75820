"""Finding (or first meeting) the workspace and member behind a request."""

from __future__ import annotations

from datetime import datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from bot.kernel.i18n import offered_language
from bot.kernel.settings import Settings
from bot.kernel.who import Who
from data.hotpath import member_and_workspace
from data.models import Member, Workspace

# "last active" feeds the 30- and 90-day activity figures, so an hour is fine enough: taking
# part costs a write only on a member's first act of the hour, not on every act
ACTIVE_GRAIN = timedelta(hours=1)


async def mark_active(member: Member, now: datetime) -> None:
    """Record that ``member`` took part (shared, answered) at ``now``."""
    last = member.last_active_at
    if last is not None and timedelta(0) <= now - last < ACTIVE_GRAIN:
        return
    member.last_active_at = now
    await member.save(update_fields=["last_active_at"])


def language_from_locale(locale: str | None, settings: Settings) -> str | None:
    """The offered language a platform locale names (``fr-CA`` -> ``fr``), if any."""
    return offered_language(settings, locale)


async def ensure_workspace(platform: str, external_id: str, name: str, now: datetime) -> Workspace:
    workspace = await Workspace.get_or_none(platform=platform, external_id=external_id)
    if workspace is None:
        try:
            # a savepoint: on PostgreSQL a failed INSERT would abort the whole transaction
            async with in_transaction():
                workspace = await Workspace.create(
                    platform=platform, external_id=external_id, name=name[:200], created_at=now
                )
        except IntegrityError:  # another process met this workspace at the same moment
            workspace = await Workspace.get(platform=platform, external_id=external_id)
    return workspace


async def ensure_member(who: Who, now: datetime, settings: Settings) -> tuple[Workspace, Member]:
    """The member asking; created on first sight, with language and time zone seeded from
    the platform profile when they have set none."""
    # the usual case, someone met before: member and workspace in one query (a fresh read
    # of both rows every request, so settings changed by another process are seen)
    found = await member_and_workspace(who.platform, who.workspace_id, who.user_id)
    member: Member | None
    if found is not None:
        workspace, member = found
    else:
        workspace = await ensure_workspace(who.platform, who.workspace_id, who.workspace_name, now)
        member = await Member.get_or_none(workspace=workspace, external_id=who.user_id)
    if member is None:
        try:
            async with in_transaction():  # a savepoint, as for the workspace
                member = await _create_member(who, workspace, now, settings)
        except IntegrityError:  # the same person's two first requests raced
            member = await Member.get(workspace=workspace, external_id=who.user_id)
        return workspace, member
    changed = []
    if member.language is None and language_from_locale(who.locale, settings):
        member.language = language_from_locale(who.locale, settings)
        changed.append("language")
    if member.timezone is None and who.timezone:
        member.timezone = who.timezone
        changed.append("timezone")
    if who.user_name and who.user_name[:100] != member.display_name:
        member.display_name = who.user_name[:100]
        changed.append("display_name")
    if who.is_admin != member.is_admin:
        member.is_admin = who.is_admin
        changed.append("is_admin")
    if changed:
        # a new language moves its communities' readers_version (data.readers' triggers)
        await member.save(update_fields=changed)
    return workspace, member


async def _create_member(
    who: Who, workspace: Workspace, now: datetime, settings: Settings
) -> Member:
    return await Member.create(
        workspace=workspace,
        external_id=who.user_id,
        display_name=(who.user_name or who.user_id)[:100],
        language=language_from_locale(who.locale, settings),
        timezone=who.timezone,
        is_admin=who.is_admin,
        is_bot=who.is_bot,
        first_seen=now,
    )

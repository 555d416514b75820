"""The tortoise models: every concept of SPEC.md, with the unique keys that protect its rules.

Datetimes are always timezone-aware (UTC) when stored; a meeting's local start is kept
as text beside its IANA zone so a 16:30 meeting stays 16:30 local across DST changes.
Every row hangs off one workspace, the tenancy boundary.
"""

from __future__ import annotations

import uuid

from tortoise import fields
from tortoise.models import Model

# what people share; "other" is the default and last
RESOURCE_KINDS = (
    "article",
    "guide",
    "video",
    "podcast",
    "course",
    "book",
    "paper",
    "dataset",
    "tool",
    "template",
    "idea",
    "strategy",
    "update",
    "event",
    "other",
)
RSVP_STATUSES = ("going", "maybe", "no")
VISIBILITIES = ("public", "members")


def new_ical_uid() -> str:
    return f"{uuid.uuid4()}@copbot"


class Workspace(Model):
    """A Slack workspace, a Discord server or the console workspace."""

    id = fields.IntField(primary_key=True)
    platform = fields.CharField(max_length=16)  # slack | discord | console
    external_id = fields.CharField(max_length=64)
    name = fields.CharField(max_length=200, default="")
    # Operator choice: only workspace admins may create communities.
    restrict_community_create = fields.BooleanField(default=False)
    calendar_token = fields.CharField(max_length=64, null=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "workspace"
        unique_together = (("platform", "external_id"),)


class Member(Model):
    id = fields.IntField(primary_key=True)
    workspace: fields.ForeignKeyRelation[Workspace] = fields.ForeignKeyField(
        "models.Workspace", related_name="members", on_delete=fields.CASCADE
    )
    external_id = fields.CharField(max_length=64)
    display_name = fields.CharField(max_length=100)
    timezone = fields.CharField(max_length=64, null=True)
    language = fields.CharField(max_length=2, null=True)
    title = fields.CharField(max_length=100, default="")
    organization = fields.CharField(max_length=100, default="")
    location = fields.CharField(max_length=100, default="")
    interests: list[str] = fields.JSONField(default=list)  # type: ignore[assignment]  # list[str] of lower-case tags
    can_help_with = fields.CharField(max_length=300, default="")
    wants_to_learn = fields.CharField(max_length=300, default="")
    networking_opt_in = fields.BooleanField(default=False)
    is_admin = fields.BooleanField(default=False)
    is_bot = fields.BooleanField(default=False)
    first_seen = fields.DatetimeField()
    intro_posted_at = fields.DatetimeField(null=True)
    last_active_at = fields.DatetimeField(null=True)

    class Meta:
        table = "member"
        unique_together = (("workspace", "external_id"),)


class Community(Model):
    id = fields.IntField(primary_key=True)
    workspace: fields.ForeignKeyRelation[Workspace] = fields.ForeignKeyField(
        "models.Workspace", related_name="communities", on_delete=fields.CASCADE
    )
    name = fields.CharField(max_length=80)
    # casefolded name: the unique key that makes "Python" and "python" the same community
    name_key = fields.CharField(max_length=80)
    description = fields.CharField(max_length=500, default="")
    tags: list[str] = fields.JSONField(default=list)  # type: ignore[assignment]
    home_channel_id = fields.CharField(max_length=64, null=True)
    created_by: fields.ForeignKeyNullableRelation[Member] = fields.ForeignKeyField(
        "models.Member", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField()
    archived = fields.BooleanField(default=False)
    digest_enabled = fields.BooleanField(default=False)
    scheduled_events_enabled = fields.BooleanField(default=True)
    # the language of its channel posts (en, fr or both); None = what most members read
    language = fields.CharField(max_length=4, null=True)
    # when the weekly digest was last turned on: no digest due before it is posted
    digest_since = fields.DatetimeField(null=True)
    # who sees its web page: "public" (listed in the web directory) or "members" (signed-in
    # members of the community only)
    visibility = fields.CharField(max_length=8, default="members", db_default="members")
    # how many of its current members read each language, as last counted, and the
    # ``readers_version`` it was counted at; a join, a leave or a member's change of
    # language moves the version (``data.readers``)
    readers_version = fields.IntField(default=0, db_default=0)
    reader_counts: dict[str, int] | None = fields.JSONField(null=True)  # type: ignore[assignment]
    reader_counts_of = fields.IntField(null=True)

    class Meta:
        table = "community"
        unique_together = (("workspace", "name_key"),)


class Membership(Model):
    """Current state of member x community. Leaving sets left_at, MembershipEvent keeps history."""

    id = fields.IntField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "models.Member", related_name="memberships", on_delete=fields.CASCADE
    )
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "models.Community", related_name="memberships", on_delete=fields.CASCADE
    )
    role = fields.CharField(max_length=16, default="member")  # member | coordinator
    joined_at = fields.DatetimeField()
    left_at = fields.DatetimeField(null=True)

    class Meta:
        table = "membership"
        unique_together = (("member", "community"),)
        # a community's current members counted without reading rows (stats)
        indexes = (("community_id", "left_at"),)


class MembershipEvent(Model):
    """Every join and leave, kept for growth statistics."""

    id = fields.IntField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "models.Member", related_name="membership_events", on_delete=fields.CASCADE
    )
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "models.Community", related_name="membership_events", on_delete=fields.CASCADE
    )
    kind = fields.CharField(max_length=8)  # join | leave
    at = fields.DatetimeField()

    class Meta:
        table = "membership_event"
        # joins and leaves up to an instant, counted by range (stats, data/stats_sql.py)
        indexes = (("community_id", "kind", "at", "member_id"),)


class Resource(Model):
    id = fields.IntField(primary_key=True)
    workspace: fields.ForeignKeyRelation[Workspace] = fields.ForeignKeyField(
        "models.Workspace", related_name="resources", on_delete=fields.CASCADE
    )
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "models.Community", related_name="resources", on_delete=fields.CASCADE
    )
    url = fields.CharField(max_length=2000)
    # normalized URL (see bot.kernel.urls.normalize_url): the same link is stored once per community
    url_key = fields.CharField(max_length=500)
    title = fields.CharField(max_length=200, default="")
    description = fields.CharField(max_length=1000, default="")
    kind = fields.CharField(max_length=16, default="other")
    tags: list[str] = fields.JSONField(default=list)  # type: ignore[assignment]
    # space-separated tags, kept for full-text search
    tags_text = fields.CharField(max_length=1000, default="")
    shared_by: fields.ForeignKeyNullableRelation[Member] = fields.ForeignKeyField(
        "models.Member", related_name="shared_resources", null=True, on_delete=fields.SET_NULL
    )
    shared_at = fields.DatetimeField()
    votes = fields.IntField(default=0)

    class Meta:
        table = "resource"
        unique_together = (("community", "url_key"),)
        # a community's newest resources (web repertoire, per-month counts) without a sort,
        # with their sharers (the dashboard's activity), and its most upvoted (stats)
        indexes = (
            ("community_id", "shared_at", "shared_by_id"),
            ("community_id", "votes", "shared_at"),
        )


class ResourceVote(Model):
    id = fields.IntField(primary_key=True)
    resource: fields.ForeignKeyRelation[Resource] = fields.ForeignKeyField(
        "models.Resource", related_name="vote_rows", on_delete=fields.CASCADE
    )
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "models.Member", related_name="votes", on_delete=fields.CASCADE
    )
    at = fields.DatetimeField()

    class Meta:
        table = "resource_vote"
        unique_together = (("resource", "member"),)


class Meeting(Model):
    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "models.Community", related_name="meetings", on_delete=fields.CASCADE
    )
    title = fields.CharField(max_length=200)
    # local wall-clock start "YYYY-MM-DDTHH:MM" in `timezone`; the recurrence expands from it
    start_local = fields.CharField(max_length=19)
    timezone = fields.CharField(max_length=64)
    duration_minutes = fields.IntField(default=60)
    rrule = fields.CharField(max_length=300, null=True)  # RFC 5545 RRULE, without DTSTART
    location = fields.CharField(max_length=500, default="")
    agenda = fields.CharField(max_length=2000, default="")
    created_by: fields.ForeignKeyNullableRelation[Member] = fields.ForeignKeyField(
        "models.Member", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField()
    cancelled = fields.BooleanField(default=False)
    # the platform's native event (Discord Scheduled Event id), if one was made
    external_event_id = fields.CharField(max_length=64, null=True)
    # the iCalendar UID: random, so two installations never give two meetings one UID
    ical_uid = fields.CharField(max_length=64, null=True, default=new_ical_uid)
    # bumped with revised_at whenever the meeting or one of its occurrences changes, so
    # calendar apps replace the event (SEQUENCE and DTSTAMP) instead of adding a copy
    sequence = fields.IntField(default=0, db_default=0)
    revised_at = fields.DatetimeField(null=True)

    class Meta:
        table = "meeting"
        # a community's meetings (``communities``, ``meetings``, the planner): by index
        indexes = (("community_id", "cancelled"),)


class Occurrence(Model):
    """One instance of a meeting, made when something needs to hang off it (RSVP, move...)."""

    id = fields.IntField(primary_key=True)
    meeting: fields.ForeignKeyRelation[Meeting] = fields.ForeignKeyField(
        "models.Meeting", related_name="occurrences", on_delete=fields.CASCADE
    )
    # the instant the recurrence rule gives (UTC): the occurrence's identity
    original_start = fields.DatetimeField()
    # where it actually is (differs from original_start when moved)
    starts_at = fields.DatetimeField()
    cancelled = fields.BooleanField(default=False)
    agenda = fields.CharField(max_length=2000, default="")
    thread_ref = fields.CharField(max_length=128, null=True)

    class Meta:
        table = "occurrence"
        unique_together = (("meeting", "original_start"),)


class Rsvp(Model):
    id = fields.IntField(primary_key=True)
    occurrence: fields.ForeignKeyRelation[Occurrence] = fields.ForeignKeyField(
        "models.Occurrence", related_name="rsvps", on_delete=fields.CASCADE
    )
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "models.Member", related_name="rsvps", on_delete=fields.CASCADE
    )
    status = fields.CharField(max_length=8)  # going | maybe | no
    at = fields.DatetimeField()

    class Meta:
        table = "rsvp"
        unique_together = (("occurrence", "member"),)


class AgendaItem(Model):
    id = fields.IntField(primary_key=True)
    occurrence: fields.ForeignKeyRelation[Occurrence] = fields.ForeignKeyField(
        "models.Occurrence", related_name="agenda_items", on_delete=fields.CASCADE
    )
    member: fields.ForeignKeyNullableRelation[Member] = fields.ForeignKeyField(
        "models.Member", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    text = fields.CharField(max_length=300)
    at = fields.DatetimeField()

    class Meta:
        table = "agenda_item"


class Prompt(Model):
    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "models.Community", related_name="prompts", on_delete=fields.CASCADE
    )
    text = fields.CharField(max_length=1000)
    source = fields.CharField(max_length=16)  # custom | library | suggested
    library_key = fields.CharField(max_length=64, null=True)
    status = fields.CharField(max_length=16, default="approved")  # pending | approved | rejected
    suggested_by: fields.ForeignKeyNullableRelation[Member] = fields.ForeignKeyField(
        "models.Member", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField()
    last_posted_at = fields.DatetimeField(null=True)
    thread_ref = fields.CharField(max_length=128, null=True)
    answers = fields.IntField(default=0)

    class Meta:
        table = "prompt"


class PromptSchedule(Model):
    id = fields.IntField(primary_key=True)
    community: fields.OneToOneRelation[Community] = fields.OneToOneField(
        "models.Community", related_name="prompt_schedule", on_delete=fields.CASCADE
    )
    rrule = fields.CharField(max_length=300)
    start_local = fields.CharField(max_length=19)
    timezone = fields.CharField(max_length=64)
    active = fields.BooleanField(default=True)

    class Meta:
        table = "prompt_schedule"


class NetworkingSchedule(Model):
    id = fields.IntField(primary_key=True)
    community: fields.OneToOneRelation[Community] = fields.OneToOneField(
        "models.Community", related_name="networking_schedule", on_delete=fields.CASCADE
    )
    rrule = fields.CharField(max_length=300)
    start_local = fields.CharField(max_length=19)
    timezone = fields.CharField(max_length=64)
    active = fields.BooleanField(default=True)

    class Meta:
        table = "networking_schedule"


class NetworkingRound(Model):
    id = fields.IntField(primary_key=True)
    community: fields.ForeignKeyRelation[Community] = fields.ForeignKeyField(
        "models.Community", related_name="networking_rounds", on_delete=fields.CASCADE
    )
    round_at = fields.DatetimeField()

    class Meta:
        table = "networking_round"
        unique_together = (("community", "round_at"),)


class NetworkingPair(Model):
    id = fields.IntField(primary_key=True)
    round: fields.ForeignKeyRelation[NetworkingRound] = fields.ForeignKeyField(
        "models.NetworkingRound", related_name="pairs", on_delete=fields.CASCADE
    )
    member_a: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "models.Member", related_name=False, on_delete=fields.CASCADE
    )
    member_b: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "models.Member", related_name=False, on_delete=fields.CASCADE
    )
    # a third member when the count is odd
    member_c: fields.ForeignKeyNullableRelation[Member] = fields.ForeignKeyField(
        "models.Member", related_name=False, null=True, on_delete=fields.SET_NULL
    )

    class Meta:
        table = "networking_pair"


class Delivery(Model):
    """The ledger of scheduled posts. (kind, target, subject) is unique: a post goes out once.

    kind is announcement, reminder, prompt, digest, networking... target is channel:<id>
    or member:<id>. subject says what it is about, e.g. occ:<meeting>:<iso start>:24h.
    """

    id = fields.IntField(primary_key=True)
    workspace: fields.ForeignKeyRelation[Workspace] = fields.ForeignKeyField(
        "models.Workspace", related_name="deliveries", on_delete=fields.CASCADE
    )
    kind = fields.CharField(max_length=32)
    target = fields.CharField(max_length=128)
    subject = fields.CharField(max_length=200)
    due_at = fields.DatetimeField()
    # pending | claimed | sent | skipped | failed | fallback
    status = fields.CharField(max_length=16, default="pending")
    claimed_by = fields.CharField(max_length=64, null=True)
    lease_until = fields.DatetimeField(null=True)
    attempts = fields.IntField(default=0)
    sent_at = fields.DatetimeField(null=True)
    late = fields.BooleanField(default=False)
    detail = fields.CharField(max_length=500, default="")
    payload: dict[str, object] = fields.JSONField(default=dict)  # type: ignore[assignment]

    class Meta:
        table = "delivery"
        unique_together = (("kind", "target", "subject"),)
        indexes = (("status", "due_at"),)


class WebToken(Model):
    """A web sign-in link (single use, minutes) or the session it opened (a cookie).

    Only the SHA-256 of the token is kept, so a copy of the database opens no session.
    """

    id = fields.IntField(primary_key=True)
    workspace: fields.ForeignKeyRelation[Workspace] = fields.ForeignKeyField(
        "models.Workspace", related_name=False, on_delete=fields.CASCADE
    )
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "models.Member", related_name=False, on_delete=fields.CASCADE
    )
    kind = fields.CharField(max_length=8)  # link | session
    token_hash = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "web_token"


class Confirmation(Model):
    """A pending destructive action (forget-me, unshare...) awaiting its confirm button."""

    id = fields.IntField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "models.Member", related_name=False, on_delete=fields.CASCADE
    )
    token = fields.CharField(max_length=64, unique=True)
    action = fields.CharField(max_length=64)
    payload: dict[str, object] = fields.JSONField(default=dict)  # type: ignore[assignment]
    expires_at = fields.DatetimeField()

    class Meta:
        table = "confirmation"


class ProcessedEvent(Model):
    """Platform event ids already handled, so a platform's retry does nothing twice."""

    id = fields.IntField(primary_key=True)
    platform = fields.CharField(max_length=16)
    event_id = fields.CharField(max_length=128)
    at = fields.DatetimeField()

    class Meta:
        table = "processed_event"
        unique_together = (("platform", "event_id"),)


class Tag(Model):
    """A tag of one workspace, one row however it is accented or capitalised: ``key`` is the
    folded form (data.search.tag_key), ``label`` the form it was first written in."""

    id = fields.IntField(primary_key=True)
    workspace: fields.ForeignKeyRelation[Workspace] = fields.ForeignKeyField(
        "models.Workspace", related_name=False, on_delete=fields.CASCADE
    )
    key = fields.CharField(max_length=40)
    label = fields.CharField(max_length=40)

    class Meta:
        table = "tag"
        unique_together = (("workspace", "key"),)


class FormDraft(Model):
    """The answers a member has given to a form so far: kept until the form is saved, so
    a bad answer, a closed window or a dropped session never loses what they typed."""

    id = fields.IntField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "models.Member", related_name=False, on_delete=fields.CASCADE
    )
    form_id = fields.CharField(max_length=32)
    values: dict[str, str] = fields.JSONField(default=dict)  # type: ignore[assignment]
    updated_at = fields.DatetimeField()

    class Meta:
        table = "form_draft"
        unique_together = (("member", "form_id"),)

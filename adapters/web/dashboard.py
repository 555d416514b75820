"""The coordinator's dashboard: the figures of ``stats`` (``bot.stats.community_stats``)
rendered as charts with a table each, and as CSV. One computation, two renderers (chat
draws the same figures as text sparklines)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from markupsafe import Markup

from adapters.web.charts import Series, bar_chart, hbar_chart, line_chart
from adapters.web.words import Words
from bot.stats.figures import ACTIVITY_KINDS, CommunityStats


@dataclass(frozen=True)
class Section:
    key: str
    title: Markup
    summary: Markup
    chart: Markup | None
    columns: tuple[Markup, ...]
    rows: tuple[tuple[str, ...], ...]


def _kind_label(words: Words, kind: str) -> Markup:
    labels = {
        "shared": words("shared a resource"),
        "voted": words("upvoted"),
        "rsvp": words("answered an RSVP"),
        "agenda": words("added an agenda item"),
        "suggested": words("suggested a prompt"),
        "joined": words("joined"),
        "other": words("other activity"),
    }
    return labels[kind]


def _duration(words: Words, span: timedelta | None) -> str:
    return words.duration(span) if span is not None else "—"


def _week_labels(words: Words, now: datetime, count: int) -> list[str]:
    return [words.date(now - timedelta(weeks=count - 1 - i), "short") for i in range(count)]


def sections(words: Words, figures: CommunityStats, now: datetime) -> list[Section]:
    n = words.number
    out: list[Section] = []

    growth = figures.growth
    weeks = _week_labels(words, now, len(growth.weekly))
    title = words("Members over 12 weeks")
    out.append(
        Section(
            "members",
            title,
            words(
                "{count} members now ({change} in 12 weeks: {joins} joined, {leaves} left).",
                count=n(growth.members_now),
                change=f"+{growth.change}" if growth.change > 0 else str(growth.change),
                joins=n(growth.joins),
                leaves=n(growth.leaves),
            ),
            line_chart(
                "chart-members",
                str(title),
                weeks,
                [Series(words.plain("members"), tuple(growth.weekly), "s1")],
            ),
            (words("Week ending"), words("Members")),
            tuple((week, n(count)) for week, count in zip(weeks, growth.weekly, strict=True)),
        )
    )

    recent = figures.activity
    longer = figures.activity_long or recent
    kinds = [k for k in ACTIVITY_KINDS]
    title = words("Active members")
    labels = [str(_kind_label(words, k)) for k in kinds]
    out.append(
        Section(
            "active",
            title,
            words(
                "{recent} active in the last 30 days, {longer} in the last 90 days, of {members}.",
                recent=n(recent.active),
                longer=n(longer.active),
                members=n(growth.members_now),
            ),
            hbar_chart(
                "chart-active",
                str(title),
                labels,
                [
                    Series(words.plain("30 days"), tuple(recent.by_kind[k] for k in kinds), "s1"),
                    Series(words.plain("90 days"), tuple(longer.by_kind[k] for k in kinds), "s2"),
                ],
            ),
            (words("Activity"), words("30 days"), words("90 days")),
            (
                *(
                    (label, n(recent.by_kind[k]), n(longer.by_kind[k]))
                    for label, k in zip(labels, kinds, strict=True)
                ),
                (str(words("any activity")), n(recent.active), n(longer.active)),
            ),
        )
    )

    path = figures.newcomers
    title = words("Newcomer path (12 weeks)")
    steps = [str(words("joined")), str(words("introduced")), str(words("first contribution"))]
    values = (path.joined, path.introduced, path.contributed)
    out.append(
        Section(
            "newcomers",
            title,
            words(
                "Median time to introduce themselves: {intro}; to a first contribution: "
                "{contribution}.",
                intro=_duration(words, path.median_to_intro),
                contribution=_duration(words, path.median_to_contribution),
            ),
            hbar_chart(
                "chart-newcomers",
                str(title),
                steps,
                [Series(words.plain("newcomers"), values, "s1")],
            ),
            (words("Step"), words("Newcomers"), words("Median time after joining")),
            (
                (steps[0], n(path.joined), "—"),
                (steps[1], n(path.introduced), _duration(words, path.median_to_intro)),
                (steps[2], n(path.contributed), _duration(words, path.median_to_contribution)),
            ),
        )
    )

    held = list(figures.meetings)
    if figures.next_meeting is not None:
        held.append(figures.next_meeting)
    dates = [words.date(item.starts_at, "short") for item in held]
    title = words("Meeting attendance")
    out.append(
        Section(
            "attendance",
            title,
            words("Going, maybe and all RSVPs for the recent meetings and the next one.")
            if held
            else words("No meetings held yet."),
            bar_chart(
                "chart-attendance",
                str(title),
                dates,
                [
                    Series(words.plain("going"), tuple(i.going for i in held), "s1"),
                    Series(words.plain("maybe"), tuple(i.maybe for i in held), "s2"),
                    Series(words.plain("RSVPs"), tuple(i.rsvps for i in held), "s3"),
                ],
            )
            if held
            else None,
            (
                words("Date"),
                words("Meeting"),
                words.pgettext("attendance column", "Going"),
                words.pgettext("attendance column", "Maybe"),
                words("RSVPs"),
            ),
            tuple(
                (date, item.title, n(item.going), n(item.maybe), n(item.rsvps))
                for date, item in zip(dates, held, strict=True)
            ),
        )
    )

    repertoire = figures.repertoire
    months = [words.month(start) for start in repertoire.months]
    title = words("Resources shared per month")
    out.append(
        Section(
            "resources",
            title,
            words("{total} resources in all.", total=n(repertoire.total)),
            bar_chart(
                "chart-resources",
                str(title),
                months,
                [Series(words.plain("resources"), tuple(repertoire.per_month), "s1")],
            ),
            (words("Month"), words("Shared")),
            tuple(
                (month, n(count)) for month, count in zip(months, repertoire.per_month, strict=True)
            ),
        )
    )
    out.append(
        Section(
            "top",
            words("Most upvoted resources"),
            Markup("") if repertoire.top else words("No votes yet."),
            None,
            (words("Resource"), words("Votes")),
            tuple((top.title or top.url, n(top.votes)) for top in repertoire.top),
        )
    )

    prompts = figures.prompts
    title = words("Prompt answers per week")
    most = prompts.most_answered
    out.append(
        Section(
            "prompts",
            title,
            words(
                "{answers} answers to {prompts} prompts posted in 12 weeks.",
                answers=n(prompts.answers),
                prompts=n(prompts.prompts),
            )
            + (
                Markup(" ") + words("Most answered: “{text}” ({n}).", text=most[0], n=n(most[1]))
                if most
                else Markup("")
            ),
            bar_chart(
                "chart-prompts",
                str(title),
                weeks,
                [Series(words.plain("answers"), tuple(prompts.weekly), "s1")],
            ),
            (words("Week ending"), words("Answers")),
            tuple((week, n(count)) for week, count in zip(weeks, prompts.weekly, strict=True)),
        )
    )
    return out


def _cell(value: object) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def figures_csv(figures: CommunityStats, now: datetime, zone: str) -> str:
    """Every figure as ``section,label,measure,value`` rows (English keys, ISO dates)."""
    rows: list[tuple[object, ...]] = [("section", "label", "measure", "value")]
    growth = figures.growth
    for i, count in enumerate(growth.weekly):
        week_end = now - timedelta(weeks=len(growth.weekly) - 1 - i)
        rows.append(("members", week_end.date().isoformat(), "members", count))
    rows += [
        ("members", "12 weeks", "joins", growth.joins),
        ("members", "12 weeks", "leaves", growth.leaves),
    ]
    longer = figures.activity_long or figures.activity
    for kind in ACTIVITY_KINDS:
        rows.append(("active", kind, "30 days", figures.activity.by_kind[kind]))
        rows.append(("active", kind, "90 days", longer.by_kind[kind]))
    rows.append(("active", "any", "30 days", figures.activity.active))
    rows.append(("active", "any", "90 days", longer.active))
    path = figures.newcomers
    rows += [
        ("newcomers", "joined", "count", path.joined),
        ("newcomers", "introduced", "count", path.introduced),
        ("newcomers", "first contribution", "count", path.contributed),
    ]
    for label, span in (
        ("introduced", path.median_to_intro),
        ("first contribution", path.median_to_contribution),
    ):
        if span is not None:
            rows.append(("newcomers", label, "median hours", round(span.total_seconds() / 3600, 1)))
    held = list(figures.meetings) + ([figures.next_meeting] if figures.next_meeting else [])
    for item in held:
        label = f"{item.starts_at.isoformat()} {item.title}"
        rows += [
            ("attendance", label, "going", item.going),
            ("attendance", label, "maybe", item.maybe),
            ("attendance", label, "rsvps", item.rsvps),
        ]
    repertoire = figures.repertoire
    for start, count in zip(repertoire.months, repertoire.per_month, strict=True):
        rows.append(
            ("resources", start.astimezone(ZoneInfo(zone)).strftime("%Y-%m"), "shared", count)
        )
    rows.append(("resources", "all", "total", repertoire.total))
    for top in repertoire.top:
        rows.append(("top resources", top.title or top.url, "votes", top.votes))
    for i, count in enumerate(figures.prompts.weekly):
        week_end = now - timedelta(weeks=len(figures.prompts.weekly) - 1 - i)
        rows.append(("prompts", week_end.date().isoformat(), "answers", count))
    rows.append(("prompts", "12 weeks", "posted", figures.prompts.prompts))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    return out.getvalue()

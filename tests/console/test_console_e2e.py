"""The real ``copbot run`` console process, driven through its standard input."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

COPBOT = [sys.executable, "-m", "copbot.cli", "run"]


def run_console(lines: list[str], database: Path, *extra: str) -> str:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SLACK_", "DISCORD_", "HTTP_"))
    }
    env["DATABASE_URL"] = f"sqlite://{database}"
    env["LOG_LEVEL"] = "WARNING"
    result = subprocess.run(
        [*COPBOT, *extra],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=database.parent,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    return result.stdout


def test_newcomer_shares_and_finds_a_resource(tmp_path: Path) -> None:
    out = run_console(
        [
            "/channel python",
            '/community create python "Python in teaching" #python',
            "/as Grace",
            "/join python",
            "Data librarian",
            "UBC",
            "Vancouver",
            "#python, assessment",
            "",
            "",
            "",
            "/as Bob",
            "/join python",
            "Instructional designer",
            "Seneca",
            "Toronto",
            "#python, course design",
            "H5P",
            "assessment",
            "yes",
            '/share https://example.org/rubric "Assessment rubric" #assessment template',
            '/share https://example.org/video "Video lectures that work" #video',
            "/resources rubric",
        ],
        tmp_path / "copbot.sqlite3",
    )
    assert "Community “python” created" in out
    welcome = out[out.index("[#python] Please welcome @Bob to “python”!") :]
    assert "Title or role: Instructional designer" in welcome
    # Grace shares #python with Bob, so she is suggested with the reason
    suggestions = out[out.rindex("People you might like to meet") :]
    assert "@Grace" in suggestions and "#python" in suggestions
    search = out[out.index("Resources matching “rubric”") :]
    assert "https://example.org/rubric" in search
    assert "Video lectures" not in search


def test_same_workspace_and_member_on_the_next_run(tmp_path: Path) -> None:
    database = tmp_path / "copbot.sqlite3"
    run_console(["/community create python", "/as Bob", "/join python"], database)
    out = run_console(["/as Bob", "/join python", "/members python"], database)
    assert "You are already in “python”." in out
    assert "@Bob" in out and "@Operator" in out


def test_bad_input_is_explained(tmp_path: Path) -> None:
    out = run_console(
        [
            "/community create python",
            "/community create PYTHON",
            "/joinn python",
            "/join pyton",
            "/share javascript:alert(1) in python",
            "/timezone Mars/Olympus",
        ],
        tmp_path / "copbot.sqlite3",
    )
    assert "A community called “python” already exists" in out
    assert "Did you mean: join?" in out
    assert "Did you mean: python?" in out
    assert "is not a web link I can share" in out


def test_demo_workspace(tmp_path: Path) -> None:
    out = run_console(["/communities", "/resources checklist"], tmp_path / "c.sqlite3", "--demo")
    assert "Online course design" in out and "Prior learning assessment" in out
    assert "Course design checklist" in out


def test_piped_input_is_shown_with_its_prompt(tmp_path: Path) -> None:
    """A transcript says which line each reply answers, and who typed it where."""
    out = run_console(
        [
            "/channel python",
            "/community create ai",
            "/as Bob",
            "/join ai",
            "Teacher",
            "/as you",
            "/communities",
        ],
        tmp_path / "copbot.sqlite3",
    )
    lines = out.splitlines()
    created = lines.index("Operator@#python> /community create ai")
    assert lines[created + 1] == "(only you) Community “ai” created. You are its coordinator."
    assert "Bob@#python> /join ai" in lines
    # a form answer shows under its question
    assert lines[lines.index("Bob@#python> Teacher") - 1] == "Title or role:"
    # the operator coming back is not a newcomer to greet
    back = out[out.index("(you are now Operator)") :]
    assert "[DM to you]" not in back
    # a short name reads as it was typed
    listing = out[out.index("== Communities ==") :]
    assert "\nai\n" in listing and "AI" not in listing


def test_joining_asks_for_the_introduction_once_and_opens_the_form(tmp_path: Path) -> None:
    out = run_console(
        [
            "/channel python",
            "/community create python",
            "/as Bob",
            "/channel python",
            "/join python",
            "Instructional designer",
            "",
            "",
            "",
            "",
            "",
            "",
            "/whois you",
        ],
        tmp_path / "copbot.sqlite3",
    )
    join = out[out.index("Bob@#python> /join python") : out.index("Bob@#python> Instructional")]
    # the direct message asks, with the form; the reply points to it; the form opens once
    assert join.count("Introduce yourself so") == 1 and "[DM to bob]" in join
    assert "I sent you a direct message to introduce yourself; you can also do it" in join
    assert join.count("== Introduce yourself ==") == 1
    assert "Please welcome @Bob" in out
    # the operator has a name: whois reads well, and `you` still finds them
    assert "Operator@#python> /community create python" in out
    assert "Operator has not introduced themself yet." in out
    assert "you has not" not in out


def test_console_strings_follow_the_members_language(tmp_path: Path) -> None:
    out = run_console(
        ["/language fr", "/channel python", "/press 7", "/as", "/as you", "/channel"],
        tmp_path / "copbot.sqlite3",
    )
    assert "(maintenant dans #python)" in out
    assert "Aucun bouton de ce numéro." in out
    assert "Utilisation\u202f: /as <nom>" in out
    assert "(vous êtes maintenant Operator)" in out
    assert "(sorti du canal)" in out
    again = run_console(["/channel python"], tmp_path / "copbot.sqlite3")
    assert again.startswith("Console copbot. Tapez `/help`")


def test_french_reader_sees_french_colons_quoted_names_and_own_dm_label(tmp_path: Path) -> None:
    out = run_console(
        [
            "/language fr",
            "/channel pedagogie",
            '/community create "Pédagogie numérique"',
            "/help share",
            "/intro",
            "/intro titre : Conseillère",
            '/meeting schedule "pedagogie numerique" lundi prochain 16h30 Café',
            "/rsvp café oui",
            "/meetings",
            "/meeting cancel café all",
        ],
        tmp_path / "copbot.sqlite3",
    )
    assert "Utilisation\u202f: share <url>" in out and "Exemples\u202f:" in out
    reply = out[out.index("Merci, votre présentation") :]
    assert "Titre ou rôle\u202f:" in out and "Titre ou rôle:" not in reply  # the form's question
    assert "Titre ou rôle\u202f: Conseillère" in out  # the reply's fields
    # no operator's command for a member: the calendar itself, as a file
    assert "copbot calendar" not in out
    assert "[Agenda de Pédagogie numérique, à importer dans votre application d'agenda:" in out
    assert "SUMMARY:Café" in (tmp_path / "pedagogie-numerique.ics").read_text()
    assert "[MP pour vous]" in out and "MP à you" not in out


def test_demo_has_a_french_community_found_without_accents(tmp_path: Path) -> None:
    out = run_console(
        ["/join pedagogie numerique", "/resources hybride"], tmp_path / "c.sqlite3", "--demo"
    )
    assert "Welcome to “Pédagogie numérique”!" in out
    assert "Guide de la classe hybride" in out

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
    assert "@Bob" in out and "@you" in out


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
    created = lines.index("you@#python> /community create ai")
    assert lines[created + 1] == "(only you) Community “ai” created. You are its coordinator."
    assert "Bob@#python> /join ai" in lines
    # a form answer shows under its question
    assert lines[lines.index("Bob@#python> Teacher") - 1] == "Title or role:"
    # the operator coming back is not a newcomer to greet
    back = out[out.index("(you are now you)") :]
    assert "[DM to you]" not in back
    # a short name reads as it was typed
    listing = out[out.index("== Communities ==") :]
    assert "\nai\n" in listing and "AI" not in listing

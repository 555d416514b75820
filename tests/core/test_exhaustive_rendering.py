"""A new message part or span fails type-checking until every renderer handles it: mypy
runs on a copy of the code where ``messages.py`` gained one of each, and must point at
``plain_text``/``message_text`` and at the console, Slack and Discord renderers."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# each renderer, and what it renders: spans (Emoji must be missed), parts (Divider)
RENDERERS = {
    "bot/kernel/messages.py": {"Emoji", "Divider"},
    "adapters/console/render.py": {"Emoji", "Divider"},
    "adapters/slack/render.py": {"Divider"},
    "adapters/slack/mrkdwn.py": {"Emoji"},
    "adapters/discord/render.py": {"Emoji", "Divider"},
}


def test_an_unhandled_part_or_span_is_a_type_error_in_every_renderer(tmp_path: Path) -> None:
    for folder in ("bot", "adapters", "data"):
        shutil.copytree(ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("*.pyc"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    messages = tmp_path / "bot" / "kernel" / "messages.py"
    source = messages.read_text()
    for old, new in [
        (
            "Span = Text | Strong | Code | Mention | ChannelRef | Link | Time",
            "@dataclass(frozen=True)\nclass Emoji:\n    name: str\n\n\n"
            "Span = Text | Strong | Code | Mention | ChannelRef | Link | Time | Emoji",
        ),
        (
            "Part = (\n    Heading | Paragraph | Note | Fields | BulletList | Buttons | Select | "
            "FormRequest | Attachment\n)",
            "@dataclass(frozen=True)\nclass Divider:\n    pass\n\n\n"
            "Part = (\n    Heading | Paragraph | Note | Fields | BulletList | Buttons | Select | "
            "FormRequest | Attachment | Divider\n)",
        ),
    ]:
        assert old in source, old
        source = source.replace(old, new)
    messages.write_text(source)
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path / ".cache"), *RENDERERS],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    unhandled = [line for line in result.stdout.splitlines() if "assert_never" in line]
    for path, renders in RENDERERS.items():
        complaints = " ".join(line for line in unhandled if line.startswith(path))
        for newcomer in renders:
            assert newcomer in complaints, (path, newcomer, result.stdout)
    assert result.returncode != 0

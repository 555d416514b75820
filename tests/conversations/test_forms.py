"""Issue 12 item 1: a form never throws answers away, on the console (end to end, in
English and French), and the same rules hold for every form of the registry."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.kernel.discovery import default_registry
from bot.kernel.messages import Form, FormField
from tests.console.test_console_e2e import run_console
from tests.support.harness import Harness


def good_answer(field: FormField) -> str:
    return field.choices[0].label if field.kind == "choice" and field.choices else "Teaching"


def bad_answer(field: FormField) -> str:
    if field.kind == "choice" and field.choices:
        return "purple"
    return "x" * (field.max_length + 1)


def question(field: FormField) -> str:
    return field.label


async def registry_forms() -> list[tuple[str, Form]]:
    """Each form of the registry as its command opens it for a newcomer."""
    h = Harness.build()
    found = []
    for spec in default_registry().forms.values():
        reply = await h.say("Tester", spec.command)
        request = reply.form_request
        assert request is not None and request.form.form_id == spec.form_id, spec.form_id
        found.append((spec.command, request.form))
    assert found, "the registry declares no form"
    return found


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_every_form_re_asks_only_the_bad_answer_and_reopens_with_the_draft(
    db: str, tmp_path: Path
) -> None:
    for command, form in await registry_forms():
        first, second = form.fields[0], form.fields[1]
        lines = [
            "/as Tester",
            f"/{command}",
            good_answer(first),
            bad_answer(second),  # refused at once, with why
            good_answer(second),
            "/help",  # leaving mid-form
            f"/{command}",
            "",  # keeps the first answer shown
        ]
        out = run_console(lines, tmp_path / f"{form.form_id}.sqlite3")
        after_bad = out[out.index(bad_answer(second)) + len(bad_answer(second)) :]
        reason, asked_again = after_bad.split("\n")[1], after_bad.split("\n")[2]
        assert reason.strip(), form.form_id
        assert asked_again.startswith(question(second)), (form.form_id, asked_again)
        # the bad answer did not send anyone back to the first question
        between = after_bad[: after_bad.index("/help")]
        assert question(first) not in between, form.form_id
        kept = out[out.index("> /help") :]
        assert "Your answers so far are kept" in kept and question(first) in kept
        reopened = out[out.rindex(f"> /{command}") :]
        assert f"{question(first)} [{good_answer(first)}]" in reopened, form.form_id
        assert f"{question(second)} [{good_answer(second)}]" in reopened, form.form_id


def test_intro_in_english_keeps_every_answer(tmp_path: Path) -> None:
    out = run_console(
        [
            "/as Bob",
            "/intro",
            "Instructional designer",
            "Seneca",
            "L" * 150,  # too long: only this question again
            "Toronto",
            "#python, course design",
            "H5P",
            "accessibility",
            "maybe",  # not a choice here: asked again, with the choices
            "y",
        ],
        tmp_path / "copbot.sqlite3",
    )
    assert "I don't know the command" not in out
    asked = out[: out.index("Thanks, your introduction is saved.")]
    assert asked.count("\nLocation:") == 2 and asked.count("\nTitle or role:") == 1
    assert "“maybe” is not one of the choices" in out and "answer Yes / No" in out
    assert "(taken as: Yes)" in out
    saved = out[out.index("Thanks, your introduction is saved.") :]
    assert "Organization: Seneca" in saved and "Location: Toronto" in saved


def test_intro_in_french_takes_oui_and_keeps_the_draft(tmp_path: Path) -> None:
    out = run_console(
        [
            "/as Zoé",
            "/language fr",
            "/intro",
            "Enseignante",
            "Cégep de Jonquière",
            "/quit",
        ],
        tmp_path / "copbot.sqlite3",
    )
    assert "Vos réponses sont gardées (Titre ou rôle; Organisation)" in out
    assert "tapez `intro` pour reprendre" in out
    again = run_console(
        ["/as Zoé", "/intro", "", "", "Saguenay", "", "", "", "oui"],
        tmp_path / "copbot.sqlite3",
    )
    assert "Titre ou rôle [Enseignante]\u202f:" in again
    assert "Organisation [Cégep de Jonquière]\u202f:" in again
    assert "(compris\u202f: Oui)" in again
    saved = again[again.index("Merci, votre présentation est enregistrée.") :]
    assert "Lieu\u202f: Saguenay" in saved and "Organisation\u202f: Cégep de Jonquière" in saved


def test_ending_the_input_mid_form_says_what_was_kept(tmp_path: Path) -> None:
    out = run_console(["/as Bob", "/intro", "Teacher"], tmp_path / "copbot.sqlite3")
    assert "Your answers so far are kept (Title or role): type `intro`" in out

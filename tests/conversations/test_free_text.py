"""Issue 12 item 2: free text stays text. "in <words>" is a community only when the words
name one; a quoted title is never changed; resource kinds cover what people share, in
English and French, also as kind:<x>; help share lists them."""

from __future__ import annotations

from pathlib import Path

from tests.console.test_console_e2e import run_console


def test_free_text_in_english(tmp_path: Path) -> None:
    out = run_console(
        [
            "/channel ped",
            "/community create ped",
            "/prompt suggest How do you handle phones in class?",
            "/prompt suggest What helped your students in ped?",
            '/share https://ex.org/a "Feedback that lands" podcast',
            '/share https://ex.org/b "Rubric starter" kind:template',
            '/share https://ex.org/c "Open data" dataset in ped.',
            '/share https://ex.org/d "Exact title" unknownword',
            "/resources",
            "/help share",
        ],
        tmp_path / "copbot.sqlite3",
    )
    assert "no community called" not in out
    suggestions = out[out.index("> /prompt suggest How") : out.index("> /share")]
    assert suggestions.count("Your suggestion #") == 2
    listing = out[out.index("Latest resources") :]
    assert "Feedback that lands <https://ex.org/a> (podcast)" in listing
    assert (
        "Rubric starter <https://ex.org/b> (template)" in listing and "kind:template" not in listing
    )
    assert "Open data <https://ex.org/c> (dataset)" in listing
    assert "I didn't understand “unknownword” here" in out
    assert "Exact title" not in listing
    helped = out[out.index("> /help share") :]
    assert "article, guide, video, podcast, course, book, paper, dataset, tool" in helped
    assert "template, idea, strategy, update, event, other" in helped


def test_free_text_in_french(tmp_path: Path) -> None:
    out = run_console(
        [
            "/language fr",
            "/channel ped",
            "/community create ped",
            "/prompt suggest Comment gérez-vous les téléphones dans la classe ?",
            '/share https://ex.org/a "Un balado utile" balado',
            '/share https://ex.org/b "Un guide" type:tutoriel',
            "/resources",
            "/help share",
        ],
        tmp_path / "copbot.sqlite3",
    )
    assert "Aucune communauté" not in out and "Il n'y a pas de communauté" not in out
    listing = out[out.index("Ressources récentes") :]
    assert (
        "Un balado utile <https://ex.org/a> (balado)" in listing
        and "Un guide <https://ex.org/b> (guide)" in listing
    )
    helped = out[out.index("> /help share") :]
    assert "vidéo, balado, cours, livre, publication, données" in helped

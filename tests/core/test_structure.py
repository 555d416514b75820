"""The shape of ``bot/``: a kernel that imports no area, areas that import no other area,
no import cycle anywhere, and nothing but the discovery loading areas. Read from the source
(every ``import``, also those inside functions), so a late import cannot hide a cycle."""

from __future__ import annotations

import ast
from pathlib import Path

from bot.kernel.discovery import area_packages

ROOT = Path(__file__).resolve().parents[2]
BOT = ROOT / "bot"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> set[str]:
    """The ``bot`` modules a file imports (resolved to module names, relative ones too)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    tree = ast.parse(path.read_text())
    # imports for the type checker only never run: they cannot make a cycle
    typing_only = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and ast.unparse(node.test).endswith("TYPE_CHECKING")
        for inner in ast.walk(node)
    }
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            # "from bot.members import newcomers" imports the module bot.members.newcomers
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return {f for f in found if f == "bot" or f.startswith("bot.")}


def graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in BOT.rglob("*.py")}
    return {
        name: {target for target in imports_of(path) if target in modules and target != name}
        for name, path in modules.items()
    }


def area_of(module: str) -> str | None:
    """``bot.meetings.posts`` -> ``bot.meetings``; None for the kernel and ``bot`` itself."""
    parts = module.split(".")
    if len(parts) < 2 or parts[1] == "kernel":
        return None
    return ".".join(parts[:2])


def test_the_walk_finds_the_imports_it_must() -> None:
    # the checks below mean nothing if the walk misses imports: these are known to exist
    edges = graph()
    assert "bot.kernel.registry" in edges["bot.kernel.core"]
    assert "bot.meetings.finding" in edges["bot.meetings.commands"]
    assert {area_of(m) for m in edges} >= set(area_packages())


def test_no_area_imports_another_area_and_the_kernel_imports_none() -> None:
    offenders = []
    for module, targets in graph().items():
        for target in targets:
            target_area = area_of(target)
            if target_area is None:
                continue
            if area_of(module) is None:
                offenders.append(f"kernel {module} imports area module {target}")
            elif target_area != area_of(module):
                offenders.append(f"{module} imports {target} (another area)")
    assert offenders == []


def test_there_is_no_import_cycle() -> None:
    edges = graph()
    cycles: list[list[str]] = []
    state: dict[str, str] = {}  # "visiting" or "done"

    def visit(module: str, path: list[str]) -> None:
        state[module] = "visiting"
        for target in sorted(edges[module]):
            if state.get(target) == "visiting":
                cycles.append([*path[path.index(target) :], target])
            elif target not in state:
                visit(target, [*path, target])
        state[module] = "done"

    for module in sorted(edges):
        if module not in state:
            visit(module, [module])
    assert cycles == []


def test_a_cycle_or_an_area_import_would_be_caught(tmp_path: Path) -> None:
    """The walker itself, on code written to break the rules."""
    sample = tmp_path / "bot" / "alpha"
    sample.mkdir(parents=True)
    (sample / "one.py").write_text("from bot.beta.two import x\nfrom . import three\n")
    (sample / "three.py").write_text("def late():\n    from bot.alpha import one\n")
    global ROOT
    saved = ROOT
    ROOT = tmp_path
    try:
        found = imports_of(sample / "one.py")
        assert {"bot.beta.two", "bot.alpha.three"} <= found
        assert "bot.alpha.one" in imports_of(sample / "three.py")
    finally:
        ROOT = saved

"""What reading the .po catalogs directly costs: the first message in a language compiles
its catalog in memory (once per process), then each lookup is a gettext dictionary read.

Baseline measured in the same run: a plain dict read of the same texts (what the old
``TEXTS`` tuples cost, minus their formatting)."""

from __future__ import annotations

import time

from bot.kernel.i18n import Translator, translations
from tests.support.catalogs import french_catalog

ROUNDS = 20


def _best(work: object, rounds: int = 5) -> float:
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        work()  # type: ignore[operator]
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    msgids = [m.id for m in french_catalog() if m.id and isinstance(m.id, str)]
    # the one-off cost: parse and compile the French catalog (cache cleared each round)
    loads = []
    for _ in range(ROUNDS):
        translations.cache_clear()
        started = time.perf_counter()
        translations("fr")
        loads.append(time.perf_counter() - started)
    loads.sort()
    print(
        f"French catalog ({len(msgids)} entries): first use {loads[len(loads) // 2] * 1e3:.1f} ms"
        f" (median of {ROUNDS}), once per process"
    )
    french = Translator("fr")
    plain = {msgid: french.template(msgid) for msgid in msgids}
    per_lookup = _best(lambda: [french(m) for m in msgids]) / len(msgids)
    per_dict = _best(
        lambda: [plain[m].format_map({}) if "{" not in m else plain[m] for m in msgids]
    ) / len(msgids)
    print(
        f"lookup and format: {per_lookup * 1e6:.2f} µs a text; a plain dict read: "
        f"{per_dict * 1e6:.2f} µs (ratio {per_lookup / per_dict:.1f}x)"
    )


if __name__ == "__main__":
    main()

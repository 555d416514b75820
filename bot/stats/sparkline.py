"""Small text charts that read the same on Slack, Discord and a terminal.

Eight Unicode block characters (U+2581..U+2588) are plain text on every platform: no
markup to escape, no images to host. A zero always draws the lowest bar and any
positive value at least the second one, so "nothing happened" is never confused with
"a little happened".
"""

from __future__ import annotations

from collections.abc import Sequence

BARS = "▁▂▃▄▅▆▇█"


def sparkline(values: Sequence[int | float]) -> str:
    """One bar per value, scaled to the largest value (which draws a full block)."""
    top = max(values, default=0)
    if top <= 0:
        return BARS[0] * len(values)
    bars = []
    for value in values:
        if value <= 0:
            bars.append(BARS[0])
        else:
            # positive values use bars 1..7, so they never look like a zero
            bars.append(BARS[1 + round(value / top * (len(BARS) - 2))])
    return "".join(bars)

"""Prometheus metrics, served at ``GET /metrics``.

One ``Metrics`` object per process, on its own ``CollectorRegistry`` (never the library's
global one, so two cores in one process - tests, benchmarks - never mix their counts).
It is a ``CommandObserver``: the composition root appends it to ``core.observers`` and
the core reports every command. The scheduler and the adapters reach it through
``metrics_of(core)``, which returns a no-op stand-in when metrics are off, so they never
need to check:

    metrics_of(core).delivery("reminder", "sent")
    metrics_of(core).rate_limited("discord", 1.5)
    metrics_of(core).watch_outbox("slack", lambda: queue.qsize())

Call ``metrics_of`` when reporting rather than once at construction: metrics are attached
when the HTTP server is built, which may be after the scheduler or an adapter.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import choose_encoder

COMMAND_OUTCOMES = ("ok", "user_error", "conflict", "busy", "error")
DELIVERY_OUTCOMES = ("sent", "failed", "late", "skipped")
# most commands are a few database round trips: milliseconds; a slow one is seconds
LATENCY_BUCKETS = (0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class HasObservers(Protocol):
    observers: list  # type: ignore[type-arg]  # the core's list of CommandObserver


class Metrics:
    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry(auto_describe=True)
        self.commands = Counter(
            "copbot_commands",
            "Commands, buttons, forms and events handled, by name and outcome",
            ["name", "outcome"],
            registry=self.registry,
        )
        self.command_seconds = Histogram(
            "copbot_command_seconds",
            "Time to handle a command, including its database transaction",
            ["name"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        # each command's labelled children, looked up once (``labels`` takes a lock and
        # checks its arguments on every call)
        self._command_children: dict[tuple[str, str], tuple[Counter, Histogram]] = {}
        self.deliveries = Counter(
            "copbot_deliveries",
            "Scheduled posts by kind and outcome: sent, failed, late (sent after their time), "
            "skipped (no longer useful)",
            ["kind", "outcome"],
            registry=self.registry,
        )
        self.outbox_depth = Gauge(
            "copbot_outbox_queue_depth",
            "Messages waiting in an adapter's outbox",
            ["platform"],
            registry=self.registry,
        )
        self.rate_limit_waits = Counter(
            "copbot_rate_limit_waits",
            "Times an adapter waited for a platform's rate limit",
            ["platform"],
            registry=self.registry,
        )
        self.rate_limit_seconds = Counter(
            "copbot_rate_limit_wait_seconds",
            "Seconds spent waiting for platforms' rate limits",
            ["platform"],
            registry=self.registry,
        )

    # bot.kernel.core.CommandObserver
    def command_handled(self, name: str, outcome: str, seconds: float) -> None:
        children = self._command_children.get((name, outcome))
        if children is None:
            children = (self.commands.labels(name, outcome), self.command_seconds.labels(name))
            self._command_children[(name, outcome)] = children
        count, duration = children
        count.inc()
        duration.observe(seconds)

    def delivery(self, kind: str, outcome: str) -> None:
        """A scheduled post finished: ``outcome`` is one of DELIVERY_OUTCOMES."""
        if outcome not in DELIVERY_OUTCOMES:
            raise ValueError(f"delivery outcome must be one of {DELIVERY_OUTCOMES}")
        self.deliveries.labels(kind, outcome).inc()

    def outbox_depth_changed(self, platform: str, depth: int) -> None:
        self.outbox_depth.labels(platform).set(depth)

    def watch_outbox(self, platform: str, depth: Callable[[], float]) -> None:
        """Read the queue depth from ``depth()`` at every scrape instead of pushing it."""
        self.outbox_depth.labels(platform).set_function(depth)

    def rate_limited(self, platform: str, seconds: float) -> None:
        """An adapter is about to wait ``seconds`` for a platform's rate limit."""
        self.rate_limit_waits.labels(platform).inc()
        self.rate_limit_seconds.labels(platform).inc(max(0.0, seconds))

    def exposition(self, accept: str = "") -> tuple[bytes, str]:
        """The page Prometheus scrapes and its content type, in the format the scraper's
        ``Accept`` header asks for (the classic text format by default)."""
        encode, content_type = choose_encoder(accept)
        return encode(self.registry), content_type


class NoMetrics:
    """Stands in when metrics are off: every report is accepted and dropped."""

    def command_handled(self, name: str, outcome: str, seconds: float) -> None: ...

    def delivery(self, kind: str, outcome: str) -> None: ...

    def outbox_depth_changed(self, platform: str, depth: int) -> None: ...

    def watch_outbox(self, platform: str, depth: Callable[[], float]) -> None: ...

    def rate_limited(self, platform: str, seconds: float) -> None: ...


NO_METRICS = NoMetrics()


def metrics_of(core: HasObservers) -> Metrics | NoMetrics:
    """The metrics attached to ``core``, or the no-op stand-in."""
    for observer in core.observers:
        if isinstance(observer, Metrics):
            return observer
    return NO_METRICS


def attach_metrics(core: HasObservers) -> Metrics:
    """The core's metrics, created and attached on first use."""
    found = metrics_of(core)
    if isinstance(found, Metrics):
        return found
    metrics = Metrics()
    core.observers.append(metrics)
    return metrics

"""The planners the delivery engine runs. Adding one is adding its class here, one per
line, as "module:Class"; each class is built with the settings: ``Class(settings)``."""

from __future__ import annotations

import importlib

from bot.kernel.settings import Settings
from scheduler.planning import Planner

PLANNERS = (
    "scheduler.planners.meetings:MeetingPlanner",
    "scheduler.planners.prompts:PromptPlanner",
    "scheduler.planners.networking:NetworkingPlanner",
    "scheduler.planners.digest:DigestPlanner",
)


def build_planners(settings: Settings) -> list[Planner]:
    planners: list[Planner] = []
    for spec in PLANNERS:
        module_name, _, class_name = spec.partition(":")
        planner_class = getattr(importlib.import_module(module_name), class_name)
        planners.append(planner_class(settings))
    return planners

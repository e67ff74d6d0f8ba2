"""How a feature plugs into the host: it declares one ``Feature``; ``create_app`` registers the
list it is given. Nothing registers itself by being imported, and the host never imports a
feature or names one of its endpoints: whatever the host needs from a feature is in here.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import click
from flask import Blueprint, Flask, current_app, request, url_for

from core.config import Env

if TYPE_CHECKING:
    from core.jobs.kinds import JobKind
    from core.permissions import Rules

# A section of a resident's own data download: (the resident) -> (section name, row dicts).
DataSection = Callable[[Any], tuple[str, list[dict[str, Any]]]]
# Deletes what a feature holds about a resident beyond the database's cascades; runs inside
# the erasure's transaction, before the resident's row goes.
Eraser = Callable[[Any], None]


@dataclass(frozen=True)
class PageSection:
    """A part of another feature's page, which that page includes without knowing the feature:
    a heading, the template that renders it (given ``section``) and the values it shows."""

    title: str
    template: str
    context: Mapping[str, Any] = field(default_factory=dict)


# What a feature adds to a panel member's record for an officer: (viewer, the resident) ->
# a section, or None to add nothing (e.g. quota: the samples they were drawn in).
MemberSection = Callable[[Any, Any], "PageSection | None"]
# What a feature puts on a member of staff's dashboard: (viewer) -> a section (what needs
# their attention, with links to where they act), or None when nothing is for this viewer.
DashboardSection = Callable[[Any], "PageSection | None"]
# What a feature adds to a resident's own account page: (the resident) -> a section (e.g.
# outcomes: what happened to the views they gave, with a link to more), or None.
AccountSection = Callable[[Any], "PageSection | None"]
# Names for the references a feature writes on contacts ("survey:12" -> the survey's title):
# (the references) -> reference -> name; references it does not know are left out.
ContactLabels = Callable[[list[str]], Mapping[str, str]]


@dataclass(frozen=True)
class NavItem:
    """A link in the main menu for the roles named (None: every signed-in user; ``public``:
    everyone, signed in or not)."""

    text: str
    endpoint: str
    roles: frozenset[Any] | None = None
    position: int = 100  # lower first; ties keep the order features were given in
    public: bool = False

    def visible_to(self, user: Any) -> bool:
        if self.public:
            return True
        if not user.is_authenticated:
            return False
        return self.roles is None or user.has_role(*self.roles)


MAX_SCHEDULE_NAME = 40


@dataclass(frozen=True)
class Schedule:
    """Housekeeping a feature needs done regularly; ``flask schedule run`` (every few minutes
    from cron) runs each one that is due and records when."""

    name: str
    every: timedelta
    run: Callable[[], str]  # does the work, returns one line for the log
    description: str = ""

    def __post_init__(self) -> None:
        if not 0 < len(self.name) <= MAX_SCHEDULE_NAME:  # it names a Setting row's key
            raise ValueError(f"A scheduled task's name has 1 to {MAX_SCHEDULE_NAME} "
                             f"characters: {self.name!r}")


@dataclass(frozen=True)
class Feature:
    name: str
    blueprints: Sequence[Blueprint] = ()
    nav: Sequence[NavItem] = ()
    data_sections: Sequence[DataSection] = ()
    erasers: Sequence[Eraser] = ()
    member_sections: Sequence[MemberSection] = ()
    dashboard_sections: Sequence[DashboardSection] = ()
    account_sections: Sequence[AccountSection] = ()
    contact_labels: Sequence[ContactLabels] = ()
    job_kinds: Sequence[JobKind] = ()
    cli: Sequence[click.Command] = ()
    schedules: Sequence[Schedule] = ()
    # Object-level rules for this feature's models: model class -> Rules (core.permissions).
    permissions: Mapping[type, Rules] = field(default_factory=dict)
    # Pages the host links to by name (e.g. "home", "dashboard"): name -> endpoint.
    pages: Mapping[str, str] = field(default_factory=dict)
    # Settings this feature reads, with their defaults: name -> value, or core.config.Env(...)
    # to read an environment variable when the app is made. The app's configuration and
    # create_app's overrides win; read them at request time (they arrive after the extensions).
    settings: Mapping[str, Any] = field(default_factory=dict)
    # This feature's part of ``flask demo seed``, run after the e-panel's residents exist, in
    # the order features are given: (seed) -> a line for the summary.
    demo: Callable[[int], str] | None = None


@dataclass
class Registry:
    """Everything the features declared, merged, kept on ``app.extensions["features"]``."""

    features: list[Feature] = field(default_factory=list)
    nav: list[NavItem] = field(default_factory=list)
    data_sections: list[DataSection] = field(default_factory=list)
    erasers: list[Eraser] = field(default_factory=list)
    member_sections: list[MemberSection] = field(default_factory=list)
    dashboard_sections: list[DashboardSection] = field(default_factory=list)
    account_sections: list[AccountSection] = field(default_factory=list)
    contact_labels: list[ContactLabels] = field(default_factory=list)
    job_kinds: dict[str, JobKind] = field(default_factory=dict)
    schedules: dict[str, Schedule] = field(default_factory=dict)
    permissions: dict[type, Rules] = field(default_factory=dict)
    pages: dict[str, str] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    demo_steps: list[Callable[[int], str]] = field(default_factory=list)

    def add(self, feature: Feature) -> None:
        if any(f.name == feature.name for f in self.features):
            raise ValueError(f"The feature {feature.name!r} is registered twice")
        self.features.append(feature)
        self.nav.extend(feature.nav)
        self.nav.sort(key=lambda item: item.position)  # stable: ties keep the given order
        self.data_sections.extend(feature.data_sections)
        self.erasers.extend(feature.erasers)
        self.member_sections.extend(feature.member_sections)
        self.dashboard_sections.extend(feature.dashboard_sections)
        self.account_sections.extend(feature.account_sections)
        self.contact_labels.extend(feature.contact_labels)
        for kind in feature.job_kinds:
            _add_once(self.job_kinds, kind.name, kind, "job kind")
        for schedule in feature.schedules:
            _add_once(self.schedules, schedule.name, schedule, "scheduled task")
        for model, rules in feature.permissions.items():
            _add_once(self.permissions, model, rules, "permission rule for")
        for name, endpoint in feature.pages.items():
            self.pages.setdefault(name, endpoint)
        for name, value in feature.settings.items():
            _add_once(self.settings, name, value, "setting")
        if feature.demo is not None:
            self.demo_steps.append(feature.demo)


def _add_once(into: dict[Any, Any], key: Any, value: Any, what: str) -> None:
    if key in into:
        raise ValueError(f"Two features declare the {what} {key!r}")
    into[key] = value


def register_features(app: Flask, features: Iterable[Feature]) -> Registry:
    registry = Registry()
    for feature in features:
        registry.add(feature)
        for blueprint in feature.blueprints:
            app.register_blueprint(blueprint)
        for command in feature.cli:
            app.cli.add_command(command)
    for name, value in registry.settings.items():
        if name not in app.config:
            app.config[name] = value.read(os.environ) if isinstance(value, Env) else value
    app.extensions["features"] = registry
    return registry


def registry(app: Flask | None = None) -> Registry:
    """The features of this app (the current one by default)."""
    return (app or current_app).extensions["features"]


def page_url(name: str) -> str:
    """The URL of a page some feature declared under ``name`` ("home", "dashboard"); the site's
    root when none did."""
    return declared_page_url(name) or request.script_root + "/"


def declared_page_url(name: str) -> str | None:
    """The URL of the page a feature declared under ``name`` ("join"), or None if none did."""
    endpoint = registry().pages.get(name)
    return url_for(endpoint) if endpoint else None


def page_sections(hooks: Iterable[Callable[..., PageSection | None]], *args: Any
                  ) -> list[PageSection]:
    """The sections the features' hooks give for these arguments, in the features' order."""
    return [section for hook in hooks if (section := hook(*args)) is not None]

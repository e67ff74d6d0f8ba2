"""The e-panel, as the host sees it: its pages, menu entries, data-download sections, the import
job, commands and housekeeping, and who may see a resident's record."""

from __future__ import annotations

from datetime import timedelta

from core.features import Feature, NavItem, Schedule
from core.jobs.kinds import JobKind
from core.models import STAFF_ROLES, Role
from core.permissions import Rules
from panel import cli, data_export, membership
from panel.imports import service as import_service
from panel.imports import views as import_views
from panel.models import Resident
from panel.views import (
    account,
    admin,
    admin_dimensions,
    admin_targets,
    home,
    members,
    representation,
    unsubscribe,
)

# The admin blueprint's pages live in three modules; the other two add their routes to admin.bp.
ADMIN_PAGES = (admin, admin_targets, admin_dimensions)
OFFICER = frozenset({Role.OFFICER})
ADMIN = frozenset({Role.ADMIN})


def _can_view_resident(actor, resident: Resident) -> bool:  # noqa: ANN001
    """Officers (and admins) see panel members; a resident sees only their own record."""
    return actor.has_role(Role.OFFICER) or resident.user_id == actor.id


def _expire_unverified() -> str:
    return f"erased {membership.expire_unverified(timedelta(days=7))} unconfirmed sign-ups"


def _purge_uploads() -> str:
    return f"deleted {import_service.purge_stale_uploads()} uploads never imported"


FEATURE = Feature(
    name="panel",
    blueprints=(home.bp, account.bp, import_views.bp, admin.bp, members.bp, representation.bp,
                unsubscribe.bp),
    nav=(
        NavItem("Dashboard", "panel.dashboard", frozenset(STAFF_ROLES), position=10),
        NavItem("Representation", "representation.dashboard", OFFICER, position=20),
        NavItem("Your account", "account.overview", frozenset({Role.RESIDENT}), position=30),
        NavItem("Members", "members.list_members", OFFICER, position=40),
        NavItem("Population targets", "admin.list_targets", OFFICER, position=70),
        NavItem("Profile questions", "admin.list_dimensions", ADMIN, position=80),
        NavItem("Settings", "admin.edit_settings", ADMIN, position=100),
        NavItem("Import", "imports.upload", OFFICER, position=110),
    ),
    data_sections=data_export.SECTIONS,
    job_kinds=(JobKind(import_service.JOB_KIND, import_service.run_import,
                       title="Import residents", roles=OFFICER,
                       result_template="imports/_job_result.html",
                       details=import_service.job_details,
                       caption=lambda job: job.params.get("filename", "")),),
    cli=(cli.demo_cli, cli.panel_cli, cli.imports_cli),
    schedules=(
        Schedule("expire-unverified", timedelta(days=1), _expire_unverified,
                 "Erase sign-ups that never confirmed their email (after 7 days)."),
        Schedule("purge-uploads", timedelta(days=1), _purge_uploads,
                 "Delete uploaded files nobody imported within a day."),
    ),
    permissions={Resident: Rules(view=_can_view_resident,
                                 manage=lambda actor, _resident: actor.has_role(Role.OFFICER))},
    pages={"home": "panel.home", "dashboard": "panel.dashboard"},
)

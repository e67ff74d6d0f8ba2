"""The e-panel, as the host sees it: its pages, menu entries, data-download sections, the import
job, commands and housekeeping, and who may see or act on its objects (``PERMISSIONS``)."""

from __future__ import annotations

from datetime import timedelta

from core.features import Feature, NavItem, Schedule
from core.jobs.kinds import JobKind
from core.models import STAFF_ROLES, Role, Upload
from core.permissions import Rules
from panel import cli, data_export, joining, welcome
from panel.imports import service as import_service
from panel.imports import views as import_views
from panel.models import Category, Dimension, Resident, TargetSet
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
from panel.views import welcome as welcome_views

# The admin blueprint's pages live in three modules; the other two add their routes to admin.bp.
ADMIN_PAGES = (admin, admin_targets, admin_dimensions)
OFFICER = frozenset({Role.OFFICER})
ADMIN = frozenset({Role.ADMIN})


# --- who may see, or act on, the e-panel's objects (core.permissions asks these) ---------------

def _own_or_officer(actor, resident: Resident) -> bool:  # noqa: ANN001
    """Officers (and admins) see panel members; a resident sees and changes only their own
    record (their account pages)."""
    return actor.has_role(Role.OFFICER) or resident.user_id == actor.id


def _staff(actor, _obj: object) -> bool:  # noqa: ANN001
    """Target sets: every member of staff compares with them and draws samples against them."""
    return actor.has_role(*STAFF_ROLES)


def _officer(actor, _obj: object) -> bool:  # noqa: ANN001
    return actor.has_role(Role.OFFICER)


def _anyone(_actor, _obj: object) -> bool:  # noqa: ANN001
    """Profile questions and their answers are asked of every resident."""
    return True


def _admin(actor, _obj: object) -> bool:  # noqa: ANN001
    return actor.has_role(Role.ADMIN)


def _uploader_or_officer(actor, upload: Upload) -> bool:  # noqa: ANN001
    """A file holds residents' personal data: whoever uploaded it, and officers (a panel import
    is picked up by any officer; a target file only by its uploader, which
    ``target_sets.get_upload`` checks as well)."""
    return upload.uploaded_by_id == actor.id or actor.has_role(Role.OFFICER)


PERMISSIONS = {
    Resident: Rules(view=_own_or_officer),
    TargetSet: Rules(view=_staff, manage=_officer),
    Dimension: Rules(view=_anyone, manage=_admin),
    Category: Rules(view=_anyone, manage=_admin),
    Upload: Rules(view=_uploader_or_officer),
}


def _expire_unverified() -> str:
    return f"erased {joining.expire_unverified(timedelta(days=7))} unconfirmed sign-ups"


def _purge_uploads() -> str:
    return f"deleted {import_service.purge_stale_uploads()} uploads never imported"


FEATURE = Feature(
    name="panel",
    blueprints=(home.bp, account.bp, import_views.bp, admin.bp, members.bp, representation.bp,
                unsubscribe.bp, welcome_views.bp),
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
                       caption=lambda job: job.params.get("filename", "")),
               JobKind(welcome.JOB_KIND, welcome.run_welcome,
                       title="Send welcome emails", roles=OFFICER,
                       result_template="imports/_welcome_result.html",
                       details=welcome.job_details,
                       while_running="You can leave this page: the emails carry on being "
                                     "sent.")),
    cli=(cli.demo_cli, cli.panel_cli, cli.imports_cli),
    schedules=(
        Schedule("expire-unverified", timedelta(days=1), _expire_unverified,
                 "Erase sign-ups that never confirmed their email (after 7 days)."),
        Schedule("purge-uploads", timedelta(days=1), _purge_uploads,
                 "Delete uploaded files nobody imported within a day."),
    ),
    permissions=PERMISSIONS,
    pages={"home": "panel.home", "dashboard": "panel.dashboard", "join": "account.join"},
)

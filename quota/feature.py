"""Quota samples, as the host sees them: the sample pages, the draw job, ``flask quota draw``,
the samples section of a resident's data download, of a member's record and of the dashboard,
and who may see a sample (the rules are in quota.access)."""

from __future__ import annotations

from flask import url_for

from core.features import Feature, NavItem
from core.jobs.kinds import JobKind
from core.permissions import Rules
from quota import access, services, views
from quota.cli import quota_cli
from quota.dashboard_section import samples_section as dashboard_samples
from quota.data_rights import samples_section
from quota.member_section import samples_section as member_samples
from quota.models import Sample, SampleDesign, SampleMember

STAFF = frozenset(access.STAFF)

FEATURE = Feature(
    name="quota",
    blueprints=(views.bp,),
    nav=(NavItem("Samples", "quota.list_samples", STAFF, position=50),),
    data_sections=(samples_section,),
    member_sections=(member_samples,),
    dashboard_sections=(dashboard_samples,),
    job_kinds=(JobKind(services.JOB_KIND, services.run_draw_job, title="Drawing the sample",
                       roles=STAFF, result_template="quota/_job_result.html",
                       caption=lambda job: job.params.get("spec", {}).get("name", ""),
                       done_url=lambda job: url_for("quota.show_sample",
                                                    sample_id=job.result["sample_id"]),
                       while_running="The sample page opens when the draw has finished. You "
                                     "can leave this page: the draw carries on."),),
    cli=(quota_cli,),
    # Drawing an approved design is seeing it (organisers do); withdrawing it is managing it.
    permissions={Sample: Rules(view=access.may_see_sample),
                 SampleDesign: Rules(view=access.may_see_sample,
                                     manage=access.may_withdraw_design),
                 SampleMember: Rules(view=access.may_see_member)},
)

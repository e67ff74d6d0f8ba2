"""Outcomes ("We asked, you said, we did"), as the host sees them: the public pages and feed,
the officer's pages for planning an engagement and publishing its response and actions, and who
may act on them; closing the loop (emails to participants, the weekly digest, a resident's "What
happened to my views" page and their feedback)."""

from __future__ import annotations

from core.features import Feature, NavItem, Schedule
from core.models import Role, User, utcnow
from core.permissions import Rules, can_manage, can_view
from outcomes import feedback, loop
from outcomes.demo import seed_outcomes
from outcomes.models import Action, ActionUpdate
from outcomes.views import data, manage, measures, public, resident
from panel.engagements import Engagement

OFFICER = frozenset({Role.OFFICER})


def _officer(actor: User, _engagement: Engagement) -> bool:
    """Officers plan every engagement and publish every response."""
    return actor.has_role(Role.OFFICER)


# An action and its updates follow their engagement: one decision, in one place.
PERMISSIONS = {
    Engagement: Rules(view=_officer),
    Action: Rules(view=lambda actor, action: can_view(actor, action.outcome.engagement),
                  manage=lambda actor, action: can_manage(actor, action.outcome.engagement)),
    ActionUpdate: Rules(view=lambda actor, update: can_view(actor, update.action),
                        manage=lambda actor, update: can_manage(actor, update.action)),
}


def _send_digests() -> str:
    count = loop.send_digests(utcnow())
    return f"{count} weekly summar{'y' if count == 1 else 'ies'} of what happened queued"


FEATURE = Feature(
    name="outcomes",
    blueprints=(public.bp, manage.bp, measures.bp, data.bp, resident.bp),
    nav=(NavItem("Engagements", "engagements.list_engagements", OFFICER, position=65),
         NavItem("Impact measures", "measures.show", OFFICER, position=66),
         NavItem("You said, we did", "outcomes.index", public=True, position=90)),
    permissions=PERMISSIONS,
    pages={"outcomes": "outcomes.index"},
    demo=seed_outcomes,
    # Closing the loop: what happened to a resident's views, on their account page; their
    # answers and how they hear about it in their data download; erased with them.
    account_sections=(feedback.account_section,),
    data_sections=(feedback.feedback_section, feedback.preference_section),
    erasers=(feedback.erase_feedback,),
    schedules=(Schedule("outcome-digest", loop.DIGEST_EVERY, _send_digests,
                        "Email the weekly summary of what happened to residents who chose "
                        "it."),),
)

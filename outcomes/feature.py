"""Outcomes ("We asked, you said, we did"), as the host sees them: the public pages and feed,
the officer's pages for planning an engagement and publishing its response and actions, and who
may act on them."""

from __future__ import annotations

from core.features import Feature, NavItem
from core.models import Role, User
from core.permissions import Rules, can_manage, can_view
from outcomes.demo import seed_outcomes
from outcomes.models import Action, ActionUpdate
from outcomes.views import data, manage, measures, public
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

FEATURE = Feature(
    name="outcomes",
    blueprints=(public.bp, manage.bp, measures.bp, data.bp),
    nav=(NavItem("Engagements", "engagements.list_engagements", OFFICER, position=65),
         NavItem("Impact measures", "measures.show", OFFICER, position=66),
         NavItem("You said, we did", "outcomes.index", public=True, position=90)),
    permissions=PERMISSIONS,
    pages={"outcomes": "outcomes.index"},
    demo=seed_outcomes,
)

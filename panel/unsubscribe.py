"""Stop emails from the panel from a link in any email, without signing in (the page is
``panel.views.unsubscribe``).

The link carries the resident's id, signed (salt "unsubscribe") and good for a year; opening
it shows what will happen and one button (a link preview or a mail scanner that follows
links must not unsubscribe anyone), and the button turns email contact off, as the contact
preferences page would. Nothing else changes: they stay a member, and can turn email back on
from their account.
"""

from __future__ import annotations

from core import audit, links, mail
from core.extensions import db
from panel.models import Resident

LINK_DAYS = 365


def unsubscribe_link(resident: Resident) -> str:
    """The absolute link for an email (works outside a request)."""
    return mail.absolute_url("unsubscribe.stop_emails_page",
                             token=links.make(links.UNSUBSCRIBE, {"resident": resident.id}))


def resident_from(token: str) -> Resident | None:
    data = links.read_or_none(links.UNSUBSCRIBE, token, LINK_DAYS * 86400)
    return db.session.get(Resident, data.get("resident")) if data is not None else None


def stop_emails(resident: Resident) -> bool:
    """Turn email contact off; False if it was off already."""
    if not resident.contact_by_email:
        return False
    resident.contact_by_email = False
    audit.record(None, "email_unsubscribed", "resident", resident.id)
    db.session.commit()
    return True

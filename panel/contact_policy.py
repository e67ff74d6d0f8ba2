"""The over-consultation policy: at most N contacts per resident in any rolling D days.

The policy is stored in the ``contact_cap`` setting as ``{"max_contacts": 3, "days": 90}``;
until an admin changes it the default (3 contacts in 90 days) applies. A contact counts from
the moment it is logged (``Contact.at``) until exactly ``days`` days later.

What other code calls (never read the setting directly):

- ``contact_cap()`` – the policy in force, a ``ContactCap``.
- ``at_cap_subquery(now=None, cap=None)`` – a SELECT of the ids of residents at the cap. Leave
  them out of a sampling pool with ``Resident.id.not_in(at_cap_subquery())``; flag them in the
  panel list with ``Resident.id.in_(at_cap_subquery()).label("at_cap")``.
- ``contacts_in_window_subquery(now=None, cap=None)`` – ``(resident_id, contacts)`` for residents
  contacted in the window, to outer-join for a "contacts in the last 90 days" column.
- ``residents_at_cap_query()``, ``contacts_in_window(resident_id)``, ``is_at_cap(resident_id)``,
  ``cap_status_for(resident_id)`` (with the date the resident can be contacted again).

Pass one ``now`` and one ``cap`` to every call that must agree (e.g. a whole draw).
``ContactCap``, ``cap_status`` and the checks of an admin's input are pure (no database).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, select

from core import audit
from core.errors import DomainError
from core.extensions import db
from core.models import Setting, User, utcnow
from panel.models import Contact, Resident

SETTING_KEY = "contact_cap"
MIN_CONTACTS, MAX_CONTACTS = 1, 20
MIN_DAYS, MAX_DAYS = 7, 365


@dataclass(frozen=True)
class ContactCap:
    max_contacts: int = 3
    days: int = 90

    def window_start(self, now: datetime) -> datetime:
        """Contacts after this moment (and up to ``now``) count towards the cap."""
        return now - timedelta(days=self.days)

    def describe(self) -> str:
        contacts = "1 contact" if self.max_contacts == 1 else f"{self.max_contacts} contacts"
        return f"{contacts} in any {self.days} days"

    def to_value(self) -> dict[str, int]:
        return {"max_contacts": self.max_contacts, "days": self.days}

    @classmethod
    def from_value(cls, value: Any) -> ContactCap:
        """The stored setting, or the default if it is missing or not a valid policy."""
        if isinstance(value, Mapping):
            cap = cls(max_contacts=value.get("max_contacts"), days=value.get("days"))  # type: ignore[arg-type]
            if not cap_problems(cap):
                return cap
        return DEFAULT_CAP


DEFAULT_CAP = ContactCap(max_contacts=3, days=90)


class CapError(DomainError):
    """The policy an admin entered is not allowed: ``problems`` maps a field to a message."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__(" ".join(problems.values()))
        self.problems = problems


# --- pure: checking an admin's input -------------------------------------------------------

def max_contacts_problem(text: str | None) -> str | None:
    return _whole_number_problem(
        text, empty="Enter the most contacts per resident",
        not_whole="The most contacts must be a whole number, like 3",
        low=MIN_CONTACTS, high=MAX_CONTACTS,
        out_of_range=f"The most contacts must be between {MIN_CONTACTS} and {MAX_CONTACTS}")


def days_problem(text: str | None) -> str | None:
    return _whole_number_problem(
        text, empty="Enter the number of days in the period",
        not_whole="The number of days must be a whole number, like 90",
        low=MIN_DAYS, high=MAX_DAYS,
        out_of_range=f"The period must be between {MIN_DAYS} and {MAX_DAYS} days")


def _whole_number_problem(text: str | None, *, empty: str, not_whole: str, low: int, high: int,
                          out_of_range: str) -> str | None:
    text = (text or "").strip()
    if not text:
        return empty
    if not text.isascii() or not text.isdigit():
        return not_whole
    return None if low <= int(text) <= high else out_of_range


def parse_cap(max_contacts: str | None, days: str | None) -> ContactCap:
    """An admin's input as a policy, or ``CapError`` with a message per field."""
    problems = {field: problem for field, problem in (
        ("max_contacts", max_contacts_problem(max_contacts)), ("days", days_problem(days)))
        if problem}
    if problems:
        raise CapError(problems)
    return ContactCap(int((max_contacts or "").strip()), int((days or "").strip()))


def cap_problems(cap: ContactCap) -> dict[str, str]:
    problems = {}
    if not isinstance(cap.max_contacts, int) or isinstance(cap.max_contacts, bool) or \
            not MIN_CONTACTS <= cap.max_contacts <= MAX_CONTACTS:
        problems["max_contacts"] = (
            f"The most contacts must be between {MIN_CONTACTS} and {MAX_CONTACTS}")
    if not isinstance(cap.days, int) or isinstance(cap.days, bool) or \
            not MIN_DAYS <= cap.days <= MAX_DAYS:
        problems["days"] = f"The period must be between {MIN_DAYS} and {MAX_DAYS} days"
    return problems


# --- pure: one resident's position against the cap -----------------------------------------

@dataclass(frozen=True)
class CapStatus:
    contacts: int  # in the window
    at_cap: bool
    clears_at: datetime | None  # when the resident drops below the cap again (None: not at it)


def cap_status(contact_times: Iterable[datetime], now: datetime, cap: ContactCap) -> CapStatus:
    start = cap.window_start(now)
    counted = sorted(t for t in contact_times if start < t <= now)
    if len(counted) < cap.max_contacts:
        return CapStatus(len(counted), False, None)
    # Below the cap again once all but max_contacts - 1 of them have dropped out of the window.
    return CapStatus(len(counted), True,
                     counted[len(counted) - cap.max_contacts] + timedelta(days=cap.days))


# --- the setting ---------------------------------------------------------------------------

def contact_cap() -> ContactCap:
    """The policy in force: the ``contact_cap`` setting, or 3 in 90 days if it is not set."""
    setting = db.session.get(Setting, SETTING_KEY)
    return DEFAULT_CAP if setting is None else ContactCap.from_value(setting.value)


def set_contact_cap(actor: User, cap: ContactCap) -> ContactCap:
    """Change the policy (audited). Raises ``CapError`` for numbers out of range."""
    problems = cap_problems(cap)
    if problems:
        raise CapError(problems)
    before = contact_cap()
    setting = db.session.get(Setting, SETTING_KEY)
    if setting is None:
        db.session.add(Setting(key=SETTING_KEY, value=cap.to_value()))
    else:
        setting.value = cap.to_value()
    audit.record(actor, "contact_cap_changed", "setting", None,
                 before=before.to_value(), after=cap.to_value())
    db.session.commit()
    return cap


# --- queries others build on ---------------------------------------------------------------

def _window(now: datetime, cap: ContactCap) -> ColumnElement[bool]:
    return and_(Contact.at > cap.window_start(now), Contact.at <= now)


def _resolve(now: datetime | None, cap: ContactCap | None) -> tuple[datetime, ContactCap]:
    return (now or utcnow(), cap or contact_cap())


def contacts_in_window_subquery(now: datetime | None = None, cap: ContactCap | None = None
                                ) -> Select[tuple[int, int]]:
    """``(resident_id, contacts)`` for every resident contacted in the window."""
    now, cap = _resolve(now, cap)
    return (select(Contact.resident_id, func.count(Contact.id).label("contacts"))
            .where(_window(now, cap)).group_by(Contact.resident_id))


def at_cap_subquery(now: datetime | None = None, cap: ContactCap | None = None
                    ) -> Select[tuple[int]]:
    """Ids of residents with at least ``max_contacts`` contacts in the window."""
    now, cap = _resolve(now, cap)
    return (select(Contact.resident_id).where(_window(now, cap))
            .group_by(Contact.resident_id).having(func.count(Contact.id) >= cap.max_contacts))


def residents_at_cap_query(now: datetime | None = None, cap: ContactCap | None = None
                           ) -> Select[tuple[Resident]]:
    return select(Resident).where(Resident.id.in_(at_cap_subquery(now, cap)))


def count_at_cap(now: datetime | None = None, cap: ContactCap | None = None) -> int:
    return db.session.scalar(
        select(func.count()).select_from(at_cap_subquery(now, cap).subquery())) or 0


def contacts_in_window(resident_id: int, now: datetime | None = None,
                       cap: ContactCap | None = None) -> int:
    now, cap = _resolve(now, cap)
    return db.session.scalar(select(func.count(Contact.id)).where(
        Contact.resident_id == resident_id, _window(now, cap))) or 0


def is_at_cap(resident_id: int, now: datetime | None = None,
              cap: ContactCap | None = None) -> bool:
    now, cap = _resolve(now, cap)
    return contacts_in_window(resident_id, now, cap) >= cap.max_contacts


def cap_status_for(resident_id: int, now: datetime | None = None,
                   cap: ContactCap | None = None) -> CapStatus:
    now, cap = _resolve(now, cap)
    times = db.session.scalars(select(Contact.at).where(
        Contact.resident_id == resident_id, _window(now, cap)))
    return cap_status(times, now, cap)

"""The payment ledger: a thank-you payment owed to each person who attended (when the event
offers one), expenses owed from the cost of their access needs, marking either paid, totals and
the spreadsheet. One payment of each kind per registration (a UniqueConstraint), so recording
attendance twice never owes twice.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from core import audit
from core.errors import DomainError
from core.extensions import db
from core.models import User, utcnow
from core.spreadsheet import safe_cell
from events.models import (
    PLACE_HOLDERS,
    Event,
    NeedStatus,
    Payment,
    PaymentKind,
    Registration,
    RegistrationStatus,
    ThankYouKind,
)


class PaymentRefused(DomainError):
    """A payment cannot be changed this way; the message says why."""


def _payment(registration: Registration, kind: PaymentKind) -> Payment | None:
    return next((p for p in registration.payments if p.kind == kind), None)


def _settle(registration: Registration, kind: PaymentKind, amount: int, now: datetime) -> None:
    """Owe ``amount`` of ``kind`` (none when 0). A payment already made is never changed."""
    payment = _payment(registration, kind)
    if payment is not None and payment.paid_at is not None:
        return
    if amount <= 0:
        if payment is not None:
            registration.payments.remove(payment)
        return
    if payment is None:
        registration.payments.append(Payment(kind=kind, amount_pence=amount, owed_at=now))
    else:
        payment.amount_pence = amount


def thank_you_due(registration: Registration) -> int:
    event = registration.event
    if (registration.status != RegistrationStatus.ATTENDED
            or event.thank_you_kind == ThankYouKind.NONE):
        return 0
    return max(0, event.thank_you_pence)


def expenses_due(registration: Registration) -> int:
    """The cost of the access needs met for someone holding a place."""
    if not registration.status.holds_place:
        return 0
    return sum(n.cost_pence for n in registration.needs if n.status != NeedStatus.CANNOT_PROVIDE)


def sync_thank_you(registration: Registration, now: datetime | None = None) -> None:
    """Owe the thank-you to someone who attended; take back an unpaid one from anyone else.
    In the caller's transaction."""
    now = now or utcnow()
    _settle(registration, PaymentKind.THANK_YOU, thank_you_due(registration), now)
    _settle(registration, PaymentKind.EXPENSES, expenses_due(registration), now)


def sync_expenses(registration: Registration, now: datetime | None = None) -> None:
    _settle(registration, PaymentKind.EXPENSES, expenses_due(registration), now or utcnow())


@dataclass(frozen=True)
class Line:
    payment: Payment
    name: str
    reference: str
    detail: str

    @property
    def paid(self) -> bool:
        return self.payment.paid_at is not None


@dataclass(frozen=True)
class Ledger:
    lines: list[Line]

    @property
    def owed_pence(self) -> int:
        return sum(line.payment.amount_pence for line in self.lines if not line.paid)

    @property
    def paid_pence(self) -> int:
        return sum(line.payment.amount_pence for line in self.lines if line.paid)


def reference(registration: Registration) -> str:
    """The short reference printed on the sheet, the ledger and the spreadsheet."""
    return f"R{registration.id:05d}"


def ledger(event: Event) -> Ledger:
    payments = db.session.scalars(
        select(Payment).join(Payment.registration).where(Registration.event_id == event.id)
        .options(joinedload(Payment.registration).selectinload(Registration.needs))
        .order_by(Payment.kind, Payment.id)).all()
    lines = []
    for payment in payments:
        registration = payment.registration
        detail = (", ".join(f"{n.kind.label} £{n.cost_pence / 100:,.2f}"
                            for n in registration.needs if n.cost_pence)
                  if payment.kind == PaymentKind.EXPENSES else event.thank_you_kind.label)
        lines.append(Line(payment, registration.display_name, reference(registration), detail))
    lines.sort(key=lambda line: (line.paid, line.name.casefold(), line.payment.kind.value))
    return Ledger(lines)


def record_ledger_viewed(actor: User, event: Event, ledger_: Ledger) -> None:
    audit.record(actor, "event_payments_viewed", "event", event.id, lines=len(ledger_.lines))
    db.session.commit()


def mark_paid(actor: User, payment: Payment, paid_on: date, reference: str) -> None:
    if payment.paid_at is not None:
        raise PaymentRefused("This payment is already marked as paid.")
    if paid_on > utcnow().date():
        raise PaymentRefused("The date paid must be today or in the past.")
    if not payment.registration.status.holds_place and payment.kind == PaymentKind.THANK_YOU:
        raise PaymentRefused("This person no longer holds a place.")
    payment.paid_at = datetime.combine(paid_on, time(12))
    payment.paid_by_id = actor.id
    payment.reference = reference.strip()
    audit.record(actor, "event_payment_paid", "event_payment", payment.id,
                 event=payment.registration.event_id, kind=payment.kind.value,
                 amount_pence=payment.amount_pence)
    db.session.commit()


HEADERS = ("Reference", "Name", "Kind", "Amount (£)", "Owed on", "Paid on", "Payment reference",
           "Detail")


def spreadsheet(actor: User, event: Event) -> str:
    """The ledger as CSV (each cell made safe for spreadsheets); the download is audited."""
    found = ledger(event)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    for line in found.lines:
        p = line.payment
        writer.writerow([safe_cell(v) for v in (
            line.reference, line.name, p.kind.label, f"{p.amount_pence / 100:.2f}",
            p.owed_at.date().isoformat(), p.paid_at.date().isoformat() if p.paid_at else "",
            p.reference, line.detail)])
    audit.record(actor, "event_payments_downloaded", "event", event.id,
                 lines=len(found.lines))
    db.session.commit()
    return out.getvalue()


def holders(event: Event) -> list[Registration]:
    return list(db.session.scalars(select(Registration).where(
        Registration.event_id == event.id, Registration.status.in_(list(PLACE_HOLDERS)))))


def pounds(pence: int) -> Decimal:
    return (Decimal(pence) / 100).quantize(Decimal("0.01"))

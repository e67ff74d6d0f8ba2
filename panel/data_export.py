"""A resident's own data, for download as JSON or CSV (right of access and portability).

Every feature declares its sections (``Feature.data_sections``: survey responses, samples,
event invitations): ``(resident) -> (section name, list of row dicts)``; the e-panel's own come
first (``SECTIONS`` here, declared in ``panel.feature``).
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any

from core.features import registry
from core.spreadsheet import safe_value
from panel.models import Resident


def _details(resident: Resident) -> tuple[str, list[dict[str, Any]]]:
    user = resident.user
    return "details", [{
        "email": user.email, "email_verified_at": user.verified_at,
        "first_name": resident.first_name, "last_name": resident.last_name,
        "address_line": resident.address_line, "postcode": resident.postcode,
        "year_of_birth": resident.year_of_birth, "membership": resident.status.value,
        "paused_until": resident.paused_until, "joined_at": resident.joined_at,
        "contact_by_email": resident.contact_by_email, "contact_by_post": resident.contact_by_post,
        "contact_by_phone": resident.contact_by_phone, "phone": resident.phone,
        "interested_in_events": resident.interested_in_events,
    }]


def _profile(resident: Resident) -> tuple[str, list[dict[str, Any]]]:
    return "profile", [{"question": a.dimension.label, "answer": a.category.label,
                        "answered_at": a.answered_at}
                       for a in sorted(resident.answers, key=lambda a: a.dimension.position)]


def _consents(resident: Resident) -> tuple[str, list[dict[str, Any]]]:
    return "consents", [{"consent": c.kind.value, "given": c.granted, "wording": c.wording,
                         "privacy_notice_version": c.privacy_notice_version,
                         "recorded_at": c.recorded_at} for c in resident.consents]


SECTIONS = (_details, _profile, _consents)


def _plain(value: Any) -> Any:
    return value.isoformat(timespec="seconds") if isinstance(value, datetime) else value


def export_data(resident: Resident) -> dict[str, list[dict[str, Any]]]:
    """Every section as JSON-ready rows."""
    data = {}
    for section in registry().data_sections:
        name, rows = section(resident)
        data[name] = [{key: _plain(value) for key, value in row.items()} for row in rows]
    return data


def export_csv(resident: Resident) -> str:
    """One long CSV: section, row number, field, value (every section fits one layout)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["section", "row", "field", "value"])
    for name, rows in export_data(resident).items():
        for number, row in enumerate(rows, start=1):
            for field, value in row.items():
                writer.writerow([name, number, field, safe_value(value)])
    return out.getvalue()

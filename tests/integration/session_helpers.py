"""Small data for the session and caching tests: one sample with one named member."""

from __future__ import annotations

from core.extensions import db
from quota.models import MemberRole, Sample, SampleMember, SampleMode


def one_member_sample(resident) -> Sample:  # noqa: ANN001
    sample = Sample(name="Libraries", mode=SampleMode.SURVEY, size=1, seed=1, algorithm="test",
                    software_version="test", pool_size=1, spec={"dimensions": []}, inputs={},
                    report={},
                    members=[SampleMember(resident=resident, role=MemberRole.SELECTED)])
    db.session.add(sample)
    db.session.commit()
    return sample


def copy_session(source, target) -> None:  # noqa: ANN001
    """Put ``source``'s session cookie in ``target`` (as an attacker who copied it would)."""
    cookie = source.get_cookie("session")
    assert cookie is not None
    target.set_cookie("session", cookie.value)

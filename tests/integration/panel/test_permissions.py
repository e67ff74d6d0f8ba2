"""Every e-panel route that loads an object asks ``core.permissions`` about it, after its role
check: with the object's rule refusing, the same request that works is refused (403)."""

from __future__ import annotations

import pytest

from core.extensions import db
from core.models import Role, Upload
from core.permissions import Rules
from panel.demo import install_dimensions, install_target_set, ward_dimension
from panel.imports import service as import_service
from panel.models import Category, Dimension, Resident, TargetSet
from panel.reference_data import (
    DEFAULT_TARGET_SET_NAME,
    DEFAULT_TARGET_SET_SOURCE,
    load_burnley_wards,
    load_default_dimensions,
    load_default_targets,
)
from tests.conftest import PASSWORD, csrf_token_from

TARGET_FILE = b"dimension,category,count,note\nSex,Female,600,Test\nsex,male,400,Test\n"
NO = Rules(view=lambda _actor, _obj: False)

# (case, the model whose rule is asked, who asks, method, address)
ROUTES = [
    ("member", Resident, "admin", "GET", "/panel/members/{resident}"),
    ("own account", Resident, "resident", "GET", "/account"),
    ("own profile", Resident, "resident", "GET", "/account/profile"),
    ("own answer", Dimension, "resident", "GET", "/account/profile/sex"),
    ("target set", TargetSet, "admin", "GET", "/targets/{target_set}"),
    ("edit target set", TargetSet, "admin", "GET", "/targets/{target_set}/edit"),
    ("delete target set", TargetSet, "admin", "GET", "/targets/{target_set}/delete"),
    ("target file", Upload, "admin", "GET", "/targets/import/{target_upload}"),
    ("panel file", Upload, "admin", "GET", "/panel/import/{panel_upload}/columns"),
    ("dimension", Dimension, "admin", "GET", "/admin/dimensions/{dimension}"),
    ("new category", Dimension, "admin", "GET", "/admin/dimensions/{dimension}/categories/new"),
    ("move category", Category, "admin", "POST", "/admin/categories/{category}/move"),
]


@pytest.fixture
def world(app, make_user, make_resident):
    ids = install_dimensions([*load_default_dimensions(), ward_dimension(load_burnley_wards())])
    target_set = install_target_set(DEFAULT_TARGET_SET_NAME, DEFAULT_TARGET_SET_SOURCE,
                                    load_default_targets(), ids)
    db.session.commit()
    admin = make_user(Role.ADMIN)
    resident = make_resident()
    panel_upload, _table = import_service.store_upload(admin, "panel.csv",
                                                       b"Email\nada@example.org\n")
    target_upload = Upload(filename="targets.csv", content=TARGET_FILE,
                           uploaded_by_id=admin.id)
    db.session.add(target_upload)
    db.session.commit()
    sex = db.session.scalar(db.select(Dimension).where(Dimension.key == "sex"))
    female = next(c for c in sex.categories if c.key == "female")
    return {"users": {"admin": admin, "resident": resident.user},
            "ids": {"resident": resident.id, "target_set": target_set.id,
                    "target_upload": target_upload.id, "panel_upload": panel_upload.id,
                    "dimension": sex.id, "category": female.id}}


def request(app, world, who: str, method: str, address: str) -> int:
    client = app.test_client()
    user = world["users"][who]
    response = client.post("/sign-in", data={"email": user.email, "password": PASSWORD,
                                              "csrf_token": csrf_token_from(client)})
    assert response.status_code == 302
    url = address.format(**world["ids"])
    if method == "GET":
        return client.get(url).status_code
    token = csrf_token_from(client, "/admin/dimensions")
    return client.post(url, data={"csrf_token": token, "direction": "down"}).status_code


@pytest.mark.parametrize(("case", "model", "who", "method", "address"), ROUTES,
                         ids=[route[0] for route in ROUTES])
def test_the_route_asks_the_objects_rule(app, world, monkeypatch, case, model, who, method,
                                         address):
    allowed = request(app, world, who, method, address)
    assert allowed in (200, 302, 303), (case, allowed)
    monkeypatch.setitem(app.extensions["features"].permissions, model, NO)
    assert request(app, world, who, method, address) == 403, case

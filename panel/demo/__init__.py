"""The demo council behind ``flask demo seed`` (``seed``: wards, profile questions, Census 2021
targets, staff sign-ins and a panel of residents that ``people`` generates, seeded and biased
the way volunteer panels are). For demonstrations and tests only, never a live site.

The installers of reference data (``panel.install``) are named here too, as tests and
benchmarks set up their data with them.
"""

from panel.demo.seed import (
    DEMO_RESIDENT,
    STAFF,
    database_is_empty,
    demo_email,
    demo_password,
    describe_sign_ins,
    seed_demo,
)
from panel.install import DimensionIds, install_dimensions, install_target_set, ward_dimension

__all__ = [
    "DEMO_RESIDENT", "STAFF", "DimensionIds", "database_is_empty", "demo_email", "demo_password",
    "describe_sign_ins", "install_dimensions", "install_target_set", "seed_demo", "ward_dimension",
]

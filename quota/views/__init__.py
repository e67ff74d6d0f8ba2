"""The quota pages, thin: each loads its object, asks core.permissions, calls one service.

``samples`` (the list, the builder, a drawn sample, replacements) and ``designs`` (approved
designs) declare their routes on the one ``bp`` (blueprint ``quota``), exported here.
"""

from quota.views import designs, samples
from quota.views.blueprint import bp

__all__ = ["bp", "designs", "samples"]

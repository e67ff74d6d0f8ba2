"""The e-panel's pages, one module per area (thin: role check, load the object, ask
``core.permissions``, call one use case, render):

- ``home``: the public home page and the signed-in dashboard (blueprint ``panel``).
- ``account``: joining, verifying an email, and a resident's own account (``account``).
- ``unsubscribe``: stop emails from a link in any email, without signing in (``unsubscribe``).
- ``members``: the officers' member list and a member's record (``members``).
- ``representation``: the panel compared with population targets (``representation``).
- ``admin``: the staff blueprint (``admin``) and the settings page; its routes for population
  target sets are in ``admin_targets``, for profile questions in ``admin_dimensions``.

The import's pages are in ``panel.imports.views`` (blueprint ``imports``).
"""

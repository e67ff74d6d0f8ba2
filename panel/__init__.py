"""The e-panel: residents join with a profile and consent; officers keep the panel
representative (members, population targets, representation, imports). Plugged into the host
by ``panel.feature``.

- Residents: ``joining`` (join, confirm the email, expire unconfirmed sign-ups),
  ``membership`` (consents and answers on the record, pause, leave, erase), ``profiles``
  (answer the profile questions, special-category consent, contact preferences),
  ``profile_rules`` (pure: age bands, disability, postcodes), ``data_export``, ``unsubscribe``.
- Officers: ``member_list`` (search the panel), ``target_sets``, ``representation`` (pure
  comparison) with ``representation_figures`` (its queries), ``imports/`` (read, mapping,
  validate, report, service, views), ``contact_policy``, ``dashboard``.
- Admins: ``dimensions`` (profile questions and answers).
- Shared with the other features: ``engagements`` (what surveys and events belong to),
  ``households`` (one key per home), ``disclosure`` (pure: what a table of counts may show).
- Reference data: ``reference_data`` (the shipped files), ``install`` (into the database),
  ``demo/`` (the demo council).
- Pages: ``views/`` (one module per area) and ``imports/views.py``; forms: ``forms``,
  ``admin_forms``; models: ``models``.
"""

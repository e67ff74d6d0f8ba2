"""The e-panel: residents join with a profile and consent; officers keep the panel representative
(members, population targets, representation, imports). Plugged into the host by ``panel.feature``."""

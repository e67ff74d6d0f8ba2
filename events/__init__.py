"""Deliberative events: recruitment, invitations, RSVPs, access needs, attendance."""

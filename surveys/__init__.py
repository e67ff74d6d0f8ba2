"""Surveys: building, inviting, answering and weighted results."""

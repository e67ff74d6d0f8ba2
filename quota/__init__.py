"""Representativeness and quota sampling (survey samples and fair panels)."""

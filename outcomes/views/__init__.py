"""The outcomes pages: ``public`` (anyone) and ``manage`` (officers)."""

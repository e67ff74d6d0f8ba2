"""The events pages, one module per part of the flow (thin: load, check, call a service)."""

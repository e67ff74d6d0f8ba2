"""Public 'You said, we did' pages: outcomes, actions and their status."""

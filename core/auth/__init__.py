"""Accounts signing in: sessions and timeouts, the sign-in pages, the password rule, throttling."""

"""Providers: where residents go for a service (HSDS organisations and locations)."""

"""Catalogue queries: plain functions over a SQLModel session, no HTTP.

Routers (JSON) and pages (HTML) call the same functions here.
"""

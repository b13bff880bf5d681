"""Eligibility: rules as data, a three-valued (Kleene) engine and plain-Chinese explanations.

Pure Python: no HTTP framework, ORM or database imports. The ruleset is read from
``seed/eligibility/`` (:mod:`app.eligibility.loader`), region chains are passed in by the
caller (:mod:`app.eligibility.regions`), and results are plain data that the API and the pages
render (:mod:`app.eligibility.present`).
"""

"""HTTP routers: thin wrappers that parse, call :mod:`app.catalogue` and return."""

from fastapi import FastAPI

from app.routers import (
    areas,
    corrections,
    eligibility,
    export,
    life_events,
    meta,
    providers,
    regions,
    search,
    services,
)

API_PREFIX = "/api/v1"


API_MODULES = (
    meta,
    areas,
    life_events,
    services,
    regions,
    search,
    providers,
    corrections,
    export,
    eligibility,
)


def include_api(application: FastAPI) -> None:
    """Add the versioned JSON API's routers to ``application``, each directly under it.

    One level of inclusion, not a router of routers: FastAPI matches nested inclusions level
    by level on every request, and the extra levels cost about a tenth of a nearby request.
    """
    for module in API_MODULES:
        application.include_router(module.router, prefix=API_PREFIX)

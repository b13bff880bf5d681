"""HTTP routers: thin wrappers that parse, call :mod:`app.catalogue` and return."""

from fastapi import APIRouter

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


def build_api_router() -> APIRouter:
    """The versioned JSON API, assembled fresh for each app."""
    router = APIRouter()
    router.include_router(meta.router, prefix=API_PREFIX)
    resources = APIRouter(prefix=API_PREFIX)
    for module in (
        areas,
        life_events,
        services,
        regions,
        search,
        providers,
        corrections,
        export,
        eligibility,
    ):
        resources.include_router(module.router)
    router.include_router(resources)
    return router

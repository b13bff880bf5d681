"""Get a database ready to serve: migrate, then seed on first start.

Runs once in the ``serve`` command before any worker starts, so workers never race on
migrations or seeding.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlmodel import Session

from app import migrate
from app.catalogue.snapshot import SnapshotCache
from app.providers.demo import sync_demo_providers
from app.search.base import SearchUnavailable
from app.search.indexing import build_backend, build_fallback, ensure_fresh, prepare_text, reindex
from app.seeding import SeedReport, seed_database, seed_fingerprint, stored_fingerprint
from app.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Prepared:
    """What start-up did: whether it seeded, and whether the bundled seed is newer."""

    seeded: SeedReport | None
    seed_outdated: bool


def prepare_database(settings: Settings, engine: Engine) -> Prepared:
    """Migrate to head; seed if this database was never seeded (and seeding is enabled)."""
    settings.ensure_data_dir()
    migrate.upgrade(engine)
    with Session(engine) as session:
        stored = stored_fingerprint(session)
    if stored is None:
        if not settings.seed_on_start:
            log.warning("database has no seed data and QIANFU_SEED_ON_START is off")
            return Prepared(seeded=None, seed_outdated=False)
        report = seed_database(engine, settings.seed_dir)
        log.info("first start: loaded seed data (%d services)", report.services)
        sync_demo_providers(settings, engine)
        return Prepared(seeded=report, seed_outdated=False)
    outdated = stored != seed_fingerprint(settings.seed_dir)
    if outdated:
        log.warning("the bundled seed differs from the loaded one; run `qianfu seed` to update")
    sync_demo_providers(settings, engine)
    return Prepared(seeded=None, seed_outdated=outdated)


def prepare_search(settings: Settings, engine: Engine, *, force: bool = False) -> bool:
    """Bring the configured search index in step with the catalogue (rebuild if behind).

    A Meilisearch server that cannot be reached is logged, not fatal: the site still serves
    (searches answer 503, or the embedded fallback when configured) and readiness says so.
    """
    snapshot = SnapshotCache(engine, 0).refresh()
    synonyms = prepare_text(settings, snapshot)
    backends = [build_backend(settings, synonyms)]
    fallback = build_fallback(settings)
    if fallback is not None:
        backends.append(fallback)

    async def run() -> bool:
        rebuilt = False
        for backend in backends:
            try:
                if force:
                    await reindex(backend, snapshot, engine)
                    rebuilt = True
                else:
                    rebuilt = await ensure_fresh(backend, snapshot, engine) or rebuilt
            except SearchUnavailable:
                log.warning("search backend %s unreachable; index not refreshed", backend.name)
                if force:
                    raise
            finally:
                await backend.aclose()
        return rebuilt

    return asyncio.run(run())

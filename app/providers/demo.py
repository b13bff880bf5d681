"""Demo mode: generated SAMPLE providers are loaded only when asked for, and removed after.

``qianfu serve --demo`` (or ``QIANFU_DEMO=true``) loads ``demo_providers`` generated records;
starting without it removes them again, so a production site never keeps demo records by
accident. While any are loaded, every page carries the "演示数据" banner.
"""

from __future__ import annotations

import logging

from sqlalchemy import Engine
from sqlmodel import Session, col, func, select

from app.catalogue.snapshot import SnapshotCache
from app.models.provider import Location
from app.providers.sample import sample_providers
from app.providers.store import store_providers
from app.settings import Settings

log = logging.getLogger(__name__)


def count_sample_providers(engine: Engine) -> int:
    """How many generated providers the database holds."""
    with Session(engine) as session:
        query = select(func.count()).select_from(Location).where(col(Location.sample).is_(True))
        return int(session.exec(query).one())


def sync_demo_providers(settings: Settings, engine: Engine) -> int:
    """Load (demo on) or remove (demo off) the sample set; returns how many are loaded."""
    loaded = count_sample_providers(engine)
    wanted = settings.demo_providers if settings.demo else 0
    if loaded == wanted:
        return loaded
    if wanted == 0:
        store_providers(engine, [], origin="sample", replace=True)
        log.warning("demo mode is off: removed %d generated sample providers", loaded)
        return 0
    snapshot = SnapshotCache(engine, 0).refresh()
    store_providers(engine, sample_providers(snapshot, wanted), origin="sample", replace=True)
    log.warning("demo mode: loaded %d generated SAMPLE providers (示例数据)", wanted)
    return wanted

"""Seeding is idempotent and all-or-nothing, on both databases."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, SQLModel, select

import app.models as m
from app import migrate, seeding
from app.bootstrap import prepare_database
from app.seedfiles.load import SeedError
from app.seeding import seed_database, seed_fingerprint
from app.settings import Settings
from tests.conftest import SEED_DIR

COUNTED: list[type[SQLModel]] = [
    m.Region,
    m.Service,
    m.Source,
    m.ServiceFieldValue,
    m.ServiceAmount,
    m.ServiceStandardRef,
    m.FieldValueSource,
    m.ServiceLifeEvent,
    m.Area,
    m.Category,
]


def _counts(engine: Engine) -> dict[str, int]:
    with Session(engine) as session:
        return {
            model.__name__: session.exec(select(func.count()).select_from(model)).one()
            for model in COUNTED
        }


def test_seed_twice_gives_the_same_database(empty_db: tuple[Settings, Engine]) -> None:
    _, engine = empty_db
    migrate.upgrade(engine)
    first = seed_database(engine, SEED_DIR)
    after_first = _counts(engine)
    second = seed_database(engine, SEED_DIR)
    assert first.changed
    assert not second.changed
    assert _counts(engine) == after_first
    assert after_first["Region"] == 1 + 9 + 88 + 1510
    assert after_first["Area"] == 9
    assert after_first["Category"] == 22
    assert after_first["Service"] == first.services


def test_broken_seed_changes_nothing(empty_db: tuple[Settings, Engine], tmp_path: Path) -> None:
    _, engine = empty_db
    migrate.upgrade(engine)
    seed_database(engine, SEED_DIR)
    before = _counts(engine)
    broken = tmp_path / "seed"
    shutil.copytree(SEED_DIR, broken)
    victim = broken / "services" / "veterans" / "preferential-treatment-and-pensions.yaml"
    victim.write_text(
        victim.read_text(encoding="utf-8").replace('region: "520000"', 'region: "529999"', 1),
        encoding="utf-8",
    )
    with pytest.raises(SeedError):
        seed_database(engine, broken)
    assert _counts(engine) == before


def test_failure_midway_rolls_back(
    empty_db: tuple[Settings, Engine], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, engine = empty_db
    migrate.upgrade(engine)
    import app.seeding as seeding

    def explode(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(seeding, "_write_service_children", explode)
    with pytest.raises(RuntimeError):
        seed_database(engine, SEED_DIR)
    assert all(count == 0 for count in _counts(engine).values())


def test_removed_service_is_deleted_on_reseed(
    empty_db: tuple[Settings, Engine], tmp_path: Path
) -> None:
    _, engine = empty_db
    migrate.upgrade(engine)
    seed = tmp_path / "seed"
    shutil.copytree(SEED_DIR, seed)
    seed_database(engine, seed)
    (seed / "services" / "veterans" / "preferential-treatment-and-pensions.yaml").unlink()
    seed_database(engine, seed)
    with Session(engine) as session:
        assert session.get(m.Service, "preferential-treatment-and-pensions") is None


def test_first_start_seeds_once_and_reports_outdated_seed(
    empty_db: tuple[Settings, Engine], tmp_path: Path
) -> None:
    settings, engine = empty_db
    first = prepare_database(settings, engine)
    assert first.seeded is not None
    assert not first.seed_outdated
    again = prepare_database(settings, engine)
    assert again.seeded is None
    assert not again.seed_outdated
    newer = tmp_path / "newer-seed"
    shutil.copytree(SEED_DIR, newer)
    (newer / "README.md").write_text("changed", encoding="utf-8")
    assert seed_fingerprint(newer) != seed_fingerprint(SEED_DIR)
    outdated = prepare_database(settings.model_copy(update={"seed_dir": newer}), engine)
    assert outdated.seeded is None
    assert outdated.seed_outdated


def test_a_new_seeding_revision_marks_the_database_outdated(
    empty_db: tuple[Settings, Engine], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Seeded by older seeding code (same files): the start-up says so, as for an older seed."""
    settings, engine = empty_db
    assert prepare_database(settings, engine).seeded is not None
    before = seed_fingerprint(SEED_DIR)
    monkeypatch.setattr(seeding, "SEEDING_REVISION", seeding.SEEDING_REVISION + 1)
    assert seed_fingerprint(SEED_DIR) != before
    assert prepare_database(settings, engine).seed_outdated
    seed_database(engine, SEED_DIR)  # what `qianfu seed` does
    assert not prepare_database(settings, engine).seed_outdated


def test_seed_on_start_can_be_switched_off(empty_db: tuple[Settings, Engine]) -> None:
    settings, engine = empty_db
    result = prepare_database(settings.model_copy(update={"seed_on_start": False}), engine)
    assert result.seeded is None
    assert _counts(engine)["Service"] == 0


def test_running_app_sees_reseeded_data(empty_db: tuple[Settings, Engine], tmp_path: Path) -> None:
    """Workers cache a snapshot, but a write bumps catalog_version and they reload."""
    from fastapi.testclient import TestClient

    from app.main import create_app

    settings, engine = empty_db
    prepare_database(settings, engine)
    url = "/api/v1/services/preferential-treatment-and-pensions"
    with TestClient(create_app(settings)) as client:
        before = client.get(url).json()["summary"]
        changed = tmp_path / "seed"
        shutil.copytree(SEED_DIR, changed)
        path = changed / "services" / "veterans" / "preferential-treatment-and-pensions.yaml"
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace(f"summary: {before}", "summary: 新的说明。"), encoding="utf-8")
        seed_database(engine, changed)
        assert client.get(url).json()["summary"] == "新的说明。"


def test_attested_standard_items_list_before_unattested_ones(
    empty_db: tuple[Settings, Engine],
) -> None:
    """In one category, a service citing a national-standard item sorts before one that
    cites none (老年人福利补贴 before 老年人健康管理, whose item is not attested)."""
    _, engine = empty_db
    migrate.upgrade(engine)
    seed_database(engine, SEED_DIR)
    with Session(engine) as session:
        ordered = session.exec(
            select(m.Service).where(m.Service.category_code == "13").order_by(m.Service.sort_key)
        ).all()
        cited = {ref.service_code for ref in session.exec(select(m.ServiceStandardRef)).all()}
    codes = [s.code for s in ordered]
    assert codes.index("elderly-welfare-subsidy") < codes.index("elderly-health-management")
    flags = [code in cited for code in codes]
    assert flags == sorted(flags, reverse=True)

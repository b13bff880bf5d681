"""The answer's per-service blocks: shared parts are built once, and never outlive their rules."""

from __future__ import annotations

import dataclasses

from app.eligibility.evaluate import evaluate
from app.eligibility.present import service_json
from tests.eligibility.support import household_of, shipped


def test_a_reloaded_service_is_described_by_its_new_rules() -> None:
    ruleset, regions = shipped()
    case = {"person": {"person.age": 70, "person.employment": "retired"}}
    ev = evaluate(ruleset, regions, household_of(case))
    person_level = next(r for r in ev.results if r.service.person)
    before = service_json(ev, person_level)
    assert before["name"] in before["headline"]
    # The same code and rule file compiled again under another name (a reloaded ruleset).
    renamed = dataclasses.replace(person_level.service, name="改名后的服务")
    after = service_json(ev, dataclasses.replace(person_level, service=renamed))
    assert after["name"] == "改名后的服务"
    assert "改名后的服务" in after["headline"]
    assert [m["status_label"] for m in after["members"]] == [
        m["status_label"] for m in before["members"]
    ]
    # The first service's shared parts are untouched by the second's.
    assert service_json(ev, person_level) == before

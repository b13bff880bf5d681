"""Query parameters parsed as one model: same values, same errors, same documentation."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import pytest
from fastapi import Depends, FastAPI
from fastapi.testclient import TestClient
from pydantic import Field

from app.http_errors import register_error_handlers
from app.query_model import QueryModel, query_dependency, query_openapi


class Colour(StrEnum):
    """A made-up enum for the test route."""

    RED = "red"
    BLUE = "blue"


class Params(QueryModel):
    """A route's parameters: one required, a repeated enum, a bounded int."""

    name: str = Field(min_length=1, max_length=8, description="名称")
    colour: list[Colour] | None = Field(default=None, max_length=2, description="颜色，可重复")
    size: int = Field(default=3, ge=1, le=9, description="大小")


@pytest.fixture
def client() -> TestClient:
    app = FastAPI(openapi_url="/api/openapi.json")
    register_error_handlers(app)

    @app.get("/api/things", openapi_extra=query_openapi(Params))
    async def things(params: Annotated[Params, Depends(query_dependency(Params))]) -> Params:
        return params

    return TestClient(app)


def test_values_repeated_parameters_and_unknown_ones(client: TestClient) -> None:
    response = client.get("/api/things?name=a&colour=red&colour=blue&size=4&other=x")
    assert response.status_code == 200
    assert response.json() == {"name": "a", "colour": ["red", "blue"], "size": 4}
    assert client.get("/api/things?name=a").json() == {"name": "a", "colour": None, "size": 3}


@pytest.mark.parametrize(
    ("query", "code", "field"),
    [
        ("", "missing_parameter", "name"),
        ("name=toolongname1", "invalid_parameter", "name"),
        ("name=a&colour=green", "invalid_parameter", "colour"),
        ("name=a&colour=red&colour=red&colour=blue", "invalid_parameter", "colour"),
        ("name=a&size=10", "invalid_parameter", "size"),
    ],
)
def test_errors_use_the_usual_envelope_without_echo(
    client: TestClient, query: str, code: str, field: str
) -> None:
    response = client.get(f"/api/things?{query}")
    assert response.status_code == 422
    error = response.json()["error"]
    assert (error["code"], error["field"]) == (code, field)
    assert "toolongname1" not in response.text
    assert "green" not in response.text


def test_openapi_lists_each_field_as_a_query_parameter(client: TestClient) -> None:
    operation = client.get("/api/openapi.json").json()["paths"]["/api/things"]["get"]
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert list(parameters) == ["name", "colour", "size"]
    assert [p["required"] for p in parameters.values()] == [True, False, False]
    assert all(p["in"] == "query" for p in parameters.values())
    assert parameters["size"]["description"] == "大小"
    assert parameters["size"]["schema"]["maximum"] == 9
    array = parameters["colour"]["schema"]["anyOf"][0]
    assert array["maxItems"] == 2
    assert array["items"]["enum"] == ["red", "blue"]  # inlined: no dangling $ref
    assert "$ref" not in str(operation["parameters"])

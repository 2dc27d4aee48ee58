"""Halls per city from the demo data, filters, and the vocabulary they use."""

from __future__ import annotations

from pathlib import Path

import yaml
from fastapi.testclient import TestClient

from bot.service_api.catalog import BOOKABLE_SERVICES, CITIES
from bot.service_api.db import Database
from bot.service_api.seed import seed_demo_data
from core.paths import PROJECT_ROOT


def test_demo_data_has_one_or_two_fictional_halls_in_each_city(
    client: TestClient, db: Database
) -> None:
    seed_demo_data(db)
    halls = client.get("/v1/halls").json()["halls"]
    for city in CITIES:
        in_city = [h for h in halls if h["city"] == city]
        assert 1 <= len(in_city) <= 2, city
    assert all(h["name"].startswith("演示") and h["address"] is None for h in halls)
    assert {h["city"] for h in halls} == set(CITIES)


def test_seeding_twice_changes_nothing(client: TestClient, db: Database) -> None:
    first = seed_demo_data(db)
    before = client.get("/v1/halls").json()
    assert seed_demo_data(db) == first
    assert client.get("/v1/halls").json() == before


def test_filter_by_city_accepts_the_name_with_or_without_shi(
    client: TestClient, db: Database
) -> None:
    seed_demo_data(db)
    short = client.get("/v1/halls", params={"city": "大连"}).json()["halls"]
    full = client.get("/v1/halls", params={"city": "大连市"}).json()["halls"]
    assert short == full
    assert len(short) == 2 and {h["city"] for h in short} == {"大连"}


def test_filter_by_service(client: TestClient, db: Database) -> None:
    seed_demo_data(db)
    halls = client.get("/v1/halls", params={"city": "沈阳", "service": "企业开办一件事"}).json()[
        "halls"
    ]
    assert [h["hall_id"] for h in halls] == ["shenyang-01"]
    assert all("企业开办一件事" in [s["service"] for s in h["services"]] for h in halls)


def test_unknown_city_or_service_is_a_422_in_chinese(client: TestClient) -> None:
    response = client.get("/v1/halls", params={"city": "北京"})
    assert response.status_code == 422
    assert response.json()["error"] == "unknown_city"
    assert "沈阳" in response.json()["message"]
    response = client.get("/v1/halls", params={"service": "办护照"})
    assert response.status_code == 422
    assert response.json()["error"] == "unknown_service"


def test_get_one_hall_and_an_unknown_one(client: TestClient, db: Database) -> None:
    seed_demo_data(db)
    hall = client.get("/v1/halls/shenyang-01").json()
    assert hall["city"] == "沈阳" and hall["weekend_service"] is True
    assert {s["service"] for s in hall["services"]} == set(BOOKABLE_SERVICES)
    for hall_id in ("shenyang-99", "NOT A HALL", "a%00b"):
        response = client.get(f"/v1/halls/{hall_id}")
        assert response.status_code == 404
        assert response.json()["error"] == "hall_not_found"


def test_bookable_services_use_the_canonical_names_of_the_knowledge_base() -> None:
    services = yaml.safe_load(Path(PROJECT_ROOT, "knowledge", "services.yml").read_text("utf-8"))
    canonical = {entry["name"] for entry in services["services"]}
    assert set(BOOKABLE_SERVICES) <= canonical

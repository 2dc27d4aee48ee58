"""The knowledge files load and follow docs/facts.md; a mistake names file, entry and reason."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from knowledge.schema import SEED_FILE
from knowledge.store import KnowledgeError, default_entries, load_entries

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"

VALID = {
    "id": "demo.entry",
    "title": "演示条目",
    "kind": "faq",
    "intents": ["hotline_info"],
    "answer": "企业可拨打12345后按8号键。",
    "source": ["001_f60e024cc54de22f.txt"],
    "department": "市营商局",
    "last_reviewed": "2026-11-20",
    "questions": ["企业按几号键", "8号键是什么", "企业专线怎么打"],
}


def write(directory: Path, name: str, entries: list) -> None:
    text = yaml.safe_dump({"topic": "demo", "entries": entries}, allow_unicode=True)
    (directory / name).write_text(text, encoding="utf-8")


def problems(directory: Path) -> list:
    with pytest.raises(KnowledgeError) as caught:
        load_entries(directory)
    return caught.value.problems


def test_the_shipped_knowledge_base_is_valid_and_large_enough() -> None:
    entries = default_entries()
    assert len(entries) >= 60
    for entry in entries:
        assert entry.source, entry.id
        assert len(entry.questions) >= 3, entry.id


def test_every_guidance_and_legal_intent_has_entries() -> None:
    from knowledge.labels import GUIDANCE_INTENTS, LEGAL_INTENTS

    covered = {intent for entry in default_entries() for intent in entry.intents}
    assert set(GUIDANCE_INTENTS + LEGAL_INTENTS) <= covered


def test_seed_sources_name_real_files() -> None:
    if not SEEDS.exists():
        pytest.skip("shared/seeds is not beside this checkout")
    for entry in default_entries():
        for source in entry.source:
            if SEED_FILE.match(source):
                assert (SEEDS / source).exists(), f"{entry.id}: {source}"


def test_legal_entries_cite_a_law() -> None:
    for entry in default_entries():
        if entry.kind.value == "legal":
            assert entry.legal_basis or any("《" in s for s in entry.source), entry.id


def test_valid_file_loads(tmp_path: Path) -> None:
    write(tmp_path, "demo.yml", [VALID])
    assert [e.id for e in load_entries(tmp_path)] == ["demo.entry"]


def test_missing_source_is_reported_with_file_and_entry(tmp_path: Path) -> None:
    entry = {k: v for k, v in VALID.items() if k != "source"}
    write(tmp_path, "demo.yml", [entry])
    (problem,) = problems(tmp_path)
    assert problem.startswith("demo.yml: entry demo.entry: source:")


def test_invented_local_phone_number_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "demo.yml", [{**VALID, "answer": "请拨打0427-2812345咨询。"}])
    assert any("0427-2812345" in p for p in problems(tmp_path))


def test_duplicate_ids_and_questions_across_files(tmp_path: Path) -> None:
    write(tmp_path, "a.yml", [VALID])
    write(tmp_path, "b.yml", [VALID])
    found = problems(tmp_path)
    assert any("b.yml: entry demo.entry: id already used in a.yml" in p for p in found)
    assert any("sample question" in p and "repeats demo.entry" in p for p in found)


def test_unknown_intent_and_service_are_reported(tmp_path: Path) -> None:
    write(tmp_path, "demo.yml", [{**VALID, "intents": ["weather"], "service": "不存在的事项"}])
    found = problems(tmp_path)
    assert any("intent 'weather' is not in docs/intents.md" in p for p in found)
    assert any("service '不存在的事项' is not in knowledge/services.yml" in p for p in found)


def test_too_few_sample_questions(tmp_path: Path) -> None:
    write(tmp_path, "demo.yml", [{**VALID, "questions": ["企业按几号键"]}])
    (problem,) = problems(tmp_path)
    assert problem.startswith("demo.yml: entry demo.entry: questions:")


def test_broken_yaml_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "broken.yml").write_text("topic: x\nentries: [\n", encoding="utf-8")
    (problem,) = problems(tmp_path)
    assert problem.startswith("broken.yml: not valid YAML")


def test_vocabulary_files_name_their_sources(tmp_path: Path) -> None:
    from knowledge.store import KNOWLEDGE_DIR, VOCABULARY_FILES, unsourced_vocabulary

    assert unsourced_vocabulary() == []
    for name in VOCABULARY_FILES:
        data = yaml.safe_load((KNOWLEDGE_DIR / name).read_text(encoding="utf-8"))
        if name == "places.yml":
            data.pop("source")
        (tmp_path / name).write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert unsourced_vocabulary(tmp_path) == [
        "knowledge/places.yml: no `source:` list naming where its words come from"
    ]

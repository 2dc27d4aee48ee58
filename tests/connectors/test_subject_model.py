"""The fitted call-subject model: its file, its scores, and the call's mechanics around it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, List, Sequence, Tuple

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from connectors.hotline import subject
from connectors.hotline.subject_model import (
    FEATURES,
    MODEL_FILE,
    SubjectModel,
    char_ngrams,
    default_model,
    load_model,
)

Ranking = Sequence[Tuple[str, float]]

# A few lines per category, worded as callers say them: enough for a real fit in a test.
LINES = {
    "credit_repair": [
        "公司进了经营异常名录咋移出来",
        "被列入异常名录了怎么修复信用",
        "信用修复要啥材料",
    ],
    "driver_license": ["驾照快到期了咋换证", "驾驶证丢了怎么补", "驾照扣满十二分了咋办"],
    "social_security": ["社保断缴了能补交吗", "公司给员工交社保咋增员", "社保卡丢了怎么补办"],
}


def small_model() -> SubjectModel:
    """A model fitted with scikit-learn on LINES, as bench/fit_call_subject.py fits one."""
    texts = [t for lines in LINES.values() for t in lines]
    labels = [c for c, lines in LINES.items() for _ in lines]
    vectorizer = TfidfVectorizer(analyzer=char_ngrams)
    x = vectorizer.fit_transform(texts).toarray()
    names: Dict[str, List[str]] = {
        "intents": ["credit_repair", "driver_license", "social_security"],
        "categories": list(LINES),
        "units": ["market_regulation"],
        "kinds": ["ask", "detail"],
    }
    dense = np.zeros((len(texts), 3 + 3 + 1 + 2))
    classifier = LogisticRegression(C=10.0, max_iter=1000).fit(np.hstack([x, dense]), labels)
    return SubjectModel(
        {
            "features": list(FEATURES),
            "classes": list(classifier.classes_),
            "vocabulary": {g: int(i) for g, i in vectorizer.vocabulary_.items()},
            "idf": vectorizer.idf_.tolist(),
            **names,
            "weights": classifier.coef_.tolist(),
            "intercept": classifier.intercept_.tolist(),
            "share": 1.0,
            "opening": 2.0,
        }
    )


def test_the_stored_model_loads_with_its_features() -> None:
    model = load_model(MODEL_FILE)
    assert model is not None
    assert "credit_repair" in model.classes and subject.CASE_URGE in model.classes
    assert 0 < model.share <= 1 and model.opening > 0


def test_a_file_fitted_on_other_features_is_refused(tmp_path: Path) -> None:
    data: Dict[str, Any] = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    data["features"] = [*FEATURES, "another"]
    path = tmp_path / "model.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert load_model(path) is None
    assert load_model(tmp_path / "missing.json") is None


def test_weights_that_do_not_fit_the_vocabulary_are_an_error() -> None:
    data = small_model().to_data()
    data["weights"] = [row[:-1] for row in data["weights"]]
    with pytest.raises(ValueError):
        SubjectModel(data)


def test_the_tfidf_vector_is_scikit_learns() -> None:
    texts = [t for lines in LINES.values() for t in lines]
    vectorizer = TfidfVectorizer(analyzer=char_ngrams).fit(texts)
    model = small_model()
    for text in ["驾照到期了 怎么换", "异常名录移出", "完全无关的话"]:
        expected = vectorizer.transform([text]).toarray()[0]
        assert np.allclose(model.tfidf(text), expected)


def test_scores_are_a_distribution_led_by_the_lines_matter() -> None:
    model = small_model()
    features = model.features("我驾照丢了想补一个", [], [], {}, "ask")
    probabilities = model.probabilities(features)
    assert probabilities.sum() == pytest.approx(1.0)
    assert model.ranked(features)[0][0] == "driver_license"


def test_the_written_file_scores_as_the_fitted_model(tmp_path: Path) -> None:
    model = small_model()
    path = tmp_path / "subject_model.json"
    model.write(path)
    read = load_model(path)
    assert read is not None
    for text in ["社保怎么补交", "经营异常名录", "驾驶证换证"]:
        a = model.probabilities(model.features(text, [], [], {}, "ask"))
        b = read.probabilities(read.features(text, [], [], {}, "ask"))
        assert np.allclose(a, b, atol=1e-3)


def test_without_a_model_a_line_keeps_the_hand_set_evidence() -> None:
    reading = subject.read_evidence("驾照快到期了咋换证", [("driver_license", 0.8)])
    assert subject.with_fitted(reading, "驾照快到期了咋换证", None).fitted == []
    assert reading.evidence == {"driver_license": 0.8}


def test_the_model_reads_a_catch_all_line_by_its_words() -> None:
    model = small_model()
    text = "我驾照扣满了,咋整"
    reading = subject.with_fitted(subject.read_evidence(text, [("out_of_scope", 0.9)]), text, model)
    assert max(reading.evidence, key=reading.evidence.__getitem__) == "driver_license"


# The mechanics of the call with the stored model reading its lines (subject.read_line).


def readings(*lines: Tuple[str, Ranking]) -> List[subject.LineReading]:
    return [subject.read_line(text, ranking) for text, ranking in lines]


OPENING = ("俺们公司让市场监管给弄进经营异常名录了,咋能弄出来", [("credit_repair", 0.7)])


def test_the_stored_model_reads_the_lines() -> None:
    assert default_model() is not None
    call = readings(OPENING)
    assert call[0].fitted and call[0].fitted[0][0] == "credit_repair"


def test_details_do_not_flip_the_opening_purpose() -> None:
    call = readings(
        OPENING,
        ("去年那个年报忘了报了", [("social_security", 0.6)]),
        ("下个月要签个大合同", [("legal_question", 0.9)]),
        ("员工社保都是正常交的", [("social_security", 0.9)]),
    )
    assert [r.kind for r in call[1:]] == ["detail", "detail", "detail"]
    assert subject.subject(call) == "credit_repair"


def test_a_clear_change_of_subject_moves_the_category() -> None:
    call = readings(
        OPENING,
        ("对了,还有个事,俺驾照下个月到期,在哪换", [("driver_license", 0.9)]),
        ("要体检不", [("out_of_scope", 0.5)]),
    )
    assert call[1].kind == "switch"
    assert subject.subject(call) == "driver_license"


def test_a_chase_still_decides_its_part() -> None:
    call = readings(
        ("上个月打电话反映的那个事到现在也没人管", [("business_complaint", 0.6)]),
        ("就是执照变更卡住那个", [("business_registration", 0.8)]),
    )
    assert call[0].kind == "chase"
    assert subject.subject(call) == subject.CASE_URGE


def test_the_agents_pin_wins_over_the_model() -> None:
    call = readings(OPENING)
    assert subject.subject(call, pinned="legal_aid") == "legal_aid"

"""NLU-only training of our config on chosen data, and k-fold cross-validation with it.

Each fold trains the full pipeline of config.yml (only the epochs can be reduced, for quick
checks), so three folds take several times one training: this runs in `make nlu-report`,
never in `make test`.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

import yaml

from bot.nlu.evaluate import Prediction, Report, agent_parser, load_examples, predict, score
from core.paths import PROJECT_ROOT

CONFIG = PROJECT_ROOT / "config.yml"
NLU_DATA = PROJECT_ROOT / "data" / "nlu"
DEFAULT_FOLDS = 3


def config_with_epochs(config: Path, epochs: Optional[int], directory: Path) -> Path:
    """`config` itself, or a copy whose DIETClassifier trains for `epochs` epochs."""
    if not epochs:
        return config
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    for component in data.get("pipeline") or []:
        if component.get("name") == "DIETClassifier":
            component["epochs"] = epochs
    copy = directory / f"{config.stem}-{epochs}-epochs.yml"
    copy.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return copy


def train_nlu_model(config: Path, nlu_data: Path, out_dir: Path, name: str = "nlu") -> Path:
    """Train an NLU-only model on `nlu_data` (a file or a directory); returns the archive."""
    from rasa.model_training import train_nlu

    result = train_nlu(str(config), str(nlu_data), str(out_dir), fixed_model_name=name)
    if not result:
        raise RuntimeError(f"NLU training on {nlu_data} produced no model")
    return Path(result)


def _quiet() -> None:
    """Training leaves Rasa logging at debug level: one line per parsed message otherwise."""
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)
    logging.getLogger("rasa").setLevel(logging.WARNING)


def parse_texts(model: Path, texts: Sequence[str]) -> List[Dict[str, Any]]:
    _quiet()
    parse = agent_parser(model)
    return [parse(text) for text in texts]


def _write(training_data: Any, path: Path) -> Path:
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLWriter

    path.write_text(RasaYAMLWriter().dumps(training_data), encoding="utf-8")
    return path


def cross_validate(
    folds: int = DEFAULT_FOLDS,
    config: Path = CONFIG,
    nlu_data: Path = NLU_DATA,
    epochs: Optional[int] = None,
    seed: int = 7,
) -> Report:
    """Stratified k-fold cross-validation; every example is predicted by a model not trained
    on it, and the predictions of all folds are scored together."""
    from rasa.shared.nlu.training_data.loading import load_data
    from rasa.shared.nlu.training_data.training_data import TrainingData
    from sklearn.model_selection import StratifiedKFold

    data = load_data(str(nlu_data))
    examples = data.intent_examples
    labels = [m.get("intent") for m in examples]
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    predictions: List[Prediction] = []
    with tempfile.TemporaryDirectory(prefix="nlu-cv-") as tmp:
        work = Path(tmp)
        fold_config = config_with_epochs(config, epochs, work)
        for fold, (train_idx, test_idx) in enumerate(splitter.split(examples, labels), 1):
            print(f"==> cross-validation fold {fold}/{folds}", flush=True)
            train = TrainingData(
                training_examples=[examples[i] for i in train_idx],
                entity_synonyms=data.entity_synonyms,
                regex_features=data.regex_features,
                lookup_tables=data.lookup_tables,
            )
            test = TrainingData(training_examples=[examples[i] for i in test_idx])
            train_file = _write(train, work / f"train-{fold}.yml")
            test_file = _write(test, work / f"test-{fold}.yml")
            model = train_nlu_model(fold_config, train_file, work, name=f"fold-{fold}")
            _quiet()
            parse = agent_parser(model)
            predictions += [predict(example, parse) for example in load_examples(test_file)]
            model.unlink()
    return score(predictions)

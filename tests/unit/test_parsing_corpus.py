"""The parser on whole corpora, scored like ../shared/nlp/score.py: field-level F1 and the share of
messages parsed without any error (confidence bands included)."""
from __future__ import annotations

import importlib.util
import json
from collections.abc import Callable
from pathlib import Path

import pytest

NLP_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "nlp"
OWN_CASES = Path(__file__).resolve().parent / "parser_cases.jsonl"
MIN_F1 = 0.97
MIN_EXACT = 0.85

# --- the scorer's field comparison: score.py's own functions when the team folder is there --------

QUALITY_KEYS = ("stapleMm", "micronaire", "strengthGpt", "trashPct", "moisturePct", "rd", "plusB")


def _flatten(record: dict) -> dict:
    """Copy of score.py's flatten, for when the team folder is absent."""
    record = record or {}
    flat = {key: record.get(key) for key in
            ("side", "commodity", "variety", "grade", "deliveryDays", "paymentDays", "bargainType")}
    quantity, price, location = (record.get(key) or {} for key in ("quantity", "price", "location"))
    flat.update({"quantity.value": quantity.get("value"), "quantity.unit": quantity.get("unit"),
                 "price.amount": price.get("amount"), "price.maxAmount": price.get("maxAmount"),
                 "price.unit": price.get("unit"), "location.station": location.get("station"),
                 "location.state": location.get("state")})
    quality = record.get("quality") or {}
    for key in QUALITY_KEYS:
        bounds = quality.get(key) or {}
        flat[f"quality.{key}.min"] = bounds.get("min")
        flat[f"quality.{key}.max"] = bounds.get("max")
    return flat


def _same(expected, predicted) -> bool:
    """Copy of score.py's same."""
    if isinstance(expected, (int, float)) and isinstance(predicted, (int, float)):
        return abs(float(expected) - float(predicted)) <= 0.01
    if isinstance(expected, str) and isinstance(predicted, str):
        return expected.strip().casefold() == predicted.strip().casefold()
    return expected == predicted


def _scorer() -> tuple[Callable[[dict], dict], Callable[[object, object], bool]]:
    path = NLP_DIR / "score.py"
    if not path.exists():
        return _flatten, _same
    spec = importlib.util.spec_from_file_location("nlp_score", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.flatten, module.same


def score(cases: list[dict]) -> tuple[float, float, list[str]]:
    """(F1, exact share, misses) with score.py's counting: a right value is a true positive, a missing
    one a false negative, an extra one a false positive, a wrong one both; a confidence outside the
    case's band makes the message inexact."""
    from functions.tradedesk.parsing import parse_message

    flatten, same = _scorer()
    tp = fp = fn = exact = 0
    misses: list[str] = []
    for case in cases:
        predicted = parse_message(case["text"]).model_dump(by_alias=True, mode="json")
        want, got = flatten(case["expected"]), flatten(predicted)
        errors = []
        for field, value in want.items():
            guess = got[field]
            if value is None and guess is None:
                continue
            if value is not None and guess is not None and same(value, guess):
                tp += 1
                continue
            fn += value is not None
            fp += guess is not None
            errors.append(f"{field}: expected {value!r}, got {guess!r}")
        band = case.get("confidence")
        confidence = predicted["confidence"]
        if (band == "low" and confidence >= 0.5) or (band == "high" and confidence < 0.8):
            errors.append(f"confidence: expected {band}, got {confidence}")
        if errors:
            misses.append(f"{case['text']!r}: " + "; ".join(errors))
        else:
            exact += 1
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return f1, exact / max(len(cases), 1), misses


def load(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def check(cases: list[dict]) -> None:
    f1, exact, misses = score(cases)
    report = "\n".join(misses)
    assert f1 >= MIN_F1, f"F1 {f1:.3f} < {MIN_F1}\n{report}"
    assert exact >= MIN_EXACT, f"exact share {exact:.1%} < {MIN_EXACT:.0%}\n{report}"


def test_dev_corpus():
    if not (NLP_DIR / "dev.jsonl").exists():
        pytest.skip(f"team folder with the NLP dev corpus not found at {NLP_DIR}")
    cases = load(NLP_DIR / "dev.jsonl")
    assert len(cases) >= 40
    check(cases)


def test_own_held_out_cases():
    cases = load(OWN_CASES)
    assert len(cases) >= 40
    check(cases)


def test_scoring_penalises_a_wrong_parse():
    """The scoring itself can fail: a case whose expectation is wrong scores below the bar."""
    case = load(OWN_CASES)[0]
    wrong = {**case, "expected": {**case["expected"], "side": "BUY", "price": None, "variety": "J-34"}}
    f1, exact, misses = score([wrong])
    assert exact == 0.0 and f1 < MIN_F1 and len(misses) == 1


def test_local_copy_matches_the_team_scorer():
    if not (NLP_DIR / "score.py").exists():
        pytest.skip(f"team folder with score.py not found at {NLP_DIR}")
    flatten, same = _scorer()
    for case in load(OWN_CASES):
        assert _flatten(case["expected"]) == flatten(case["expected"])
    for pair in ((1, 1.005), (1, 1.02), ("A", " a"), (None, 0), ("BUY", None)):
        assert _same(*pair) == same(*pair)

"""The benchmark's arithmetic and answers: pure functions, no database, no server."""

import random

from clinic_coder.benchmark.report import Row, percentile, table
from clinic_coder.benchmark.seed import typical_answer
from clinic_coder.coding.types import ClaimLine

KEY = (
    ClaimLine("98940", None, 1, frozenset({"AT"}), sources=(0,)),
    ClaimLine("97140", 12, 1, frozenset({"GP", "59"}), sources=(1,)),
)


def test_it_takes_the_nearest_rank_percentile():
    values = [float(n) for n in range(1, 21)]

    assert percentile(values, 50) == 10.0
    assert percentile(values, 95) == 19.0
    assert percentile([7.0], 95) == 7.0


def test_it_prints_the_ratio_to_the_baseline_p95():
    rows = [
        Row("healthz (baseline)", None, [0.002, 0.004], 0, 0),
        Row("gradebook", 300, [0.1, 0.2], 7, 0),
    ]

    lines = table(rows, baseline_p95=0.004).splitlines()

    assert lines[0].split() == [
        "page",
        "students",
        "n",
        "p50",
        "ms",
        "p95",
        "ms",
        "ratio",
        "queries",
    ]
    assert lines[2].split()[-2:] == ["1.0x", "0"]
    assert lines[3].split() == ["gradebook", "300", "2", "100", "200", "50x", "7"]


def test_it_answers_the_key_right_about_half_the_time_and_otherwise_slips_once():
    rng = random.Random(1)
    key = [ClaimLine(line.code, line.minutes, line.units, line.modifiers) for line in KEY]

    answers = [typical_answer(KEY, rng) for _ in range(400)]

    right = sum(answer == key for answer in answers)
    assert 150 < right < 250
    for answer in answers:
        assert len(answer) == len(key)
        assert sum(given != expected for given, expected in zip(answer, key, strict=True)) <= 1


def test_it_makes_the_same_answers_from_the_same_seed():
    first, again = random.Random(7), random.Random(7)

    assert [typical_answer(KEY, first) for _ in range(20)] == [
        typical_answer(KEY, again) for _ in range(20)
    ]

import ast
from pathlib import Path

import pytest

from clinic_coder.coding.rules import RULES, finding
from clinic_coder.coding.skills import SKILLS, skill_for_family

PACKAGE = Path(__file__).resolve().parent.parent
SOURCES = sorted(p for p in PACKAGE.glob("*.py"))


def _rule_ids_in_source() -> set[str]:
    """Every string literal in the engine that looks like a rule id and names one."""
    ids = set()
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                ids.add(node.value)
    return ids & set(RULES)


def test_it_gives_every_rule_a_title_explanation_source_and_skill() -> None:
    for rule in RULES.values():
        assert rule.title and rule.explanation and rule.source, rule.id
        assert rule.skill in SKILLS, rule.id
        assert rule.explanation.isascii() and rule.title.isascii(), rule.id


def test_it_uses_every_registered_rule() -> None:
    # A rule nobody cites is dead text that students would never see.
    assert _rule_ids_in_source() == set(RULES)


def test_it_cites_the_source_of_each_domain_rule() -> None:
    assert "ch. 5, section 20.2" in RULES["cms-8-minute-rule"].source
    assert "NCCI" in RULES["ncci-cmt-97140"].source
    assert "Soft-Tissue" in RULES["never-97112-for-soft-tissue"].source


def test_it_refuses_a_finding_for_an_unregistered_rule() -> None:
    with pytest.raises(KeyError):
        finding("no-such-rule", "text")


def test_it_labels_every_skill_of_the_brief() -> None:
    brief = {
        "code-choice-massage",
        "code-choice-manual-therapy",
        "code-choice-neuromuscular",
        "code-choice-exercise",
        "code-choice-modalities",
        "code-choice-cmt",
        "code-choice-em",
        "units-cms",
        "units-per-code",
        "untimed-codes",
        "bundling-cmt",
        "bundling-therapy",
        "modifiers",
        "medicare-chiro",
        "em-with-cmt",
    }
    assert brief <= set(SKILLS)
    assert all(SKILLS.values())


def test_it_maps_code_families_to_code_choice_skills() -> None:
    assert skill_for_family("manual-therapy") == "code-choice-manual-therapy"
    assert skill_for_family("a-clinic-family") == "code-choice-clinic"


def test_it_imports_nothing_from_django() -> None:
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            assert not any(name.split(".")[0] == "django" for name in names), path.name

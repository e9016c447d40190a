"""axe-core scans for browser tests. Pages must have no serious or critical violation."""

from axe_playwright_python.sync_playwright import Axe

_axe = Axe()


def serious_violations(page) -> list[tuple[str, list]]:
    """The serious and critical violations on the page as it is now, with where they are."""
    violations = _axe.run(page).response["violations"]
    return [
        (v["id"], [node["target"] for node in v["nodes"]][:5])
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]


def scan(page, paths) -> dict[str, list]:
    """Open each path and collect its violations; an empty dict means every page passed."""
    problems = {}
    for path in paths:
        page.goto(path)
        if found := serious_violations(page):
            problems[path] = found
    return problems

"""axe-core scans for browser tests. Pages must have no serious or critical violation."""

from axe_playwright_python.base import AXE_SCRIPT

RUN = "() => window.axe ? axe.run({resultTypes: ['violations']}) : null"


def load_axe_in_every_page(context) -> None:
    """Have axe ready in each page the context opens: sending its half a megabyte of script
    to the page at every scan made a walk over many pages a fifth slower."""
    context.add_init_script(script=AXE_SCRIPT)


def serious_violations(page) -> list[tuple[str, list]]:
    """The serious and critical violations on the page as it is now, with where they are."""
    results = page.evaluate(RUN)
    if results is None:
        page.evaluate(AXE_SCRIPT)
        results = page.evaluate(RUN)
    return [
        (v["id"], [node["target"] for node in v["nodes"]][:5])
        for v in results["violations"]
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

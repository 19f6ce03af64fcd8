"""axe-core in the page under test: the accessibility violations a person would meet.

axe-core comes from npm (tests/browser/package.json, installed by `make test`); its script is
added to the page and run there, in Chromium. Only serious and critical violations fail a test.
"""

import json
from pathlib import Path
from typing import Any

import pytest

AXE_SCRIPT = Path(__file__).with_name("node_modules") / "axe-core" / "axe.min.js"
FAILING_IMPACTS = ("serious", "critical")
WIDTHS = (1280, 390)  # a laptop and a phone


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Serious and critical violations on the page as it is now (WCAG 2.x A and AA rules)."""
    if not AXE_SCRIPT.exists():
        pytest.fail(f"{AXE_SCRIPT} is missing: `make test` installs it (npm ci in tests/browser)")
    page.add_script_tag(path=str(AXE_SCRIPT))
    result = page.evaluate(
        """() => axe.run(document, {runOnly: {type: "tag",
             values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}})"""
    )
    return [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "nodes": [node["target"] for node in violation["nodes"]][:5],
        }
        for violation in result["violations"]
        if violation["impact"] in FAILING_IMPACTS
    ]


def assert_accessible(page: Any) -> None:
    violations = axe_violations(page)
    assert violations == [], json.dumps(violations, indent=2)

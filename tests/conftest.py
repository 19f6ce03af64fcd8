"""Fixtures shared by the whole suite. Each group of fixtures lives in tests/fixtures/."""

pytest_plugins = [
    "tests.fixtures.simulator",
    "tests.fixtures.accounts",
    "tests.fixtures.hooks",
    "tests.fixtures.browser",
    "tests.fixtures.candidates",
]

"""Where the project's shared reference material lies: `../shared` beside the checkout, as for
developers and CI alike (a fresh clone anywhere finds it)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
KAZOO_EXAMPLES = SHARED / "kazoo" / "examples"

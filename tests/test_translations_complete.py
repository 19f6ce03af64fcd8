"""Every translation complete (issue 18): each .po file of every `locale` directory of the project,
the project's own and any app's, has every message translated, none fuzzy, and each translation
keeps exactly the placeholders of its English.

Read with a small parser of the .po format (what makemessages writes): no dependency for it.
"""

import ast
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
SKIPPED_DIRS = {".venv", "node_modules", ".git", "zapier"}
# %(name)s, %(count)d, %s, %d, {name}, {}; "%%" is a plain percent sign.
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0


def parse_po(text: str) -> list[Entry]:
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[str, int] | None = None
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line:  # a blank line ends an entry
            entry = None
            continue
        if line.startswith("#~"):  # obsolete: makemessages keeps them, nothing uses them
            continue
        if entry is None:
            entry = Entry(line=number)
            entries.append(entry)
        if line.startswith("#,"):
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith("msgctxt "):
            target = None
        elif line.startswith("msgid_plural "):
            entry.msgid_plural, target = "", ("msgid_plural", 0)
            entry.msgid_plural += ast.literal_eval(line.split(" ", 1)[1])
        elif line.startswith("msgid "):
            entry.msgid, target = ast.literal_eval(line.split(" ", 1)[1]), ("msgid", 0)
        elif match := re.match(r"msgstr(?:\[(\d+)\])? (.*)", line):
            index = int(match.group(1) or 0)
            entry.msgstr[index], target = ast.literal_eval(match.group(2)), ("msgstr", index)
        elif line.startswith('"') and target is not None:
            more = ast.literal_eval(line)
            kind, index = target
            if kind == "msgid":
                entry.msgid += more
            elif kind == "msgid_plural":
                entry.msgid_plural = (entry.msgid_plural or "") + more
            else:
                entry.msgstr[index] += more
    return entries


def po_files() -> list[Path]:
    return sorted(
        path
        for path in ROOT.glob("**/locale/*/LC_MESSAGES/*.po")
        if not SKIPPED_DIRS & set(path.relative_to(ROOT).parts)
    )


def placeholders(text: str) -> Counter:
    return Counter(PLACEHOLDER.findall(text.replace("%%", "")))


def test_the_project_has_a_catalogue_for_every_language_but_english():
    languages = {path.parts[-3] for path in (ROOT / "locale").glob("*/LC_MESSAGES/django.po")}
    assert languages == {code for code, _ in settings.LANGUAGES} - {settings.LANGUAGE_CODE}


@pytest.mark.parametrize("path", po_files(), ids=lambda path: str(path.relative_to(ROOT)))
def test_every_message_is_translated_and_keeps_its_placeholders(path):
    entries = [entry for entry in parse_po(path.read_text(encoding="utf-8")) if entry.msgid]
    assert entries, f"{path} has no messages"
    problems = []
    for entry in entries:
        where = f"line {entry.line}: {entry.msgid!r}"
        if "fuzzy" in entry.flags:
            problems.append(f"{where} is fuzzy")
        forms = entry.msgstr or {0: ""}
        for index, translation in sorted(forms.items()):
            english = entry.msgid if index == 0 or entry.msgid_plural is None else entry.msgid_plural
            if not translation.strip():
                problems.append(f"{where} is not translated (form {index})")
            elif placeholders(translation) != placeholders(english):
                problems.append(f"{where}: placeholders of {translation!r} differ")
    assert problems == []


def test_the_parser_reads_plural_forms_flags_and_continued_lines():
    text = (
        'msgid ""\nmsgstr ""\n"Language: de\\n"\n\n'
        '#, fuzzy, python-format\nmsgid "%(n)d hour"\nmsgid_plural ""\n"%(n)d hours"\n'
        'msgstr[0] "%(n)d Stunde"\nmsgstr[1] "%(n)d "\n"Stunden"\n\n'
        '#~ msgid "gone"\n#~ msgstr "weg"\n'
    )
    header, hours = parse_po(text)
    assert header.msgid == "" and header.msgstr[0] == "Language: de\n"
    assert (hours.msgid, hours.msgid_plural) == ("%(n)d hour", "%(n)d hours")
    assert hours.msgstr == {0: "%(n)d Stunde", 1: "%(n)d Stunden"}
    assert hours.flags == {"fuzzy", "python-format"}
    assert placeholders("{name} %(n)d %s 100%%") == Counter({"{name}": 1, "%(n)d": 1, "%s": 1})

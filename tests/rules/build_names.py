"""Build the name lexicons of the checks: ``python -m tests.rules.build_names``.

Run by hand, never imported by the checks; its output in ``workflows/rules/data/`` is committed,
so neither a worker nor CI needs Faker or the word list.

Why: a blame check must know that "Iyer", "Ngozi" or "Oksana" is a person when nobody listed the
responders, and that "Will", "Max" or "Rose" may be an ordinary word. A hand-made list covers the
names its author thought of; the person providers of Faker (MIT licence, ~80 locales, names as
people there write them) cover the cultures a team is made of. Names in Cyrillic are transliterated
(the common English romanisation: "Оксана" -> "oksana"); names in other scripts are left out, since
text in those scripts names people in that script.

Which names are ordinary words: a folded name that the Debian ``wamerican`` list (SCOWL, permissive
licence; ``apt-get install wamerican``) spells in lower case is an ordinary word ("will", "grant",
"hung", "long"), and the checks count it as a name only when it is written as one. Names of one or
two letters, and names of well-known systems (``systems.txt``), are left out.

Family names (``family_names.txt``) come from the same providers, less every ordinary word, given
name, system and word of the checks' lexicons: "Tanaka's change", "Kowalczyk merged it" name a
person; "Baker", "Long" or "Green" are left to the given-name rules.

Needs ``pip install faker`` (any recent version; the one used is written in the file header).
The output is deterministic for a given Faker version: sorted, one name a line.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import unicodedata
from pathlib import Path
from typing import Any

__all__ = ["main"]

DATA = Path(__file__).resolve().parents[2] / "workflows" / "rules" / "data"
WORDS = Path("/usr/share/dict/american-english")

_CYRILLIC = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюяієїґў",
        [
            "a",
            "b",
            "v",
            "g",
            "d",
            "e",
            "e",
            "zh",
            "z",
            "i",
            "y",
            "k",
            "l",
            "m",
            "n",
            "o",
            "p",
            "r",
            "s",
            "t",
            "u",
            "f",
            "kh",
            "ts",
            "ch",
            "sh",
            "shch",
            "_",
            "y",
            "_",
            "e",
            "yu",
            "ya",
            "i",
            "ye",
            "yi",
            "g",
            "u",
        ],
        strict=True,
    )
)


def fold(word: str) -> str:
    low = word.casefold().replace("\u2019", "'")
    decomposed = unicodedata.normalize("NFKD", low)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def transliterate(word: str) -> str:
    out = []
    for ch in word:
        t = _CYRILLIC.get(ch)
        out.append(ch if t is None else ("" if t == "_" else t))
    return "".join(out)


def usable(name: str) -> str | None:
    """The folded name if it is written in Latin letters (after transliteration), else None."""
    low = fold(transliterate(fold(name)))
    bare = low.replace("-", "").replace("'", "")
    if len(bare) < 3 or not bare.isascii() or not bare.isalpha():
        return None
    return low


def faker_names(part: str = "first") -> tuple[set[str], str]:
    """Every name of the providers' lists whose attribute names ``part`` ("first" or "last"):
    ``first_names_female``, ``male_last_names``, ``last_names_hinduism``… (locales name them
    differently)."""
    # Imported by name: Faker is a tool of this script, not a dependency of the project.
    faker: Any = importlib.import_module("faker")
    person: Any = importlib.import_module("faker.providers.person")

    names: set[str] = set()
    for info in pkgutil.iter_modules(person.__path__):
        provider: Any = importlib.import_module(f"{person.__name__}.{info.name}").Provider
        for attr in dir(provider):
            if part not in attr or "name" not in attr or "pair" in attr or attr.startswith("_"):
                continue
            value = getattr(provider, attr, None)
            if not isinstance(value, list | tuple | dict):
                continue
            for raw in value:
                if isinstance(raw, str):
                    folded = usable(raw)
                    if folded:
                        names.add(folded)
    return names, str(faker.VERSION)


def ordinary_words() -> set[str]:
    out: set[str] = set()
    for line in WORDS.read_text(encoding="utf-8").splitlines():
        word = line.strip()
        if word and word[0].islower() and "'" not in word:
            out.add(fold(word))
    return out


def read_words(name: str) -> set[str]:
    out: set[str] = set()
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        out.update(fold(w) for w in line.split("#", 1)[0].split())
    return out


def lexicon_words() -> set[str]:
    """Every word the checks' own lexicons name (a family name must not be one of them)."""
    out: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, str):
            out.update(fold(w) for w in value.replace("|", " ").split())
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    for name in ("blame.json", "smart.json", "root_cause.json", "words.json"):
        walk(json.loads((DATA / name).read_text(encoding="utf-8")))
    return out


def main() -> int:
    names, version = faker_names()
    names |= read_words("first_names.txt")
    names -= read_words("systems.txt")
    words = ordinary_words()
    ordinary = sorted(n for n in names if n in words)
    header = (
        f"# Given names from Faker {version}'s person providers (MIT) and first_names.txt, folded;\n"
        "# written by python -m tests.rules.build_names. Do not edit: edit the script.\n"
    )
    (DATA / "given_names.txt").write_text(
        header + "\n".join(sorted(names)) + "\n", encoding="utf-8"
    )
    (DATA / "given_names_ordinary.txt").write_text(
        header.replace("Given names", "Given names that the wamerican list spells in lower case")
        + "\n".join(ordinary)
        + "\n",
        encoding="utf-8",
    )
    # Family names: only those that are no ordinary word and no given name (a family name that is
    # a word, "Baker", "Long", "Green", is too often the word to count as a person by itself).
    family, _ = faker_names("last")
    family = family - words - names - read_words("systems.txt") - lexicon_words()
    (DATA / "family_names.txt").write_text(
        header.replace(
            "Given names", "Family names that are no ordinary word or given name"
        ).replace("and first_names.txt, ", "")
        + "\n".join(sorted(family))
        + "\n",
        encoding="utf-8",
    )
    print(f"{len(names)} given names, {len(ordinary)} of them ordinary words")
    print(f"{len(family)} family names")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

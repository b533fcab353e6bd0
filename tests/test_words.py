"""The words of the interface: one catalogue per language, so that a new language is one file."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path


from .conftest import ROOT

WORDS = ROOT / "heritage_kg" / "languages"
#: Renders pages in-process with the catalogues of HERITAGE_KG_WORDS (read when the server's
#: modules are imported, so each test runs it in a fresh interpreter).
RENDER = """
import json, sys
from pathlib import Path
from starlette.testclient import TestClient
from heritage_kg.project import Project
from heritage_kg.server.app import create_app

if __name__ == "__main__":
    with TestClient(create_app(Project(Path(sys.argv[1])))) as client:
        print(json.dumps({url: client.get(url).text for url in sys.argv[2:]}))
"""


def _render(words: Path, *urls: str) -> dict[str, str]:
    import json

    done = subprocess.run([sys.executable, "-c", RENDER, str(ROOT), *urls], capture_output=True, text=True,
                          env=dict(os.environ, HERITAGE_KG_WORDS=str(words)), timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def test_every_catalogue_has_the_keys_of_the_english_one():
    english = tomllib.loads((WORDS / "en.toml").read_text(encoding="utf-8"))
    for path in WORDS.glob("*.toml"):
        words = tomllib.loads(path.read_text(encoding="utf-8"))
        missing = sorted(english.keys() - words.keys())
        assert not missing, f"{path.name} lacks {missing}"
        assert not sorted(words.keys() - english.keys()), f"{path.name} has keys English has not"
        # the headings of the groups of ties, one for each group English names
        assert words["groups"].keys() == english["groups"].keys(), path.name


def test_no_template_chooses_its_words_by_language():
    for path in (ROOT / "heritage_kg" / "server" / "templates").glob("*.html"):
        text = path.read_text(encoding="utf-8")
        for chooser in ('if lang == "en"', "if lang == 'en'", 'if lang == "fr"', "if lang == 'fr'"):
            assert chooser not in text, f"{path.name}: {chooser}"


def test_a_third_language_is_one_file(tmp_path):
    """A pseudo-language (every English word in brackets) added as xx.toml: the pages offer it,
    speak it, and keep their names in the languages the data has, marked as such."""
    words = tmp_path / "words"
    shutil.copytree(WORDS, words)
    english = tomllib.loads((WORDS / "en.toml").read_text(encoding="utf-8"))
    pseudo = {key: f"[{value}]" for key, value in english.items() if isinstance(value, str)}
    pseudo["language_name"] = "Pseudo"
    (words / "xx.toml").write_text("".join(f'{key} = "{value}"\n' for key, value in pseudo.items()
                                           if '"' not in value and "\\" not in value), encoding="utf-8")
    pages = _render(words, "/", "/?lang=xx", "/page/icom?lang=xx", "/kinds?lang=xx", "/ontology?lang=xx")
    assert 'href="/?lang=xx" hreflang="xx" lang="xx">Pseudo</a>' in pages["/"]
    home = pages["/?lang=xx"]
    assert '<html lang="xx">' in home and ">[Browse]</a>" in home and 'href="/kinds?lang=xx"' in home
    assert 'hreflang="en" lang="en">English</a>' in home and 'hreflang="fr" lang="fr">Français</a>' in home
    icom = pages["/page/icom?lang=xx"]
    # the ties are said in English, marked as such, where the ontology has no sentence in the language
    english = [re.sub(r"<[^>]+>", "", said) for said in re.findall(r'<p class="sentence" id="[^"]+" lang="en">(.*?)</p>', icom, re.S)]
    assert any(said.startswith("ICOM is a founding member of Blue Shield (1996).") for said in english)
    assert 'href="/page/blue-shield?lang=xx">Blue Shield</a> (1996).' in icom
    assert '<h1 lang="en">International Council of Museums' in icom and "[Ties and figures]" in icom and "[Every statement, as the data model holds it]" in icom
    assert "[Concept schemes]" in pages["/ontology?lang=xx"]


def test_a_broken_catalogue_stops_the_server_with_its_file_named(tmp_path):
    words = tmp_path / "words"
    shutil.copytree(WORDS, words)
    (words / "xx.toml").write_text('search = "unclosed\n', encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "heritage_kg.cli", "--root", str(ROOT), "serve", "--port", "0"],
                          capture_output=True, text=True, env=dict(os.environ, HERITAGE_KG_WORDS=str(words)), timeout=120)
    assert done.returncode == 1
    assert done.stderr.strip().startswith(f"Error: {words / 'xx.toml'}: ") and "Traceback" not in done.stderr

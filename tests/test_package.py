"""The package's shape: its modules import one another without a circle, so each can be read,
tested and replaced from the bottom up (docs/package.md)."""

from __future__ import annotations

import ast

from .conftest import ROOT

PACKAGE = ROOT / "heritage_kg"


def _imports() -> dict[str, set[str]]:
    """Module -> the package's modules it imports, at the top or inside a function alike."""
    modules = {".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__"): p
               for p in PACKAGE.rglob("*.py")}
    edges: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        here = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level:
                base = here.split(".")[: len(here.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
                named = {f"{target}.{alias.name}" for alias in node.names} & modules.keys()
                edges[name] |= (named or {target}) & modules.keys() - {name}
            elif isinstance(node, ast.Import):
                edges[name] |= {alias.name for alias in node.names} & modules.keys() - {name}
    return edges


def test_the_import_graph_has_no_circle():
    edges = _imports()
    assert edges["heritage_kg.cli"] and edges["heritage_kg.server.app"], "the reader of imports found none"
    state: dict[str, str] = {}
    path: list[str] = []
    circles: list[list[str]] = []

    def visit(module: str) -> None:
        state[module], _ = "open", path.append(module)
        for other in sorted(edges[module]):
            if state.get(other) == "open":
                circles.append(path[path.index(other):] + [other])
            elif other not in state:
                visit(other)
        state[module], _ = "done", path.pop()

    for module in sorted(edges):
        if module not in state:
            visit(module)
    assert not circles, "\n".join(" -> ".join(circle) for circle in circles)

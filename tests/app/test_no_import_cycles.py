"""No module of Viva imports, even indirectly, a module that imports it back (issue 14)."""

from __future__ import annotations

import grimp


def _cycles(graph: grimp.ImportGraph) -> list[tuple[str, str]]:
    """Direct imports ``a -> b`` where ``b`` leads back to ``a``: each one closes a cycle."""
    return sorted(
        (a, b)
        for a in graph.modules
        for b in graph.find_modules_directly_imported_by(a)
        if b in graph.modules and graph.chain_exists(importer=b, imported=a)
    )


def test_a_planted_cycle_is_found() -> None:
    graph = grimp.ImportGraph()
    for name in ("a", "a.x", "a.y", "a.z"):
        graph.add_module(name)
    graph.add_import(importer="a.x", imported="a.y")
    graph.add_import(importer="a.y", imported="a.x")
    graph.add_import(importer="a.z", imported="a.x")
    assert _cycles(graph) == [("a.x", "a.y"), ("a.y", "a.x")]


def test_viva_has_no_import_cycles() -> None:
    graph = grimp.build_graph("viva")
    assert _cycles(graph) == []

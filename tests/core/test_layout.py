"""The house's layout rules (issue 16), checked on the source tree: a newcomer finds one home for
each thing, modules stay readable, and no import is hidden in a function to dodge a cycle."""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "milieu"
MAX_LINES = 500


def sources() -> Iterator[tuple[str, Path]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        yield ".".join(parts), path


def is_type_checking(node: ast.AST) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def module_level_imports(tree: ast.Module) -> Iterator[ast.Import | ast.ImportFrom]:
    """The imports run when the module is imported (not under TYPE_CHECKING, not in a function)."""
    stack: list[ast.AST] = list(tree.body)
    while stack:
        node = stack.pop()
        if is_type_checking(node) or isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
            continue
        for name in ("body", "orelse", "finalbody", "handlers"):
            stack.extend(getattr(node, name, None) or [])


def function_imports(tree: ast.Module) -> Iterator[tuple[str, ast.Import | ast.ImportFrom]]:
    """(function name, import) for each import of a Milieu module inside a function."""
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(function):
            if (isinstance(node, ast.ImportFrom) and (node.module or "").startswith("milieu")) or (
                isinstance(node, ast.Import)
                and any(a.name.startswith("milieu") for a in node.names)
            ):
                yield function.name, node


def test_no_module_over_500_lines() -> None:
    too_long = {
        str(path.relative_to(ROOT)): count
        for _, path in sources()
        if (count := path.read_text().count("\n")) > MAX_LINES
    }
    assert too_long == {}, f"modules de plus de {MAX_LINES} lignes : {too_long}"


def test_no_function_level_import_of_milieu_outside_app_ready() -> None:
    found = []
    for _, path in sources():
        tree = ast.parse(path.read_text())
        relative = str(path.relative_to(ROOT))
        for function, node in function_imports(tree):
            if function == "ready" and path.name == "apps.py":
                continue  # Django's own place to connect an app once the registry is ready
            found.append(f"{relative}:{node.lineno} ({function})")
    assert found == []


def test_no_private_name_imported_from_another_module() -> None:
    found = []
    for _, path in sources():
        for node in module_level_imports(ast.parse(path.read_text())):
            if not isinstance(node, ast.ImportFrom) or not (node.module or "").startswith("milieu"):
                continue
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} {alias.name}")
    assert found == []


def test_no_import_cycle() -> None:
    modules = dict(sources())

    def resolve(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    edges: dict[str, set[str]] = defaultdict(set)
    for module, path in modules.items():
        for node in module_level_imports(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                if node.level or not (node.module or "").startswith("milieu"):
                    continue
                targets = [resolve(node.module or "")]
                targets += [resolve(f"{node.module}.{a.name}") for a in node.names]
            else:
                targets = [resolve(a.name) for a in node.names if a.name.startswith("milieu")]
            edges[module].update(t for t in targets if t and t != module)

    # Tarjan's strongly connected components: any with two modules or more is a cycle
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for module in modules:
        if module not in index:
            visit(module)
    assert cycles == []


def test_the_acting_user_is_typed() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for _, path in sources()
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"\bby: Any\b", line)
    ]
    assert found == []


RAW_STATUS = re.compile(r"""\bstatus\s*(==|!=)\s*["']|["']\s*(==|!=)\s*\w+\.status\b""")


def test_no_template_compares_a_raw_status_string() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted(PACKAGE.rglob("*.html"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if RAW_STATUS.search(line)
    ]
    assert found == []

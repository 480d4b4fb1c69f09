"""Architecture rules for the ``bactivate`` package, checked on its source with ``ast``.

Modules are discovered by walking ``bactivate/**/*.py``, so the rules keep working as
files move. The rules: no import cycles, no bactivate import inside a function or class
body, no private name used across modules, a few forbidden layer edges, and small loader
functions (body lines and cyclomatic complexity, counted as radon counts them).

Every rule holds with no exceptions. To print what breaks one, with details:
``.venv/bin/python tests/test_architecture.py``. The map of the package these rules keep is
``docs/architecture.md``.
"""

from __future__ import annotations

import ast
import importlib
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "bactivate"

MAX_LINES, MAX_COMPLEXITY = 80, 25
ANALYSES = ("balance", "mood", "avoidance", "progress", "lapse", "suggest", "summary", "values", "stats", "_log",
            "_grouped", "_clients")
# the base layer imports nothing of bactivate but these
BASE = {"bactivate._util": (), "bactivate._names": (), "bactivate._blas": (), "bactivate.errors": (),
        "bactivate.lazy": (), "bactivate.escape": (), "bactivate.schema": (),
        "bactivate.outputs": ("bactivate.errors",)}
# (importer prefix, forbidden target prefixes, allowed targets); a prefix matches itself and below.
LAYERS = [
    ("bactivate.io", [f"bactivate.{m}" for m in ANALYSES if m != "stats"]
     + ["bactivate.cohort", "bactivate.plot", "bactivate.present", "bactivate.report",
        "bactivate.cli"], []),
    *[(f"bactivate.{m}", ["bactivate.io"], []) for m in ANALYSES],
    ("bactivate.cohort", ["bactivate.io"], ["bactivate.io.roster", "bactivate.io.files",
                                            "bactivate.io.headers"]),
]
TOP_PACKAGE_IMPORTERS = {"bactivate.cli", "bactivate.__main__"}  # may import `bactivate` itself

# ----------------------------------------------------------------------------- reading the source


def modules() -> dict[str, Path]:
    """Every module of the package: dotted name -> file (a package is its ``__init__.py``)."""
    found = {}
    for path in sorted((ROOT / PACKAGE).rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


class Import:
    """One bactivate module (and perhaps one non-module name from it) that a module imports.

    ``bound`` is ``(local name, module)`` when the statement binds a name to a module;
    ``scope`` is the dotted def/class path around the statement ("" at module level).
    """

    def __init__(self, line, target, name, bound, scope, type_checking):
        self.line, self.target, self.name, self.bound = line, target, name, bound
        self.scope, self.type_checking = scope, type_checking


def imports(module: str, path: Path, known: dict[str, Path]) -> Iterator[Import]:
    """The imports of bactivate modules in one file, absolute and relative, anywhere."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]

    def existing(name: str) -> str:  # the longest prefix of *name* that is a module
        while name not in known and "." in name:
            name = name.rpartition(".")[0]
        return name

    def walk(node: ast.AST, scope: str, checking: bool) -> Iterator[Import]:
        if isinstance(node, ast.Import):
            for a in node.names:
                if _within(a.name, PACKAGE):
                    bound = (a.asname, a.name) if a.asname else (PACKAGE, PACKAGE)
                    yield Import(node.lineno, existing(a.name), None, bound, scope, checking)
        elif isinstance(node, ast.ImportFrom):
            source = node.module or ""
            if node.level:  # `.` is the package (itself, for an __init__.py)
                parts = package.split(".")
                source = ".".join([*parts[: len(parts) - node.level + 1], *filter(None, [source])])
            for a in node.names if _within(source, PACKAGE) else ():
                child = f"{source}.{a.name}"
                if child in known:  # `from bactivate.io import read`: the module read
                    yield Import(node.lineno, child, None, (a.asname or a.name, child), scope,
                                 checking)
                else:
                    yield Import(node.lineno, existing(source), a.name, None, scope, checking)
        elif isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.body:
                yield from walk(child, scope, True)
            for child in node.orelse:
                yield from walk(child, scope, checking)
        else:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                scope = f"{scope}.{node.name}" if scope else node.name
            for child in ast.iter_child_nodes(node):
                yield from walk(child, scope, checking)

    yield from walk(_parse(path), "", False)


def all_imports() -> tuple[dict[str, Path], list[tuple[str, Import]]]:
    """The modules, and (importing module, import) for every import of a bactivate module."""
    known = modules()
    return known, [(m, imp) for m, path in known.items() for imp in imports(m, path, known)]


# ----------------------------------------------------------------------------- the rules
# Each returns {violation: detail}; the keys are stable, the details go in failure messages.


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components, iterative (each sorted)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    components = []

    def enter(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        work.append((node, iter(sorted(graph.get(node, ())))))

    for start in sorted(graph):
        if start in index:
            continue
        work: list[tuple[str, Iterator[str]]] = []
        enter(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None and child not in index:
                enter(child)
            elif child is not None:
                if child in stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    cut = stack.index(node)
                    components.append(sorted(stack[cut:]))
                    del stack[cut:]
    return components


def cycle_violations() -> dict[str, str]:
    """Import cycles (``if TYPE_CHECKING:`` imports left out), keyed by their sorted members."""
    known, found = all_imports()
    graph: dict[str, set[str]] = {m: set() for m in known}
    where: dict[tuple[str, str], str] = {}
    for module, imp in found:
        if not imp.type_checking:
            graph[module].add(imp.target)
            where.setdefault((module, imp.target), f"{_rel(known[module])}:{imp.line}")
    result = {}
    for members in strongly_connected(graph):
        if len(members) > 1 or members[0] in graph[members[0]]:
            edges = [f"{a} -> {b} ({where[a, b]})" for a in members for b in sorted(graph[a])
                     if b in members]
            result[", ".join(members)] = "; ".join(edges)
    return result


def function_import_violations() -> dict[str, str]:
    """Imports of bactivate modules inside a def, async def or class body."""
    known, found = all_imports()
    return {f"{_rel(known[m])}:{imp.scope} imports {imp.target}": f"line {imp.line}"
            for m, imp in found if imp.scope}


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def private_violations() -> dict[str, str]:
    """``from bactivate.x import _y`` and ``x._y`` (``x`` bound to a bactivate module)."""
    known, found = all_imports()
    result, bindings = {}, {m: {} for m in known}
    for module, imp in found:
        if imp.name and _private(imp.name) and imp.target != module:
            result[f"{_rel(known[module])} imports {imp.target}.{imp.name}"] = f"line {imp.line}"
        if imp.bound:
            bindings[module][imp.bound[0]] = imp.bound[1]
    for module, bound in bindings.items():
        for node in ast.walk(_parse(known[module])) if bound else ():
            if not (isinstance(node, ast.Attribute) and _private(node.attr)):
                continue
            chain, base = [], node.value  # `bactivate.io.read._x`: base `bactivate`
            while isinstance(base, ast.Attribute):
                chain.insert(0, base.attr)
                base = base.value
            if not isinstance(base, ast.Name) or base.id not in bound:
                continue  # self._x, obj._x: not a module
            owner = ".".join([bound[base.id], *chain])
            if owner in known and owner != module and f"{owner}.{node.attr}" not in known:
                result[f"{_rel(known[module])} uses {owner}.{node.attr}"] = f"line {node.lineno}"
    return result


def layer_violations() -> dict[str, str]:
    """Forbidden edges of LAYERS, and imports of the top package outside cli/__main__."""
    known, found = all_imports()  # every import counts here, TYPE_CHECKING ones too
    result = {}
    for module, imp in found:
        detail = f"{_rel(known[module])}:{imp.line}"
        if imp.target == PACKAGE and module not in TOP_PACKAGE_IMPORTERS | {PACKAGE}:
            result[f"{module} -> {PACKAGE}"] = detail
        for importer, forbidden, allowed in LAYERS:
            if (_within(module, importer) and any(_within(imp.target, f) for f in forbidden)
                    and not any(_within(imp.target, a) for a in allowed)):
                result[f"{module} -> {imp.target}"] = detail
        if module in BASE and imp.target.startswith(f"{PACKAGE}.") and imp.target not in BASE[module]:
            result[f"{module} -> {imp.target} (base layer)"] = detail
    return result


def complexity(function: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """Cyclomatic complexity by radon's rules; nested defs, classes and lambdas not entered.

    1, plus 1 per if/elif, conditional expression, assert and except handler; 1 per loop
    (and its else); 1 for a try's else; 1 per comprehension ``for`` and per ``if`` in it;
    1 per match case but ``case _``; n - 1 per ``and``/``or`` of n operands.
    """
    score, todo = 1, list(function.body)
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        if isinstance(node, (ast.If, ast.IfExp, ast.Assert, ast.ExceptHandler)):
            score += 1
        elif isinstance(node, (ast.For, ast.AsyncFor, ast.While)):
            score += 1 + bool(node.orelse)
        elif isinstance(node, (ast.Try, ast.TryStar)):
            score += bool(node.orelse)
        elif isinstance(node, ast.BoolOp):
            score += len(node.values) - 1
        elif isinstance(node, ast.comprehension):
            score += 1 + len(node.ifs)
        elif isinstance(node, ast.Match):
            score += sum(not (isinstance(c.pattern, ast.MatchAs) and c.pattern.pattern is None)
                         for c in node.cases)
        todo.extend(ast.iter_child_nodes(node))
    return score


def body_lines(function: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """Lines from the first statement after the docstring to the end of the function."""
    body = function.body[1:] if ast.get_docstring(function, clean=False) else function.body
    return function.end_lineno - body[0].lineno + 1 if body else 0


def functions(tree: ast.AST, prefix: str = "") -> Iterator[tuple[str, ast.FunctionDef]]:
    """Every function and method, nested ones too, with its dotted name (``Class.method``)."""
    for node in ast.iter_child_nodes(tree):
        inner = prefix
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            inner = f"{prefix}{node.name}."
            if not isinstance(node, ast.ClassDef):
                yield inner[:-1], node
        yield from functions(node, inner)


def loader_files() -> list[Path]:
    """``bactivate/io/**/*.py``: the loader."""
    return sorted((ROOT / PACKAGE / "io").rglob("*.py"))


def size_violations() -> dict[str, str]:
    """Loader functions over MAX_LINES body lines or MAX_COMPLEXITY."""
    result = {}
    for path in loader_files():
        for name, function in functions(_parse(path)):
            lines, cc = body_lines(function), complexity(function)
            if lines > MAX_LINES or cc > MAX_COMPLEXITY:
                result[f"{_rel(path)}:{name}"] = (f"lines={lines} (max {MAX_LINES}) "
                                                  f"cc={cc} (max {MAX_COMPLEXITY})")
    return result


RULES = {"cycles": cycle_violations, "function_imports": function_import_violations,
         "private": private_violations, "layers": layer_violations, "sizes": size_violations}

# ----------------------------------------------------------------------------- the tests


def check(rule: str) -> None:
    """Fail on every violation of *rule*, each listed with its details."""
    found = RULES[rule]()
    assert not found, f"{rule} violations:\n" + "\n".join(f"  {v}  [{found[v]}]" for v in sorted(found))


def test_no_import_cycles():
    check("cycles")


def test_no_intra_package_import_inside_functions():
    check("function_imports")


def test_no_private_names_across_modules():
    check("private")


def test_layers():
    check("layers")


def test_loader_functions_are_small():
    check("sizes")


def test_architecture_doc_names_exist():
    """Every backticked ``bactivate.x.y`` in docs/architecture.md imports or is an attribute."""
    doc = ROOT / "docs" / "architecture.md"
    if not doc.is_file():
        pytest.skip("docs/architecture.md does not exist")
    text = doc.read_text(encoding="utf-8")
    missing = []
    for dotted in sorted(set(re.findall(r"`(bactivate(?:\.[A-Za-z_]\w*)+)[`(]", text))):
        parts = dotted.split(".")
        for cut in range(len(parts), 0, -1):  # import the longest prefix that is a module
            try:
                obj = importlib.import_module(".".join(parts[:cut]))
            except ImportError:
                continue
            try:
                for attr in parts[cut:]:
                    obj = getattr(obj, attr)
            except AttributeError:
                missing.append(dotted)
            break
    assert not missing, "docs/architecture.md names what does not exist: " + ", ".join(missing)


if __name__ == "__main__":  # print every violation, with details
    for rule, finder in RULES.items():
        found = finder()
        print(f"{rule}: {len(found)}")
        for violation in sorted(found):
            print(f"    {violation}  [{found[violation]}]")

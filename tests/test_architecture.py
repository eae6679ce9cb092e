"""The layout states the architecture: these checks keep it true as the code grows.

The layer order itself is an import-linter contract (pyproject.toml, run by `make test` as
`lint-imports`); here are the rules a contract cannot state.
"""

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = sorted(
    p.name for p in ROOT.iterdir() if (p / "__init__.py").exists() and p.name not in {"tests", "bench", ".venv"}
)
MAX_LINES = 400


def _modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield app, path


def _imports(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node, node.module, [a.name for a in node.names]
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield node, alias.name, []


def test_no_app_imports_another_apps_private_names():
    found = []
    for app, path in _modules():
        for _, module, names in _imports(ast.parse(path.read_text())):
            top = module.split(".")[0]
            if top in APPS and top != app:
                found += [f"{path.relative_to(ROOT)}: {module}.{n}" for n in names if n.startswith("_")]
                found += [f"{path.relative_to(ROOT)}: {module}" for part in module.split(".") if part.startswith("_")]
    assert found == []


def test_no_imports_of_project_modules_hide_inside_functions():
    """Imports inside functions hide dependencies (and cycles) from a reader; none are needed.

    The one place Django asks for them is AppConfig.ready(), which runs once the models are loaded.
    """
    found = []
    for _, path in _modules():
        tree = ast.parse(path.read_text())
        for func in ast.walk(tree):
            if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            if path.name == "apps.py" and func.name == "ready":
                continue
            for node in ast.walk(func):
                if isinstance(node, ast.ImportFrom) and node.level:
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} from .{node.module or ''}")
                elif isinstance(node, ast.Import | ast.ImportFrom):
                    module = node.module if isinstance(node, ast.ImportFrom) else node.names[0].name
                    if module and module.split(".")[0] in APPS:
                        found.append(f"{path.relative_to(ROOT)}:{node.lineno} {module}")
    assert found == []


def test_no_module_grows_past_the_size_a_reader_can_hold():
    sizes = {str(path.relative_to(ROOT)): len(path.read_text().splitlines()) for _, path in _modules()}
    too_long = {name: n for name, n in sizes.items() if n > MAX_LINES}
    assert too_long == {}


def test_the_import_contracts_hold():
    lint = Path(sys.executable).parent / "lint-imports"
    if not lint.exists():
        pytest.fail("lint-imports is missing: install requirements-dev.txt")
    result = subprocess.run([str(lint)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:]

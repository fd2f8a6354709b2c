"""Two import rules import-linter has no built-in contract for, checked by `lint-imports` with the layers
(importlinter.toml):

- `top_level_imports`: a module imports at its top, never inside a function or method, so that what a module needs
  (and any cycle) is visible at a glance. AppConfig.ready() is the one exception: Django loads the app registry
  before it, which is why apps register their handlers and rules there.
- `no_private_names`: a name starting with one underscore is private to its module; another module importing it is
  reaching into an implementation that may change without notice (make it public, or move it where both belong).
"""

from __future__ import annotations

import ast
from pathlib import Path

from importlinter.application import output
from importlinter.domain import fields
from importlinter.domain.contract import Contract, ContractCheck


def _python_files(package: str, exclude: set[str]):
    root = Path(package.replace(".", "/"))
    for path in sorted(root.rglob("*.py")):
        if not exclude & set(path.parts):
            yield path


class _Visitor(ast.NodeVisitor):
    def __init__(self, module: str):
        self.module = module
        self.depth = 0
        self.in_ready = False
        self.nested: list[int] = []
        self.private: list[tuple[int, str]] = []

    def visit_FunctionDef(self, node):
        ready = node.name == "ready" and self.depth == 0
        self.depth += 1
        self.in_ready = self.in_ready or ready
        self.generic_visit(node)
        self.depth -= 1
        if ready:
            self.in_ready = False

    visit_AsyncFunctionDef = visit_FunctionDef

    def _import(self, node):
        if self.depth > 0 and not self.in_ready:
            self.nested.append(node.lineno)

    def visit_Import(self, node):
        self._import(node)

    def visit_ImportFrom(self, node):
        self._import(node)
        if node.module and node.level == 0 and node.module != self.module:
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    self.private.append((node.lineno, f"{node.module}.{alias.name}"))


def _scan(packages, exclude):
    for package in packages:
        for path in _python_files(package, exclude):
            module = ".".join(path.with_suffix("").parts).removesuffix(".__init__")
            visitor = _Visitor(module)
            visitor.visit(ast.parse(path.read_text(encoding="utf-8"), str(path)))
            yield path, visitor


class _SourceContract(Contract):
    packages = fields.ListField(subfield=fields.StringField())
    exclude = fields.ListField(subfield=fields.StringField(), required=False)

    def _found(self, visitor) -> list:
        raise NotImplementedError

    def check(self, graph, verbose: bool) -> ContractCheck:
        exclude = set(self.exclude or ["migrations"])
        problems = []
        for path, visitor in _scan(self.packages, exclude):
            problems += [f"{path}:{line}{(' ' + what) if what else ''}" for line, what in self._found(visitor)]
        return ContractCheck(kept=not problems, metadata={"problems": problems})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for problem in check.metadata["problems"]:
            output.print_error(f"-   {problem}", bold=False)
        output.new_line()


class TopLevelImportsContract(_SourceContract):
    """Imports at the top of files (AppConfig.ready() excepted)."""

    type_name = "top_level_imports"

    def _found(self, visitor):
        return [(line, "imports inside a function") for line in visitor.nested]


class NoPrivateNamesContract(_SourceContract):
    """No `from other.module import _name`."""

    type_name = "no_private_names"

    def _found(self, visitor):
        return [(line, f"imports the private name {name}") for line, name in visitor.private]

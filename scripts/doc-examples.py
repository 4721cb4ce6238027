#!/usr/bin/env python3
"""Runs every code block of the user-facing docs, so that the docs cannot drift (issue 14).

    scripts/doc-examples.py [--only KIND] [FILE.md ...]

Each fenced block is run by its language:

- `sh`/`bash`: each command line in a scratch folder that sees the repository's files
  (`cargo run --release --` and `attain` are the release CLI); a command that `make test` itself
  runs (`make test`, a suite's run-tests.sh, the package builds) is named, not run again;
- `python`: the blocks of one file in order, in one namespace, with the venv's Python (the
  installed wheel); a `print(...)  # text` line must print `text` (up to a `…`);
- `js`: each block as its own ES module in Node, `attain-wasm` being this repository's package;
- `rhai`: a block whose first line is `// path.rhai` is that file of the document's example plan;
  any other is a rule: a one-indicator plan around it must pass `attain check`;
- `toml`: a block whose first line is `# path` is that file of the example plan; a block with
  `[plan]` is its plan.toml; any other must at least be valid TOML. Each example plan is then
  loaded and checked (`attain check`) and, with tests, its tests run (`attain test`);
- `text`: output shown, not code.

A block is left out only with a marker on the line before its fence, `<!-- doc-test: skip
REASON -->`, and every left-out block is listed with its reason. Exit 1 when a block fails.
"""

from __future__ import annotations

import argparse
import ast
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tokenize
import tomllib
from contextlib import redirect_stdout
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = ["README.md", "docs/guide.md", "docs/judging-like.md", "bindings-python/README.md", "bindings-wasm/README.md", "scripts/README.md"]
ATTAIN = ROOT / "target" / "release" / "attain"
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"
# Commands `make test` runs itself: running them from here would run the suite inside the suite.
RUN_BY_MAKE_TEST = re.compile(
    r"^(make (test|wasm|build|npm-pack)|bindings-python/run-tests\.sh|bindings-wasm/run-tests\.sh|bindings-wasm/build\.sh"
    r"|pip install \./bindings-python|scripts/setup-[a-z-]+\.sh|scripts/build-wasm\.sh)\b"
)
MARKER = re.compile(r"<!--\s*doc-test:\s*(?:skip\s+(?P<reason>.+?)|(?P<alternatives>alternatives))\s*-->")
PATH_COMMENT = re.compile(r"^\s*(?://|#)\s*(?P<path>[\w./-]+\.(?:rhai|toml|csv|json))\s*$")


@dataclass
class Block:
    doc: str
    line: int  # of the opening fence, 1-based
    lang: str
    code: str
    skip: str | None
    alternatives: bool = False  # each line is a TOML document of its own (`targets = …` forms)

    @property
    def place(self) -> str:
        return f"{self.doc}:{self.line}"


def blocks(doc: str) -> list[Block]:
    lines = (ROOT / doc).read_text(encoding="utf-8").splitlines()
    out, i = [], 0
    while i < len(lines):
        m = re.match(r"^(?P<fence>```+)(?P<lang>[\w-]*)", lines[i])
        if not m:
            i += 1
            continue
        start, fence = i, m["fence"]
        end = next((j for j in range(i + 1, len(lines)) if lines[j].startswith(fence)), None)
        if end is None:
            raise SystemExit(f"{doc}:{start + 1}: a code block is never closed")
        marker = MARKER.search(lines[start - 1]) if start > 0 else None
        code = "\n".join(lines[start + 1 : end]) + "\n"
        out.append(Block(doc, start + 1, m["lang"] or "text", code, marker and marker["reason"], bool(marker and marker["alternatives"])))
        i = end + 1
    return out


class Failure(Exception):
    pass


def run(cmd: list[str] | str, cwd: Path, what: str, **kw) -> str:
    env = {**os.environ, "PATH": f"{ATTAIN.parent}{os.pathsep}{VENV_PYTHON.parent}{os.pathsep}{os.environ['PATH']}"}
    p = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=300, **kw)
    if p.returncode != 0:
        raise Failure(f"{what} exited {p.returncode}\n{p.stdout[-2000:]}{p.stderr[-2000:]}")
    return p.stdout


SCRATCH = Path(tempfile.mkdtemp(prefix="attain-doc-"))


def scratch() -> Path:
    """A folder that sees the repository's files, so that commands write their output there."""
    d = Path(tempfile.mkdtemp(dir=SCRATCH))
    for entry in ROOT.iterdir():
        if entry.name not in (".git",):
            (d / entry.name).symlink_to(entry)
    return d


def run_shell(b: Block, notes: list[str]) -> None:
    cwd = scratch()
    for n, line in enumerate(b.code.splitlines()):
        cmd = line.split("  #")[0].split(" # ")[0].strip()
        if not cmd or cmd.startswith("#"):
            continue
        if RUN_BY_MAKE_TEST.match(cmd):
            # Not run again, but every file or folder it names must be there.
            for word in cmd.split():
                if "/" in word and not word.startswith("-") and not (ROOT / word).exists() and not word.endswith("/pkg"):
                    raise Failure(f"`{cmd}` names `{word}`, which is not in the repository")
            notes.append(f"{b.doc}:{b.line + 1 + n}: `{cmd}` is run by `make test` itself")
            continue
        cmd = re.sub(r"^cargo run --release --", "attain", cmd)
        run(["bash", "-euo", "pipefail", "-c", cmd], cwd, f"`{cmd}`")


def _expect_prints(source: str, doc_line: int) -> ast.Module:
    """The block's syntax tree, each `print(...)  # text` turned into a check of what it prints."""
    comments = {t.start[0]: t.string[1:].strip() for t in tokenize.generate_tokens(io.StringIO(source).readline) if t.type == tokenize.COMMENT}
    tree = ast.parse(source)

    class Checked(ast.NodeTransformer):
        def visit_Expr(self, node: ast.Expr) -> ast.AST:
            call = node.value
            if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "print" and node.end_lineno in comments:
                want = ast.Constant(comments[node.end_lineno])
                at = ast.Constant(doc_line + node.lineno)
                check = ast.Call(ast.Name("__doc_print", ast.Load()), [at, want, *call.args], call.keywords)
                return ast.copy_location(ast.Expr(check), node)
            return node

    return ast.fix_missing_locations(Checked().visit(tree))


PYTHON_RUNNER = r"""
import ast, os, sys, pickle
blocks = pickle.loads(sys.stdin.buffer.read())
def __doc_print(line, want, *args, **kw):
    import io
    buf = io.StringIO()
    print(*args, **kw, file=buf)
    got = buf.getvalue().rstrip("\n")
    print(got)
    want = want.strip()
    ok = got.startswith(want.split("…")[0].rstrip()) if "…" in want else got == want
    if not ok:
        raise AssertionError(f"line {line}: printed {got!r}, the doc says {want!r}")
ns = {"__name__": "__main__", "__doc_print": __doc_print}
for place, tree in blocks:
    try:
        exec(compile(tree, place, "exec"), ns)
    except BaseException as e:
        print(f"FAILED {place}: {type(e).__name__}: {e}", file=sys.stderr)
        raise
"""


def _text_files_opened_with_encoding(b: Block) -> None:
    """`open(path, "w")` without `encoding=` writes the platform's code page on Windows."""
    for node in ast.walk(ast.parse(b.code)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "open":
            mode = node.args[1].value if len(node.args) > 1 and isinstance(node.args[1], ast.Constant) else "r"
            if "b" not in str(mode) and not any(k.arg == "encoding" for k in node.keywords):
                raise Failure(f"{b.doc}:{b.line + node.lineno}: open() of a text file without encoding=")


def run_python(doc_blocks: list[Block]) -> None:
    import pickle

    for b in doc_blocks:
        _text_files_opened_with_encoding(b)
    trees = [(b.place, _expect_prints(b.code, b.line)) for b in doc_blocks]
    python = str(VENV_PYTHON) if VENV_PYTHON.exists() else sys.executable
    p = subprocess.run([python, "-c", PYTHON_RUNNER], cwd=scratch(), input=pickle.dumps(trees), capture_output=True, timeout=300)
    if p.returncode != 0:
        raise Failure(p.stderr.decode(errors="replace")[-3000:])


def run_js(b: Block) -> None:
    d = scratch()
    modules = d / "node_modules"
    modules.mkdir()
    (modules / "attain-wasm").symlink_to(ROOT / "bindings-wasm")
    (d / "example.mjs").write_text(b.code, encoding="utf-8")
    run(["node", "example.mjs"], d, f"the block at {b.place}")


@dataclass
class ExamplePlan:
    folder: Path
    places: list[str]


def plan_of(plans: dict[str, ExamplePlan], doc: str) -> ExamplePlan:
    if doc not in plans:
        plans[doc] = ExamplePlan(Path(tempfile.mkdtemp(dir=SCRATCH)), [])
    return plans[doc]


def add_file(plans: dict[str, ExamplePlan], b: Block, path: str, text: str) -> None:
    p = plan_of(plans, b.doc)
    target = p.folder / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    p.places.append(f"{b.place} ({path})")


def run_alternatives(b: Block) -> None:
    """Each line its own TOML; a `targets = …` line goes into a one-indicator plan that must load."""
    for n, line in enumerate(b.code.splitlines()):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        at = f"{b.doc}:{b.line + 1 + n}"
        try:
            tomllib.loads(line)
        except tomllib.TOMLDecodeError as e:
            raise Failure(f"{at}: {e}") from None
        if line.startswith("targets"):
            d = Path(tempfile.mkdtemp(dir=SCRATCH))
            plan = '[plan]\nid = "doc"\ntitle = "Doc"\nperiod = "2023"\n[[goal]]\nid = "g"\ntitle = "G"\nindicators = ["i"]\n'
            (d / "plan.toml").write_text(plan + f'[[indicator]]\nid = "i"\ntitle = "I"\nrule = "target"\n{line}\n', encoding="utf-8")
            run([str(ATTAIN), "check", str(d), "--cases", "20"], d, f"`attain check` of a plan with the targets at {at}")


def run_rule(b: Block) -> None:
    d = Path(tempfile.mkdtemp(dir=SCRATCH))
    (d / "rules").mkdir()
    (d / "rules" / "r.rhai").write_text(b.code, encoding="utf-8")
    plan = '[plan]\nid = "doc"\ntitle = "Doc"\nperiod = "2023"\n[[goal]]\nid = "g"\ntitle = "G"\nindicators = ["i"]\n'
    plan += '[[indicator]]\nid = "i"\ntitle = "I"\nrule = "rules/r.rhai"\n'
    (d / "plan.toml").write_text(plan, encoding="utf-8")
    run([str(ATTAIN), "check", str(d), "--cases", "20"], d, f"`attain check` of the rule at {b.place}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("docs", nargs="*", default=DOCS)
    ap.add_argument("--only", choices=["sh", "python", "js", "rhai", "toml"])
    args = ap.parse_args()
    if not ATTAIN.exists():
        raise SystemExit(f"{ATTAIN} is missing: run `make build` first")
    failures, notes, ran = [], [], 0
    plans: dict[str, ExamplePlan] = {}
    python_blocks: dict[str, list[Block]] = {}
    for doc in args.docs:
        for b in blocks(doc):
            kind = {"bash": "sh", "shell": "sh", "javascript": "js", "mjs": "js"}.get(b.lang, b.lang)
            if kind == "text" or (args.only and kind != args.only):
                continue
            if b.skip:
                notes.append(f"{b.place}: left out: {b.skip}")
                continue
            try:
                first = b.code.splitlines()[0] if b.code.strip() else ""
                path = PATH_COMMENT.match(first)
                if b.alternatives:
                    run_alternatives(b)
                elif kind == "sh":
                    run_shell(b, notes)
                elif kind == "python":
                    python_blocks.setdefault(doc, []).append(b)
                    continue
                elif kind == "js":
                    run_js(b)
                elif kind in ("rhai", "toml") and path:
                    add_file(plans, b, path["path"], b.code)
                elif kind == "rhai":
                    run_rule(b)
                elif kind == "toml":
                    tomllib.loads(b.code)
                    if re.search(r"^\[plan\]", b.code, re.M) and re.search(r"^\[\[goal\]\]", b.code, re.M):
                        add_file(plans, b, "plan.toml", b.code)
                else:
                    raise Failure(f"no way to run a `{b.lang}` block: mark it `<!-- doc-test: skip REASON -->`")
                ran += 1
            except (Failure, tomllib.TOMLDecodeError, subprocess.TimeoutExpired) as e:
                failures.append(f"{b.place} ({b.lang}): {e}")
    for doc, bs in python_blocks.items():
        try:
            run_python(bs)
            ran += len(bs)
        except Failure as e:
            failures.append(f"{doc} (python): {e}")
    for doc, p in plans.items():
        try:
            if not (p.folder / "plan.toml").exists():
                raise Failure("files of an example plan without its plan.toml")
            run([str(ATTAIN), "check", str(p.folder), "--cases", "20"], p.folder, "`attain check`")
            if list(p.folder.rglob("*.test.toml")):
                run([str(ATTAIN), "test", str(p.folder)], p.folder, "`attain test`")
        except Failure as e:
            failures.append(f"the example plan of {doc} ({', '.join(p.places)}): {e}")
    for n in notes:
        print(f"note  {n}")
    for f in failures:
        print(f"FAIL  {f}")
    print(f"doc examples: {ran} blocks run, {len(failures)} failed, {len(notes)} notes")
    shutil.rmtree(SCRATCH, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

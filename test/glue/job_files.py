"""The files a Glue job script needs at run time, read from its source with ast (no Spark needed).

Usage: python3 job_files.py <script.py>. Prints JSON:
  imports    local modules the script imports (a <name>.py beside it), and theirs in turn
  resources  names passed to resource_text (read from beside spark_dialect, i.e. from the support zip)
  opens      names passed to open() (read from the working directory, i.e. --extra-files)
Both also through functions that pass their one parameter on, such as sql_file(name) -> resource_text(f"{name}.sql").
  unresolved calls whose file name is not a literal this scanner can follow (the test fails on any)
A name may come from a literal, or a variable looping over a literal list or tuple (for, comprehension, or a
module-level constant), so SQL names built from a list are found too.
"""
import ast
import json
import os
import sys

READER = "resource_text"


def literal_strings(node):
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, (ast.List, ast.Tuple)) and all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts):
        return [e.value for e in node.elts]
    return None


def loop_bindings(tree):
    """name -> the literal strings it takes: module constants, for loops and comprehensions over literals."""
    bound = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            values = literal_strings(node.value)
            if values is not None:
                bound.setdefault(node.targets[0].id, []).extend(values)
        if isinstance(node, (ast.For, ast.comprehension)) and isinstance(node.target, ast.Name):
            values = literal_strings(node.iter)
            if values is None and isinstance(node.iter, ast.Name):
                values = bound.get(node.iter.id)
            if values is not None:
                bound.setdefault(node.target.id, []).extend(values)
    return bound


def reader_functions(tree):
    """Functions f(p) whose body passes p to a reader (resource_text or open), as p or f"<prefix>{p}<suffix>":
    name -> (reader, prefix, suffix)."""
    readers = {}
    for fn in [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]:
        params = [a.arg for a in fn.args.args]
        if len(params) != 1:
            continue
        for call in [n for n in ast.walk(fn) if isinstance(n, ast.Call) and getattr(n.func, "id", None) in (READER, "open")]:
            arg = call.args[0] if call.args else None
            if isinstance(arg, ast.Name) and arg.id == params[0]:
                readers[fn.name] = (call.func.id, "", "")
            elif isinstance(arg, ast.JoinedStr):
                parts = arg.values
                holes = [i for i, p in enumerate(parts) if isinstance(p, ast.FormattedValue)]
                if len(holes) == 1 and getattr(parts[holes[0]].value, "id", None) == params[0]:
                    text = lambda ps: "".join(p.value for p in ps if isinstance(p, ast.Constant))
                    readers[fn.name] = (call.func.id, text(parts[: holes[0]]), text(parts[holes[0] + 1 :]))
    return readers


def parse_local(path, trees, imports):
    """Parses the script and, in turn, every local module it imports: path -> tree."""
    if path in trees:
        return
    with open(path, encoding="utf-8") as f:
        trees[path] = ast.parse(f.read(), path)
    for node in ast.walk(trees[path]):
        modules = []
        if isinstance(node, ast.Import):
            modules = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules = [node.module]
        for module in (m.split(".")[0] for m in modules):
            local = os.path.join(os.path.dirname(path), module + ".py")
            if os.path.exists(local):
                imports.append(module)
                parse_local(local, trees, imports)


def file_reads(path, tree, readers, out):
    """The names one file reads, directly or through the reader functions of any scanned file."""
    bound = loop_bindings(tree)
    reader_bodies = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name in readers]
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
            continue
        fn = node.func.id
        if fn not in (READER, "open") and fn not in readers:
            continue
        if fn in (READER, "open") and any(node in ast.walk(f) for f in reader_bodies):
            continue  # inside a reader function: resolved at its call sites
        arg = node.args[0] if node.args else None
        values = literal_strings(arg) if arg is not None else None
        if values is None and isinstance(arg, ast.Name):
            values = bound.get(arg.id)
        if values is None:
            out["unresolved"].append(f"{os.path.basename(path)}:{node.lineno} {ast.unparse(node)}")
            continue
        reader, prefix, suffix = readers.get(fn, (fn, "", ""))
        out["opens" if reader == "open" else "resources"].extend(prefix + v + suffix for v in values)


def main():
    trees, imports = {}, []
    parse_local(os.path.abspath(sys.argv[1]), trees, imports)
    readers = {name: r for tree in trees.values() for name, r in reader_functions(tree).items()}
    out = {"imports": imports, "resources": [], "opens": [], "unresolved": []}
    for path, tree in trees.items():
        file_reads(path, tree, readers, out)
    print(json.dumps({k: sorted(set(v)) for k, v in out.items()}))


if __name__ == "__main__":
    main()

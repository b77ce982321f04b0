"""DuckDB -> Spark SQL for the curation SQL: the one place the dialects differ (see dialect.json).

The transform SQL calls a few engine-specific functions (the macros of sql/transform/functions.duckdb.sql);
here each call is replaced by its Spark template, arguments rewritten first, so nested calls work. String
literals and comments are left alone. Everything else in the SQL is common to both engines.

On Glue this module arrives in the job's --extra-py-files zip together with dialect.json and the transform SQL
(infra/lib/pipeline/curate-glue-job.ts jobSupportFiles); resource_text reads those files from beside it.
"""
import json
import pkgutil
import re

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def resource_text(name):
    """A file shipped beside this module, by name: from the zip on Glue, from the folder the zip is built from here."""
    data = pkgutil.get_data(__name__, name)
    if data is None:
        raise FileNotFoundError(f"{name} is not beside {__name__}")
    return data.decode("utf-8")


def load_mapping():
    return json.loads(resource_text("dialect.json"))


def strip_comments(sql):
    """Removes -- comments outside string literals."""
    out, i, n = [], 0, len(sql)
    while i < n:
        c = sql[i]
        if c == "'":
            j = sql.index("'", i + 1)
            while j + 1 < n and sql[j + 1] == "'":
                j = sql.index("'", j + 2)
            out.append(sql[i : j + 1])
            i = j + 1
        elif sql.startswith("--", i):
            j = sql.find("\n", i)
            i = n if j == -1 else j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _call_end(sql, open_paren):
    """Index of the parenthesis closing the one at open_paren, and the top-level argument texts."""
    depth, i, start, args = 0, open_paren, open_paren + 1, []
    while i < len(sql):
        c = sql[i]
        if c == "'":
            i = sql.index("'", i + 1)
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                args.append(sql[start:i])
                return i, [a.strip() for a in args if a.strip() or len(args) > 1]
        elif c == "," and depth == 1:
            args.append(sql[start:i])
            start = i + 1
        i += 1
    raise ValueError("unbalanced parentheses in SQL: " + sql[open_paren : open_paren + 60])


def to_spark(sql, mapping):
    """The SQL with every call of a mapped function replaced by its Spark form."""
    rewrite = {k.lower(): v for k, v in mapping["rewrite"].items()}
    sql = strip_comments(sql)
    out, i = [], 0
    while i < len(sql):
        c = sql[i]
        if c == "'":
            j = sql.index("'", i + 1)
            out.append(sql[i : j + 1])
            i = j + 1
            continue
        m = _NAME.match(sql, i)
        if not m:
            out.append(c)
            i += 1
            continue
        name, end = m.group(0), m.end()
        k = end
        while k < len(sql) and sql[k].isspace():
            k += 1
        fn = rewrite.get(name.lower())
        prev = sql[i - 1] if i > 0 else " "
        if fn and k < len(sql) and sql[k] == "(" and prev != ".":
            close, args = _call_end(sql, k)
            if len(args) != len(fn["params"]):
                raise ValueError(f"{name} takes {len(fn['params'])} argument(s), got {len(args)}: {sql[i:close + 1]}")
            values = {p: "(" + to_spark(a, mapping) + ")" for p, a in zip(fn["params"], args)}
            out.append("(" + fn["spark"].format(**values) + ")")
            i = close + 1
        else:
            out.append(name)
            i = end
    return "".join(out)


def render(template, params):
    """{{name}} placeholders, as functions/lib/sql-files.ts renderSql: an unknown one is an error."""

    def value(m):
        key = m.group(1)
        if key not in params:
            raise KeyError(f"SQL template placeholder {{{{{key}}}}} has no value")
        return str(params[key])

    return re.sub(r"\{\{\s*(\w+)\s*\}\}", value, template)

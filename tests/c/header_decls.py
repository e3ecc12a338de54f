"""What the generated C tests read from approvalstudio.h (gen_null_tests.py,
gen_bad_input_suite.py): the exported functions returning apst_result, the parameters their
doc comments say "may be NULL", and parameter lists split into (type, name)."""
import re

DECL = re.compile(
    r"/\*\*(?P<doc>(?:(?!\*/).)*)\*/\s*enum apst_result\s+(?P<name>apst_\w+)\((?P<params>[^;]*?)\);",
    re.S,
)


def optional_names(doc):
    """The parameter names a doc comment says "may be NULL"."""
    doc = " ".join(line.strip().lstrip("*").strip() for line in doc.splitlines())
    names = set()
    for sentence in re.split(r"(?<=[.;])\s+", doc):
        if "may be NULL" in sentence:
            names.update(re.findall(r"`(\w+)`", sentence))
    return names


def split_params(params, drop_struct=False):
    """`const char *a, int b` -> [("const char *", "a"), ("int", "b")]; with drop_struct the
    `struct ` keyword is removed from the types."""
    params = " ".join(params.split())
    if params in ("void", ""):
        return []
    out = []
    for p in params.split(","):
        m = re.match(r"(.*?)(\w+)$", p.strip())
        ty = m.group(1)
        if drop_struct:
            ty = ty.replace("struct ", "")
        out.append((ty.strip(), m.group(2)))
    return out

"""schemathesis, stepping around one CPython bug.

CPython 3.11.7 (the Python of these machines) sometimes raises
"SystemError: AST constructor recursion depth mismatch" inside
`ast.parse` when it is called deep in a stack (fixed in later 3.11
releases). Hypothesis parses the source of a lambda filter only to
describe it; when that SystemError comes, the filter is described as
unknown, which Hypothesis already handles (it samples by rejection), so
the run goes on instead of reporting a runtime error of the tool.
"""

import inspect
import sys

from hypothesis.internal import lambda_sources
from schemathesis.cli import schemathesis

_describe = lambda_sources._lambda_description


def _lambda_description(f, *args, **kwargs):
    try:
        return _describe(f, *args, **kwargs)
    except SystemError:
        params = str(inspect.signature(getattr(f, "__wrapped_target", f)))[1:-1]
        return f"lambda {params}: <unknown>" if params else "lambda: <unknown>"


lambda_sources._lambda_description = _lambda_description

if __name__ == "__main__":
    sys.argv[0] = "schemathesis"
    sys.exit(schemathesis())

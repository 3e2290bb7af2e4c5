"""Regenerates tracebacks.json with the machine's python3 (3.11): what the interactive console
(code.InteractiveConsole, as `flask shell` uses) prints for each statement, with tb_helpers.py
importable as `helpers` from /home/learner/project."""
import code, io, json, os, shutil, sys

here = os.path.dirname(os.path.abspath(__file__))
project = "/home/learner/project"
os.makedirs(project, exist_ok=True)
shutil.copy(os.path.join(here, "tb_helpers.py"), os.path.join(project, "helpers.py"))
sys.path.insert(0, project)
stmts = ["import helpers", "helpers.average([])", "helpers.first([])", "helpers.shout(None)",
         "helpers.Box(2).grow('x')", "helpers.Box(2).area()", "helpers.build()", "helpers.undefined_name()",
         "helpers.multi(1)", "1/0", "x = [1, 2]", "x[5]", "{}['k']", "int('abc')", "undefined", "helpers.ratio(1)",
         "raise ValueError('bad')", "def f():\n    return g()\n", "f()", "len(5)", "'a' + 1", "[1/0 for i in range(2)]",
         "None.foo", "helpers.Box(3).size.bad", "if x = 1: pass", "helpers.countdown(3)",
         "helpers.convert('x')", "helpers.cleanup([])", "helpers.quiet({})", "helpers.finally_fail()",
         "helpers.reraise()",
         "try:\n    1/0\nexcept ZeroDivisionError as e:\n    raise ValueError('x') from e\n",
         "try:\n    {}['a']\nexcept KeyError:\n    print(1 + 'a')\n",
         "try:\n    int('z')\nexcept ValueError as e:\n    raise RuntimeError('wrapped') from KeyError('inner')\n"]
namespace = {}
out = []
for s in stmts:
    buf = io.StringIO()
    c = code.InteractiveConsole(locals=namespace)
    c.write = buf.write
    for line in s.split("\n"):
        c.push(line)
    c.push("")
    out.append({"input": s, "output": buf.getvalue()})
json.dump(out, open(os.path.join(here, "tracebacks.json"), "w"), indent=1)

"""Regenerates tests/ddl/*.json: what real `db.metadata.create_all()` sends for a case's models
in each dialect, captured through `create_mock_engine` with `checkfirst=False`.

    /root/oracle-venv/bin/python tests/ddl/gen_create_all.py tests/cases/448-use-alter-cycle ...

Each JSON file maps a dialect name to the list of statements, as compiled (whitespace kept).
SQLAlchemy keeps the foreign key constraints it adds by ALTER in a set of objects, so the
order of the ALTER statements follows their memory addresses and changes from run to run;
`tests/ddl_scripts.rs` compares that tail as a multiset. Everything before it is in order.
"""
import importlib
import json
import os
import sys
import warnings

from sqlalchemy import create_mock_engine

DIALECTS = ["sqlite", "postgresql", "mysql"]


def statements(metadata, dialect_name):
    out = []

    def dump(sql, *multiparams, **params):
        out.append(str(sql.compile(dialect=engine.dialect)))

    engine = create_mock_engine(dialect_name + "://", dump)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        metadata.create_all(engine, checkfirst=False)
    return out


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    for case in sys.argv[1:]:
        case = os.path.abspath(case)
        sys.path.insert(0, case)
        for name in ("config", "app", "models"):
            sys.modules.pop(name, None)
        for name in ("config", "app", "models"):
            if os.path.exists(os.path.join(case, name + ".py")):
                importlib.import_module(name)
        db = sys.modules["app"].db
        with sys.modules["app"].app.app_context():
            db.Model.registry.configure()
        record = {d: statements(db.metadata, d) for d in DIALECTS}
        sys.path.remove(case)
        out = os.path.join(here, os.path.basename(case) + ".json")
        with open(out, "w") as f:
            json.dump(record, f, indent=1)
            f.write("\n")
        print(out)


if __name__ == "__main__":
    main()

"""Stand-ins for packages the playground does not have (flask_login, jwt, bcrypt, ...).

A stand-in can be read, called, subclassed and used as a decorator, so that a project that
imports such a package still loads and its models map as they would for real.
"""

_bases = {}


class StandIn:
    """An opaque object standing in for `path` (`flask_login.UserMixin`)."""

    def __init__(self, path):
        object.__setattr__(self, "_standin_path", path)

    def __getattr__(self, name):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError("'%s' stand-in has no attribute '%s'" % (self._standin_path, name))
        child = StandIn(self._standin_path + "." + name)
        object.__setattr__(self, name, child)
        return child

    def __call__(self, *args, **kwargs):
        # Used as a decorator (`@login_manager.user_loader`, `@login_required`): keep the
        # decorated function or class unchanged.
        if len(args) == 1 and not kwargs and (callable(args[0]) and not isinstance(args[0], StandIn)):
            return args[0]
        return StandIn(self._standin_path + "()")

    def __mro_entries__(self, bases):
        # `class User(db.Model, UserMixin)`: a real, empty class takes the stand-in's place.
        path = self._standin_path
        if path not in _bases:
            module, _, name = path.rpartition(".")
            _bases[path] = type(name or path, (object,), {"__module__": module or path})
        return (_bases[path],)

    def __getitem__(self, key):
        return StandIn(self._standin_path + "[]")

    def __iter__(self):
        return iter(())

    def __len__(self):
        return 0

    def __bool__(self):
        return True

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def __repr__(self):
        return "<stand-in for %s>" % (self._standin_path,)


def module_getattr(module_name):
    def __getattr__(name):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError("module '%s' has no attribute '%s'" % (module_name, name))
        return StandIn(module_name + "." + name)
    return __getattr__

# sqlalchemy.event, as our interpreter runs it: listen() / listens_for() / contains() /
# remove(). Attribute "set" listeners are kept by the engine (_attribute_listen) and fired
# when the attribute is set, as AttributeImpl.fire_replace_event does; the other events are
# recorded here (contains() sees them) but not fired by the engine yet.


class symbol:
    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return "symbol(%r)" % self.name


NO_VALUE = symbol('NO_VALUE')


class AttributeEventToken:
    def __init__(self, key, op):
        self.key = key
        self.op = op


_registry = []

_ATTRIBUTE_EVENTS = ('set', 'append', 'remove', 'init_scalar', 'init_collection',
                     'dispose_collection', 'modified', 'bulk_replace', 'append_wo_mutation')


def listen(target, identifier, fn, *args, **kw):
    if identifier == 'set' and _is_attribute(target):
        _attribute_listen(target, fn, bool(kw.get('retval', False)), NO_VALUE,
                          AttributeEventToken(_attribute_key(target), symbol('SET')))
    _registry.append((target, identifier, fn))


def listens_for(target, identifier, *args, **kw):
    def decorate(fn):
        listen(target, identifier, fn, *args, **kw)
        return fn

    return decorate


def contains(target, identifier, fn):
    return any(t is target and i == identifier and f is fn for t, i, f in _registry)


def remove(target, identifier, fn):
    for n, (t, i, f) in enumerate(_registry):
        if t is target and i == identifier and f is fn:
            del _registry[n]
            if identifier == 'set' and _is_attribute(target):
                _attribute_unlisten(target, fn)
            return
    raise _InvalidRequestError(
        "No listeners found for event %s / %r / %s " % (target, identifier, fn))

# sqlalchemy.orm.validates, as our interpreter runs it: the decorator marks the method
# with the attribute names it validates; the mapper collects the marked methods.


def validates(*names, include_removes=False, include_backrefs=True):
    def wrap(fn):
        fn.__sa_validators__ = names
        fn.__sa_validation_opts__ = {
            'include_removes': include_removes,
            'include_backrefs': include_backrefs,
        }
        return fn

    return wrap

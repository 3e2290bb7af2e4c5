# sqlalchemy.ext.hybrid, as our interpreter runs it: the descriptors of
# lib/sqlalchemy/ext/hybrid.py without their annotation machinery.


def _unwrap_classmethod(meth):
    if isinstance(meth, classmethod):
        return meth.__func__
    return meth


class hybrid_method:
    def __init__(self, func, expr=None):
        self.func = func
        self.expr = _unwrap_classmethod(expr or func)
        self.__doc__ = getattr(func, '__doc__', None)

    @property
    def inplace(self):
        return self

    def __get__(self, instance, owner):
        if instance is None:
            return self.expr.__get__(owner, owner.__class__)
        return self.func.__get__(instance, owner)

    def expression(self, expr):
        self.expr = _unwrap_classmethod(expr)
        return self


class _InPlace:
    """`hybrid_property.inplace`: the same modifiers, changing the hybrid itself."""

    def __init__(self, attr):
        self.attr = attr

    def _set(self, **kw):
        for k, v in kw.items():
            setattr(self.attr, k, v)
        return self.attr

    def getter(self, fget):
        return self._set(fget=fget)

    def setter(self, fset):
        return self._set(fset=fset)

    def deleter(self, fdel):
        return self._set(fdel=fdel)

    def expression(self, expr):
        return self._set(expr=_unwrap_classmethod(expr))

    def comparator(self, comparator):
        return self._set(custom_comparator=_unwrap_classmethod(comparator))

    def update_expression(self, meth):
        return self._set(update_expr=_unwrap_classmethod(meth))


class hybrid_property:
    is_attribute = True

    def __init__(self, fget, fset=None, fdel=None, expr=None, custom_comparator=None, update_expr=None):
        self.fget = fget
        self.fset = fset
        self.fdel = fdel
        self.expr = _unwrap_classmethod(expr)
        self.custom_comparator = _unwrap_classmethod(custom_comparator)
        self.update_expr = _unwrap_classmethod(update_expr)
        self.__doc__ = getattr(fget, '__doc__', None)
        self.__name__ = fget.__name__

    @property
    def inplace(self):
        return _InPlace(self)

    def __get__(self, instance, owner):
        if owner is None:
            return self
        if instance is None:
            return _proxy_key((self.expr or self.fget)(owner), self.__name__)
        return self.fget(instance)

    def __set__(self, instance, value):
        if self.fset is None:
            raise AttributeError("can't set attribute")
        self.fset(instance, value)

    def __delete__(self, instance):
        if self.fdel is None:
            raise AttributeError("can't delete attribute")
        self.fdel(instance)

    def _copy(self, **kw):
        args = dict(fget=self.fget, fset=self.fset, fdel=self.fdel, expr=self.expr,
                    custom_comparator=self.custom_comparator, update_expr=self.update_expr)
        args.update(kw)
        return hybrid_property(**args)

    def getter(self, fget):
        return self._copy(fget=fget)

    def setter(self, fset):
        return self._copy(fset=fset)

    def deleter(self, fdel):
        return self._copy(fdel=fdel)

    def expression(self, expr):
        return self._copy(expr=expr)

    def comparator(self, comparator):
        return self._copy(custom_comparator=comparator)

    def update_expression(self, meth):
        return self._copy(update_expr=meth)

# sqlalchemy.event, as our interpreter runs it: listen() / listens_for() / contains() /
# remove(), with the target each event family accepts (`_accept_with` of MapperEvents,
# InstanceEvents, SessionEvents, AttributeEvents, PoolEvents, ConnectionEvents, DDLEvents) and
# SQLAlchemy's errors for the others.
#
# The listeners are kept here; the engine calls `_dispatch_mapper`, `_dispatch_instance`,
# `_dispatch_session`, `_dispatch_engine` and `_dispatch_ddl` at the moments SQLAlchemy
# dispatches those events (events.rs), once a listener of that family exists (`_activate`).
# Attribute listeners ('set', 'append', 'remove', 'init_scalar', ...) are kept by the engine too
# (`_attribute_listen`), which fires them as the attribute is set or its collection changes.
# Also here: the `Connection` listeners receive (its `execute()` runs on the engine's
# connection), the pool's `_ConnectionRecord` and its DB-API connection (`sqlite3.Connection`,
# lib/sqlite3.py), and `DDL`.


class symbol:
    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return "symbol(%r)" % self.name


class LoaderCallableStatus:
    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return "LoaderCallableStatus.%s" % self.name

    __str__ = __repr__


NO_VALUE = LoaderCallableStatus('NO_VALUE')


class AttributeEventToken:
    def __init__(self, key, op):
        self.key = key
        self.op = op


# What the listeners of the flush receive: the objects SQLAlchemy passes, by their names.
class UOWTransaction:
    def __init__(self, session):
        self.session = session


UOWTransaction.__module__ = 'sqlalchemy.orm.unitofwork'


class SessionTransaction:
    """A session's transaction as its events' listeners receive it: the root one the session
    autobegins, or the subtransaction a flush runs in (`parent` the root)."""

    def __init__(self, session, parent=None, nested=False):
        self.session = session
        self._parent = parent
        self.nested = nested

    @property
    def parent(self):
        return self._parent


SessionTransaction.__module__ = 'sqlalchemy.orm.session'


class Connection:
    """What engine and mapper event listeners receive as the connection."""

    def __init__(self, engine=None, session=None, handle=None):
        self.engine = engine
        self._session = session
        self._handle = handle

    @property
    def info(self):
        # The DB-API connection's record's `info`, shared by every Connection on it.
        return _pool_entry(self.engine)[2].info

    def execute(self, statement, parameters=None, execution_options=None):
        if isinstance(statement, DDL):
            return _conn_exec_sql(self._handle, statement._compile(None))
        if self._session is None:
            return _conn_execute(self._handle, statement, parameters)
        return self._session.execute(statement, parameters)

    def exec_driver_sql(self, statement, parameters=None, execution_options=None):
        return _conn_exec_sql(self._handle, statement)


class DDL:
    """`sqlalchemy.DDL`: a literal DDL statement; as a DDL event listener it is executed on
    the connection, `%(table)s`, `%(schema)s` and `%(fullname)s` filled from the target."""

    def __init__(self, statement, context=None):
        if not isinstance(statement, str):
            raise _ArgumentError(
                "Expected a string or unicode SQL statement, got '%r'" % statement)
        self.statement = statement
        self.context = dict(context or {})

    def _compile(self, target):
        context = dict(self.context)
        if target is not None and _is_table(target):
            context.setdefault('table', _quote(target.name))
            context.setdefault('schema', None)
            context.setdefault('fullname', _quote(target.name))
        return self.statement % context

    def __call__(self, target, bind, **kw):
        return _conn_exec_sql(bind._handle, self._compile(target))

    def __repr__(self):
        parts = [repr(self.statement)]
        if self.context:
            parts.append("context=%s" % (self.context,))
        return "<%s@%s; %s>" % (type(self).__name__, id(self), ", ".join(parts))


DDL.__module__ = 'sqlalchemy.sql.ddl'


class SchemaGenerator:
    pass


SchemaGenerator.__module__ = 'sqlalchemy.sql.ddl'


class SchemaDropper:
    pass


SchemaDropper.__module__ = 'sqlalchemy.sql.ddl'


Connection.__module__ = 'sqlalchemy.engine.base'


class Pool:
    pass


Pool.__module__ = 'sqlalchemy.pool.base'


class _ConnectionRecord:
    def __init__(self):
        self.info = {}


_ConnectionRecord.__module__ = 'sqlalchemy.pool.base'


class _ConnectionFairy:
    """The pool's proxy of a checked-out DB-API connection (what `checkout` receives)."""

    def __init__(self, dbapi_connection, record):
        self.dbapi_connection = dbapi_connection
        self._connection_record = record

    @property
    def info(self):
        return self._connection_record.info


_ConnectionFairy.__module__ = 'sqlalchemy.pool.base'


class ExceptionContextImpl:
    """What a `handle_error` listener receives."""

    def __init__(self, exception, sqlalchemy_exception, engine, connection, cursor, statement,
                 parameters, context):
        self.engine = engine
        self.connection = connection
        self.cursor = cursor
        self.sqlalchemy_exception = sqlalchemy_exception
        self.original_exception = exception
        self.execution_context = context
        self.statement = statement
        self.parameters = parameters
        self.is_disconnect = False
        self.invalidate_pool_on_disconnect = True
        self.is_pre_ping = False


ExceptionContextImpl.__module__ = 'sqlalchemy.engine.base'


class SQLiteExecutionContext:
    def __init__(self, connection, cursor, statement, parameters, executemany):
        self.root_connection = connection
        self.cursor = cursor
        self.statement = statement
        self.parameters = parameters
        self.executemany = executemany
        self.engine = connection.engine


SQLiteExecutionContext.__module__ = 'sqlalchemy.dialects.sqlite.base'


class QueryContext:
    pass


QueryContext.__module__ = 'sqlalchemy.orm.context'

_MAPPER_EVENTS = frozenset((
    'before_insert', 'after_insert', 'before_update', 'after_update', 'before_delete',
    'after_delete', 'instrument_class', 'after_mapper_constructed', 'before_mapper_configured',
    'mapper_configured', 'before_configured', 'after_configured'))
_INSTANCE_EVENTS = frozenset((
    'init', 'init_failure', 'load', 'refresh', 'refresh_flush', 'expire', 'pickle', 'unpickle',
    '_sa_event_merge_wo_load'))
_SESSION_EVENTS = frozenset((
    'after_attach', 'after_begin', 'after_bulk_delete', 'after_bulk_update', 'after_commit',
    'after_flush', 'after_flush_postexec', 'after_rollback', 'after_soft_rollback',
    'after_transaction_create', 'after_transaction_end', 'before_attach', 'before_commit',
    'before_flush', 'deleted_to_detached', 'deleted_to_persistent', 'detached_to_persistent',
    'do_orm_execute', 'loaded_as_persistent', 'pending_to_persistent', 'pending_to_transient',
    'persistent_to_deleted', 'persistent_to_detached', 'persistent_to_transient',
    'transient_to_pending'))
# The engine's and its pool's events the engine dispatches (`_dispatch_engine`).
_POOL_EVENTS = frozenset(('connect', 'first_connect', 'checkout', 'checkin'))
_ENGINE_EVENTS = frozenset((
    'engine_connect', 'before_cursor_execute', 'after_cursor_execute', 'handle_error'))
# `DDLEvents` of a Table or a MetaData, dispatched by create_all / drop_all (`_dispatch_ddl`).
_DDL_EVENTS = frozenset(('before_create', 'after_create', 'before_drop', 'after_drop'))
_ATTRIBUTE_EVENTS = frozenset((
    'append', 'append_wo_mutation', 'bulk_replace', 'dispose_collection', 'init_collection',
    'init_scalar', 'modified', 'remove', 'set'))
# Events of the other families (engine, pool, DDL, dialect, query, registry, instrumentation):
# accepted and kept, not fired.
_OTHER_EVENTS = frozenset((
    '_sa_event_column_added_to_pk_constraint', 'after_create', 'after_cursor_execute',
    'after_drop', 'after_execute', 'after_parent_attach', 'attribute_instrument',
    'before_compile', 'before_compile_delete', 'before_compile_update', 'before_create',
    'before_cursor_execute', 'before_drop', 'before_execute', 'before_parent_attach', 'begin',
    'begin_twophase', 'checkin', 'checkout', 'class_instrument', 'class_uninstrument', 'close',
    'close_detached', 'column_reflect', 'commit', 'commit_twophase', 'connect', 'detach',
    'do_connect', 'do_execute', 'do_execute_no_params', 'do_executemany', 'do_setinputsizes',
    'engine_connect', 'engine_disposed', 'first_connect', 'handle_error', 'invalidate',
    'prepare_twophase', 'release_savepoint', 'reset', 'resolve_type_annotation', 'rollback',
    'rollback_savepoint', 'rollback_twophase', 'savepoint', 'set_connection_execution_options',
    'set_engine_execution_options', 'soft_invalidate'))

# The operation of the initiator a listener receives (`OP_REPLACE`, `OP_APPEND`, `OP_REMOVE`).
_ATTRIBUTE_OPS = {'set': 'REPLACE', 'append': 'APPEND', 'remove': 'REMOVE',
                  'init_scalar': 'REPLACE', 'modified': 'MODIFIED',
                  'bulk_replace': 'BULK_REPLACE'}

# (target, identifier, fn, family, dispatch target, propagate, raw, retval, what is called:
# fn, or its `once=True` wrapper)
_registry = []


# The arguments of each event, by name: what a `named=True` listener receives as keywords.
_ARGNAMES = {
    'init': ('target', 'args', 'kwargs'),
    'init_failure': ('target', 'args', 'kwargs'),
    'load': ('target', 'context'),
    'refresh': ('target', 'context', 'attrs'),
    'refresh_flush': ('target', 'flush_context', 'attrs'),
    'expire': ('target', 'attrs'),
    'before_flush': ('session', 'flush_context', 'instances'),
    'after_flush': ('session', 'flush_context'),
    'after_flush_postexec': ('session', 'flush_context'),
    'before_commit': ('session',),
    'after_commit': ('session',),
    'after_rollback': ('session',),
    'after_soft_rollback': ('session', 'previous_transaction'),
    'after_begin': ('session', 'transaction', 'connection'),
    'after_transaction_create': ('session', 'transaction'),
    'after_transaction_end': ('session', 'transaction'),
    'set': ('target', 'value', 'oldvalue', 'initiator'),
    'append': ('target', 'value', 'initiator'),
    'remove': ('target', 'value', 'initiator'),
    'init_scalar': ('target', 'value', 'dict_'),
    'modified': ('target', 'initiator'),
    'bulk_replace': ('target', 'values', 'initiator'),
    'connect': ('dbapi_connection', 'connection_record'),
    'first_connect': ('dbapi_connection', 'connection_record'),
    'checkout': ('dbapi_connection', 'connection_record', 'connection_proxy'),
    'checkin': ('dbapi_connection', 'connection_record'),
    'engine_connect': ('conn',),
    'before_cursor_execute': ('conn', 'cursor', 'statement', 'parameters', 'context',
                              'executemany'),
    'after_cursor_execute': ('conn', 'cursor', 'statement', 'parameters', 'context',
                             'executemany'),
    'handle_error': ('exception_context',),
    'before_create': ('target', 'connection'),
    'after_create': ('target', 'connection'),
    'before_drop': ('target', 'connection'),
    'after_drop': ('target', 'connection'),
}
for _n in ('before_insert', 'after_insert', 'before_update', 'after_update', 'before_delete',
           'after_delete'):
    _ARGNAMES[_n] = ('mapper', 'connection', 'target')
for _n in ('before_attach', 'after_attach', 'transient_to_pending', 'pending_to_persistent',
           'pending_to_transient', 'persistent_to_transient', 'persistent_to_deleted',
           'deleted_to_detached', 'deleted_to_persistent', 'detached_to_persistent',
           'persistent_to_detached', 'loaded_as_persistent'):
    _ARGNAMES[_n] = ('session', 'instance')


def _named(fn, identifier):
    """A `named=True` listener: called with the event's arguments as keywords."""
    argnames = _ARGNAMES.get(identifier, ())

    def wrap(*args, **kw):
        argdict = dict(zip(argnames, args))
        argdict.update(kw)
        return fn(**argdict)

    return wrap


def _only_once(fn, retry_on_exception):
    """`util.only_once`: calls fn the first time (again after an exception, with
    `once_unless_exception=True`), returns None afterwards."""
    once = [fn]

    def go(*arg, **kw):
        if once:
            once_fn = once.pop()
            try:
                return once_fn(*arg, **kw)
            except BaseException:
                if retry_on_exception:
                    once.insert(0, once_fn)
                raise

    return go


def _no_such_event(target, identifier):
    return _InvalidRequestError(
        "No such event '%s' for target '%s'" % (identifier, target))


def _accept(target, identifier, listening=False):
    """`_event_key`: the family of the event and what it listens on, or SQLAlchemy's error."""
    if identifier in _MAPPER_EVENTS:
        if identifier in ('before_configured', 'after_configured'):
            return 'other', target
        if isinstance(target, type):
            # `Mapper` itself: every mapper; a class: its mapper, or held until it is mapped.
            return 'mapper', (None if target is _mapper_type() else target)
        mapped = _mapper_class(target)
        if mapped is not None:
            return 'mapper', mapped
        if listening:
            # `MapperEvents._listen` reaches for the target's dispatch.
            if _is_attribute(target) or _has_dispatch(target):
                raise AttributeError(identifier)
            target.dispatch
        return 'other', target
    if identifier in _INSTANCE_EVENTS:
        if isinstance(target, type):
            return 'instance', (None if target is _mapper_type() else target)
        mapped = _mapper_class(target)
        if mapped is not None:
            return 'instance', mapped
        raise _no_such_event(target, identifier)
    if identifier in _SESSION_EVENTS:
        if _is_scoped(target) or _is_sessionmaker(target):
            return 'session', _session_class()
        if isinstance(target, type):
            if issubclass(target, _session_class()):
                return 'session', target
        elif isinstance(target, _session_class()):
            return 'session', target
        raise _no_such_event(target, identifier)
    if identifier in _POOL_EVENTS:
        # `PoolEvents._accept_with`: an Engine class means every pool; any other class must
        # be a Pool.
        if isinstance(target, type):
            if not issubclass(target, _engine_class()):
                assert issubclass(target, Pool)
            return 'engine', None
        if isinstance(target, _engine_class()):
            return 'engine', target
        raise _no_such_event(target, identifier)
    if identifier in _ENGINE_EVENTS:
        if isinstance(target, type):
            if issubclass(target, _engine_class()) or issubclass(target, Connection):
                return 'engine', None
        elif isinstance(target, _engine_class()) or isinstance(target, Connection):
            return 'engine', target
        raise _no_such_event(target, identifier)
    if identifier in _DDL_EVENTS:
        if _schema_key(target) is not None:
            return 'ddl', _schema_key(target)
        if isinstance(target, type) and target.__module__.startswith('sqlalchemy.sql'):
            # Table, Column, MetaData themselves: accepted, never fired here.
            return 'other', target
        raise _no_such_event(target, identifier)
    if identifier in _ATTRIBUTE_EVENTS:
        if _is_attribute(target):
            return 'attribute', target
        if listening:
            if _has_dispatch(target):
                raise AttributeError(identifier)
            target.dispatch
        return 'other', target
    if identifier in _OTHER_EVENTS:
        return 'other', target
    raise _no_such_event(target, identifier)


def _has_dispatch(target):
    """Is it an Engine, a Table or a MetaData (objects with a `dispatch` of their own)?"""
    return isinstance(target, _engine_class()) or _schema_key(target) is not None


def _same(entry, target, identifier, fn):
    return entry[0] is target and entry[1] == identifier and entry[2] is fn


def listen(target, identifier, fn, *args, **kw):
    family, on = _accept(target, identifier, True)
    propagate = bool(kw.get('propagate', False))
    raw = bool(kw.get('raw', False))
    retval = bool(kw.get('retval', False))
    call = fn
    if kw.get('named', False):
        call = _named(call, identifier)
    if kw.get('once', False) or kw.get('once_unless_exception', False):
        call = _only_once(fn, bool(kw.get('once_unless_exception', False)))
    if family == 'attribute' and identifier in _ATTRIBUTE_OPS:
        _attribute_listen(target, call, retval, NO_VALUE,
                          AttributeEventToken(_attribute_key(target),
                                              symbol(_ATTRIBUTE_OPS[identifier])),
                          identifier, propagate, raw)
    entry = (target, identifier, fn, family, on, propagate, raw, retval, call)
    if kw.get('insert', False):
        _registry.insert(0, entry)
    else:
        _registry.append(entry)
    if family in ('mapper', 'instance', 'session', 'engine', 'ddl'):
        _activate(family)


def listens_for(target, identifier, *args, **kw):
    def decorate(fn):
        listen(target, identifier, fn, *args, **kw)
        return fn

    return decorate


def contains(target, identifier, fn):
    _accept(target, identifier)
    return any(_same(e, target, identifier, fn) for e in _registry)


def remove(target, identifier, fn):
    _accept(target, identifier)
    found = []
    for n in range(len(_registry) - 1, -1, -1):
        if _same(_registry[n], target, identifier, fn):
            found.append(_registry[n][8])
            del _registry[n]
    if not found:
        raise _InvalidRequestError(
            "No listeners found for event %s / %r / %s " % (target, identifier, fn))
    if identifier in _ATTRIBUTE_OPS and _is_attribute(target):
        for call in found:
            _attribute_unlisten(target, call, identifier)


def _class_matches(entry, cls):
    on = entry[4]
    return on is None or cls is on or (entry[5] and issubclass(cls, on))


def _dispatch_mapper(identifier, mapper, target, state, connection):
    """`mapper.dispatch.<identifier>(mapper, connection, state)`."""
    cls = type(target)
    for e in list(_registry):
        if e[1] == identifier and e[3] == 'mapper' and _class_matches(e, cls):
            e[8](mapper, connection, state if e[6] else target)


def _dispatch_instance(identifier, target, state, *args):
    """`manager.dispatch.<identifier>(state, *args)`."""
    cls = type(target)
    for e in list(_registry):
        if e[1] == identifier and e[3] == 'instance' and _class_matches(e, cls):
            e[8](state if e[6] else target, *args)


def _dispatch_session(identifier, session, *args):
    """`session.dispatch.<identifier>(session, *args)`; `args` made here by name."""
    for e in list(_registry):
        if e[1] != identifier or e[3] != 'session':
            continue
        on = e[4]
        if on is session or (isinstance(on, type) and isinstance(session, on)):
            e[8](session, *args)


# The pool of each engine: (engine, DB-API connection, _ConnectionRecord), by id(engine).
_pools = {}


def _pool_entry(engine):
    entry = _pools.get(id(engine))
    if entry is None:
        import sqlite3
        entry = (engine, sqlite3.Connection(engine), _ConnectionRecord())
        _pools[id(engine)] = entry
    return entry


def _fire_engine(identifier, engine, *args):
    for e in list(_registry):
        if e[1] == identifier and e[3] == 'engine' and (e[4] is None or e[4] is engine):
            e[8](*args)


def _dispatch_engine(identifier, engine, connection, *args):
    """The engine's events: `_connect` when a Connection is made (the pool's `first_connect`
    and `connect` on the engine's first), `_before_cursor_execute` / `_after_cursor_execute`
    around a statement."""
    if identifier == '_connect':
        if args[0]:
            _pools.pop(id(engine), None)
            entry = _pool_entry(engine)
            _fire_engine('first_connect', engine, entry[1], entry[2])
            _fire_engine('connect', engine, entry[1], entry[2])
        entry = _pool_entry(engine)
        _fire_engine('checkout', engine, entry[1], entry[2], _ConnectionFairy(entry[1], entry[2]))
        _fire_engine('engine_connect', engine, connection)
        return
    if identifier == '_checkin':
        entry = _pool_entry(engine)
        _fire_engine('checkin', engine, entry[1], entry[2])
        return
    if identifier == '_handle_error':
        return _handle_error(engine, connection, *args)
    statement, parameters, executemany, rowcount = args
    import sqlite3
    cursor = sqlite3.Cursor(_pool_entry(engine)[1])
    cursor.rowcount = rowcount
    context = SQLiteExecutionContext(connection, cursor, statement, parameters, executemany)
    _fire_engine(identifier[1:], engine, connection, cursor, statement, parameters, context,
                 executemany)


def _handle_error(engine, connection, statement, parameters, executemany, exc):
    """`handle_error(context)` for a statement the driver refused: the exception a listener
    returns or raises, to be raised instead, or None."""
    import sqlite3
    cursor = sqlite3.Cursor(_pool_entry(engine)[1])
    context = SQLiteExecutionContext(connection, cursor, statement, parameters, executemany)
    ctx = ExceptionContextImpl(exc.orig, exc, engine, connection, cursor, statement, parameters,
                               context)
    newraise = None
    for e in list(_registry):
        if e[1] == 'handle_error' and e[3] == 'engine' and (e[4] is None or e[4] is engine):
            try:
                per_fn = e[8](ctx)
                if per_fn is not None:
                    ctx.chained_exception = newraise = per_fn
            except Exception as raised:
                newraise = raised
                break
    return newraise


def _dispatch_ddl(identifier, target, key, connection, tables):
    """`target.dispatch.<identifier>(target, connection, **kw)` for a Table (`tables` None)
    or a MetaData."""
    runner = SchemaGenerator() if identifier.endswith('create') else SchemaDropper()
    for e in list(_registry):
        if e[1] != identifier or e[3] != 'ddl' or e[4] != key:
            continue
        if tables is None:
            e[8](target, connection, checkfirst=True, _ddl_runner=runner,
                 _is_metadata_operation=True)
        else:
            e[8](target, connection, tables=tables, checkfirst=True, _ddl_runner=runner)


def _token(key, op):
    """The initiator of an event another attribute started (a backref's `set`)."""
    return AttributeEventToken(key, symbol(op))


_set_dispatchers(_dispatch_mapper, _dispatch_instance, _dispatch_session, Connection,
                 UOWTransaction, SessionTransaction, QueryContext, _token, _dispatch_engine,
                 _dispatch_ddl)

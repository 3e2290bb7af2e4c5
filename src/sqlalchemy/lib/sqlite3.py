# sqlite3, as far as the playground has it: the DB-API connection a pool's `connect` listener
# receives (`dbapi_connection.cursor()`, `.execute()`), on the engine's own database, and the
# DB-API's exceptions (the `orig` of SQLAlchemy's DBAPIError). What runs here is not logged,
# as SQLAlchemy's echo does not see a raw cursor. `_execute` is native (module.rs).

PARSE_DECLTYPES = 1
PARSE_COLNAMES = 2


class Connection:
    def __init__(self, database):
        self._engine = database
        self.isolation_level = ''
        self.row_factory = None
        self.text_factory = str

    def cursor(self):
        return Cursor(self)

    def execute(self, sql, parameters=()):
        return Cursor(self).execute(sql, parameters)

    def executemany(self, sql, seq_of_parameters):
        return Cursor(self).executemany(sql, seq_of_parameters)

    def commit(self):
        pass

    def rollback(self):
        pass

    def close(self):
        pass


class Cursor:
    def __init__(self, connection):
        self.connection = connection
        self.rowcount = -1
        self.lastrowid = None
        self.description = None
        self.arraysize = 1
        self._rows = []

    def execute(self, sql, parameters=()):
        columns, rows, changes, lastrowid = _execute(self.connection._engine, sql, tuple(parameters))
        if columns:
            self.description = tuple((c, None, None, None, None, None, None) for c in columns)
            self.rowcount = -1
        else:
            self.description = None
            head = sql.lstrip().split(None, 1)[0].upper() if sql.strip() else ''
            self.rowcount = changes if head in ('INSERT', 'UPDATE', 'DELETE', 'REPLACE') else -1
            if head in ('INSERT', 'REPLACE'):
                self.lastrowid = lastrowid
        self._rows = rows
        return self

    def executemany(self, sql, seq_of_parameters):
        total = 0
        for parameters in seq_of_parameters:
            self.execute(sql, parameters)
            total += max(self.rowcount, 0)
        self.rowcount = total
        return self

    def fetchone(self):
        if self._rows:
            return self._rows.pop(0)
        return None

    def fetchmany(self, size=None):
        n = self.arraysize if size is None else size
        rows, self._rows = self._rows[:n], self._rows[n:]
        return rows

    def fetchall(self):
        rows, self._rows = self._rows, []
        return rows

    def close(self):
        self._rows = []

    def __iter__(self):
        while self._rows:
            yield self._rows.pop(0)

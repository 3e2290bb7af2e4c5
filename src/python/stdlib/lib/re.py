"""The `re` module: compile, match, search, fullmatch, findall, finditer, sub, subn, split, escape.

Matching runs on the `regex-lite` crate (through `_regex`); Python-only syntax (backreferences in
patterns, lookaround) is not supported.
"""

import _regex

__all__ = ["match", "fullmatch", "search", "sub", "subn", "split", "findall", "finditer", "compile", "purge",
           "template", "escape", "error", "Pattern", "Match", "A", "I", "L", "M", "S", "X", "U", "ASCII",
           "IGNORECASE", "LOCALE", "MULTILINE", "DOTALL", "VERBOSE", "UNICODE", "NOFLAG", "RegexFlag"]


class RegexFlag(int):
    pass


_FLAG_NAMES = [(256, "ASCII"), (2, "IGNORECASE"), (4, "LOCALE"), (8, "MULTILINE"), (16, "DOTALL"),
               (32, "UNICODE"), (64, "VERBOSE"), (128, "DEBUG")]


class _Flag:
    __tp_name__ = "re.RegexFlag"

    def __init__(self, value):
        self.value = value

    def __repr__(self):
        names = ["re." + name for bit, name in _FLAG_NAMES if self.value & bit]
        if not names:
            return "re.NOFLAG"
        return "|".join(names)

    __str__ = __repr__

    def __or__(self, other):
        return _Flag(self.value | int(other))

    __ror__ = __or__

    def __and__(self, other):
        return _Flag(self.value & int(other))

    __rand__ = __and__

    def __int__(self):
        return self.value

    __index__ = __int__

    def __eq__(self, other):
        return self.value == int(other) if isinstance(other, (int, _Flag)) else NotImplemented

    def __hash__(self):
        return hash(self.value)

    def __bool__(self):
        return self.value != 0


NOFLAG = _Flag(0)
A = ASCII = _Flag(256)
I = IGNORECASE = _Flag(2)  # noqa: E741
L = LOCALE = _Flag(4)
M = MULTILINE = _Flag(8)
S = DOTALL = _Flag(16)
U = UNICODE = _Flag(32)
X = VERBOSE = _Flag(64)
T = TEMPLATE = _Flag(1)
DEBUG = _Flag(128)


class error(Exception):
    """Exception raised for invalid regular expressions."""

    def __init__(self, msg, pattern=None, pos=None):
        Exception.__init__(self, msg)
        self.msg = msg
        self.pattern = pattern
        self.pos = pos


class Match:
    def __init__(self, pattern, string, spans, pos, endpos):
        self.re = pattern
        self.string = string
        self._spans = spans
        self.pos = pos
        self.endpos = endpos

    def _index(self, g):
        if isinstance(g, str):
            if g in self.re.groupindex:
                return self.re.groupindex[g]
            raise IndexError("no such group")
        if isinstance(g, int) and 0 <= g < len(self._spans):
            return g
        raise IndexError("no such group")

    def _get(self, g, default=None):
        start, end = self._spans[self._index(g)]
        if start < 0:
            return default
        return self.string[start:end]

    def group(self, *groups):
        if not groups:
            return self._get(0)
        if len(groups) == 1:
            return self._get(groups[0])
        return tuple([self._get(g) for g in groups])

    def __getitem__(self, g):
        return self._get(g)

    def groups(self, default=None):
        return tuple([self._get(k, default) for k in range(1, len(self._spans))])

    def groupdict(self, default=None):
        return {name: self._get(index, default) for name, index in self.re.groupindex.items()}

    def start(self, group=0):
        return self._spans[self._index(group)][0]

    def end(self, group=0):
        return self._spans[self._index(group)][1]

    def span(self, group=0):
        return tuple(self._spans[self._index(group)])

    @property
    def lastindex(self):
        last = None
        best_end = -1
        for k in range(1, len(self._spans)):
            start, end = self._spans[k]
            if start >= 0 and end >= best_end:
                last = k
                best_end = end
        return last

    @property
    def lastgroup(self):
        index = self.lastindex
        for name, k in self.re.groupindex.items():
            if k == index:
                return name
        return None

    def expand(self, template):
        return _expand(self, template)

    def __bool__(self):
        return True

    def __repr__(self):
        return "<re.Match object; span=%r, match=%r>" % (self.span(), self.group())


Match.__module__ = "re"


class Pattern:
    def __init__(self, pattern, flags):
        self.pattern = pattern
        self.flags = int(flags) | (32 if isinstance(pattern, str) and not int(flags) & 256 else 0)
        self._flags_given = int(flags)
        try:
            self._compiled = _regex.compile(pattern, int(flags))
        except ValueError as e:
            raise error(str(e), pattern) from None
        names = _regex.groups(self._compiled)
        self.groups = len(names)
        self.groupindex = {}
        for k, name in enumerate(names):
            if name is not None:
                self.groupindex[name] = k + 1

    def _run(self, string, pos, endpos, mode):
        if not isinstance(string, str):
            raise TypeError("expected string or bytes-like object, got '%s'" % type(string).__name__)
        if endpos is None:
            endpos = len(string)
        spans = _regex.search(self._compiled, string, pos, endpos, mode)
        if spans is None:
            return None
        return Match(self, string, spans, pos, endpos)

    def search(self, string, pos=0, endpos=None):
        return self._run(string, pos, endpos, 0)

    def match(self, string, pos=0, endpos=None):
        return self._run(string, pos, endpos, 1)

    def fullmatch(self, string, pos=0, endpos=None):
        return self._run(string, pos, endpos, 2)

    def finditer(self, string, pos=0, endpos=None):
        out = []
        if endpos is None:
            endpos = len(string)
        while pos <= endpos:
            m = self._run(string, pos, endpos, 0)
            if m is None:
                break
            out.append(m)
            start, end = m.span()
            pos = end + 1 if end == start else end
        return iter(out)

    def findall(self, string, pos=0, endpos=None):
        out = []
        for m in self.finditer(string, pos, endpos):
            if self.groups == 0:
                out.append(m.group())
            elif self.groups == 1:
                out.append(m.group(1) or "")
            else:
                out.append(tuple([g or "" for g in m.groups()]))
        return out

    def subn(self, repl, string, count=0):
        parts = []
        last = 0
        n = 0
        for m in self.finditer(string):
            if count and n >= count:
                break
            start, end = m.span()
            parts.append(string[last:start])
            if callable(repl):
                parts.append(repl(m))
            else:
                parts.append(_expand(m, repl))
            last = end
            n += 1
        parts.append(string[last:])
        return "".join(parts), n

    def sub(self, repl, string, count=0):
        return self.subn(repl, string, count)[0]

    def split(self, string, maxsplit=0):
        out = []
        last = 0
        n = 0
        for m in self.finditer(string):
            if maxsplit and n >= maxsplit:
                break
            start, end = m.span()
            out.append(string[last:start])
            out.extend(m.groups())
            last = end
            n += 1
        out.append(string[last:])
        return out

    def __repr__(self):
        flags = self._flags_given
        if flags:
            return "re.compile(%r, %r)" % (self.pattern, _Flag(flags))
        return "re.compile(%r)" % (self.pattern,)

    def __eq__(self, other):
        return isinstance(other, Pattern) and self.pattern == other.pattern and self.flags == other.flags

    def __hash__(self):
        return hash((self.pattern, self.flags))


Pattern.__module__ = "re"


def _expand(m, template):
    out = []
    i = 0
    n = len(template)
    while i < n:
        ch = template[i]
        if ch != "\\" or i + 1 >= n:
            out.append(ch)
            i += 1
            continue
        nxt = template[i + 1]
        if nxt.isdigit():
            j = i + 1
            while j < n and j < i + 3 and template[j].isdigit():
                j += 1
            out.append(m.group(int(template[i + 1:j])) or "")
            i = j
        elif nxt == "g" and i + 2 < n and template[i + 2] == "<":
            close = template.index(">", i + 3)
            name = template[i + 3:close]
            out.append(m.group(int(name) if name.isdigit() else name) or "")
            i = close + 1
        else:
            escapes = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", "f": "\f", "v": "\v", "a": "\a"}
            if nxt in escapes:
                out.append(escapes[nxt])
            elif nxt.isalpha():
                raise error("bad escape \\%s at position %d" % (nxt, i))
            else:
                out.append("\\" + nxt)
            i += 2
    return "".join(out)


_cache = {}


def compile(pattern, flags=0):
    if isinstance(pattern, Pattern):
        if flags:
            raise ValueError("cannot process flags argument with a compiled pattern")
        return pattern
    key = (pattern, int(flags))
    if key not in _cache:
        _cache[key] = Pattern(pattern, flags)
    return _cache[key]


def purge():
    _cache.clear()


def match(pattern, string, flags=0):
    return compile(pattern, flags).match(string)


def fullmatch(pattern, string, flags=0):
    return compile(pattern, flags).fullmatch(string)


def search(pattern, string, flags=0):
    return compile(pattern, flags).search(string)


def sub(pattern, repl, string, count=0, flags=0):
    return compile(pattern, flags).sub(repl, string, count)


def subn(pattern, repl, string, count=0, flags=0):
    return compile(pattern, flags).subn(repl, string, count)


def split(pattern, string, maxsplit=0, flags=0):
    return compile(pattern, flags).split(string, maxsplit)


def findall(pattern, string, flags=0):
    return compile(pattern, flags).findall(string)


def finditer(pattern, string, flags=0):
    return compile(pattern, flags).finditer(string)


_special_chars = "()[]{}?*+-|^$\\.&~# \t\n\r\v\f"


def escape(pattern):
    return "".join(["\\" + c if c in _special_chars else c for c in pattern])

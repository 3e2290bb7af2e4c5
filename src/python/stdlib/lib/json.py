"""The `json` module: dumps/dump/loads/load with CPython 3.11's formatting and error messages."""

__all__ = ["dump", "dumps", "load", "loads", "JSONDecoder", "JSONDecodeError", "JSONEncoder"]


class JSONDecodeError(ValueError):
    """Subclass of ValueError with the following additional properties: msg, doc, pos, lineno, colno."""

    def __init__(self, msg, doc, pos):
        lineno = doc.count("\n", 0, pos) + 1
        colno = pos - doc.rfind("\n", 0, pos)
        errmsg = "%s: line %d column %d (char %d)" % (msg, lineno, colno, pos)
        ValueError.__init__(self, errmsg)
        self.msg = msg
        self.doc = doc
        self.pos = pos
        self.lineno = lineno
        self.colno = colno


JSONDecodeError.__module__ = "json.decoder"

_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


def _encode_str(s, ensure_ascii):
    out = ['"']
    for ch in s:
        esc = _ESCAPES.get(ch)
        if esc is not None:
            out.append(esc)
            continue
        n = ord(ch)
        if n < 0x20 or (ensure_ascii and n > 0x7E):
            if n > 0xFFFF:
                n -= 0x10000
                out.append("\\u%04x\\u%04x" % (0xD800 | ((n >> 10) & 0x3FF), 0xDC00 | (n & 0x3FF)))
            else:
                out.append("\\u%04x" % n)
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _float_str(o, allow_nan):
    if o != o:
        text = "NaN"
    elif o == float("inf"):
        text = "Infinity"
    elif o == float("-inf"):
        text = "-Infinity"
    else:
        return repr(o)
    if not allow_nan:
        raise ValueError("Out of range float values are not JSON compliant")
    return text


class JSONEncoder(object):
    item_separator = ", "
    key_separator = ": "

    def __init__(self, *, skipkeys=False, ensure_ascii=True, check_circular=True, allow_nan=True, sort_keys=False,
                 indent=None, separators=None, default=None):
        self.skipkeys = skipkeys
        self.ensure_ascii = ensure_ascii
        self.check_circular = check_circular
        self.allow_nan = allow_nan
        self.sort_keys = sort_keys
        self.indent = indent
        if separators is not None:
            self.item_separator, self.key_separator = separators
        elif indent is not None:
            self.item_separator = ","
        if default is not None:
            self.default = default

    def default(self, o):
        raise TypeError("Object of type %s is not JSON serializable" % (o.__class__.__name__,))

    def encode(self, o):
        return "".join(self.iterencode(o))

    def iterencode(self, o, _one_shot=False):
        indent = self.indent
        if indent is not None and not isinstance(indent, str):
            indent = " " * indent
        out = []
        self._encode(o, out, 0, indent, [])
        return out

    def _encode(self, o, out, level, indent, stack):
        if isinstance(o, str):
            out.append(_encode_str(o if type(o) is str else o + "", self.ensure_ascii))
        elif o is None:
            out.append("null")
        elif o is True:
            out.append("true")
        elif o is False:
            out.append("false")
        elif isinstance(o, int):
            out.append(str(int(o)))
        elif isinstance(o, float):
            out.append(_float_str(float(o), self.allow_nan))
        elif isinstance(o, (list, tuple)):
            self._encode_list(o, out, level, indent, stack)
        elif isinstance(o, dict):
            self._encode_dict(o, out, level, indent, stack)
        else:
            if self.check_circular:
                for seen in stack:
                    if seen is o:
                        raise ValueError("Circular reference detected")
            stack.append(o)
            self._encode(self.default(o), out, level, indent, stack)
            stack.pop()

    def _check(self, o, stack):
        if self.check_circular:
            for seen in stack:
                if seen is o:
                    raise ValueError("Circular reference detected")

    def _encode_list(self, lst, out, level, indent, stack):
        if not lst:
            out.append("[]")
            return
        self._check(lst, stack)
        stack.append(lst)
        out.append("[")
        if indent is not None:
            level += 1
            newline_indent = "\n" + indent * level
            separator = self.item_separator + newline_indent
            out.append(newline_indent)
        else:
            newline_indent = None
            separator = self.item_separator
        first = True
        for value in lst:
            if not first:
                out.append(separator)
            first = False
            self._encode(value, out, level, indent, stack)
        if newline_indent is not None:
            level -= 1
            out.append("\n" + indent * level)
        out.append("]")
        stack.pop()

    def _encode_dict(self, dct, out, level, indent, stack):
        if not dct:
            out.append("{}")
            return
        self._check(dct, stack)
        stack.append(dct)
        out.append("{")
        if indent is not None:
            level += 1
            newline_indent = "\n" + indent * level
            item_separator = self.item_separator + newline_indent
            out.append(newline_indent)
        else:
            newline_indent = None
            item_separator = self.item_separator
        first = True
        items = list(dct.items())
        if self.sort_keys:
            items = sorted(items, key=lambda kv: kv[0])
        for key, value in items:
            if isinstance(key, str):
                key = key if type(key) is str else key + ""
            elif isinstance(key, float):
                key = _float_str(key, self.allow_nan)
            elif key is True:
                key = "true"
            elif key is False:
                key = "false"
            elif key is None:
                key = "null"
            elif isinstance(key, int):
                key = str(int(key))
            elif self.skipkeys:
                continue
            else:
                raise TypeError("keys must be str, int, float, bool or None, not %s" % (key.__class__.__name__,))
            if not first:
                out.append(item_separator)
            first = False
            out.append(_encode_str(key, self.ensure_ascii))
            out.append(self.key_separator)
            self._encode(value, out, level, indent, stack)
        if newline_indent is not None:
            level -= 1
            out.append("\n" + indent * level)
        out.append("}")
        stack.pop()


def dumps(obj, *, skipkeys=False, ensure_ascii=True, check_circular=True, allow_nan=True, cls=None, indent=None,
          separators=None, default=None, sort_keys=False, **kw):
    if cls is None:
        cls = JSONEncoder
    return cls(skipkeys=skipkeys, ensure_ascii=ensure_ascii, check_circular=check_circular, allow_nan=allow_nan,
               indent=indent, separators=separators, default=default, sort_keys=sort_keys, **kw).encode(obj)


def dump(obj, fp, **kw):
    fp.write(dumps(obj, **kw))


_WS = " \t\n\r"


class _Parser:
    def __init__(self, s, object_hook, parse_float, parse_int, object_pairs_hook, strict):
        self.s = s
        self.object_hook = object_hook
        self.parse_float = parse_float
        self.parse_int = parse_int
        self.object_pairs_hook = object_pairs_hook
        self.strict = strict

    def skip(self, i):
        s = self.s
        n = len(s)
        while i < n and s[i] in _WS:
            i += 1
        return i

    def value(self, i):
        s = self.s
        if i >= len(s):
            raise JSONDecodeError("Expecting value", s, i)
        ch = s[i]
        if ch == '"':
            return self.string(i + 1)
        if ch == "{":
            return self.object(i + 1)
        if ch == "[":
            return self.array(i + 1)
        if ch == "n" and s[i:i + 4] == "null":
            return None, i + 4
        if ch == "t" and s[i:i + 4] == "true":
            return True, i + 4
        if ch == "f" and s[i:i + 5] == "false":
            return False, i + 5
        if ch == "N" and s[i:i + 3] == "NaN":
            return float("nan"), i + 3
        if ch == "I" and s[i:i + 8] == "Infinity":
            return float("inf"), i + 8
        if ch == "-" and s[i:i + 9] == "-Infinity":
            return float("-inf"), i + 9
        return self.number(i)

    def number(self, i):
        s = self.s
        n = len(s)
        j = i
        if j < n and s[j] == "-":
            j += 1
        if j < n and s[j] == "0":
            j += 1
        elif j < n and s[j] in "123456789":
            while j < n and s[j] in "0123456789":
                j += 1
        else:
            raise JSONDecodeError("Expecting value", s, i)
        is_float = False
        if j + 1 < n and s[j] == "." and s[j + 1] in "0123456789":
            is_float = True
            j += 1
            while j < n and s[j] in "0123456789":
                j += 1
        if j < n and s[j] in "eE":
            k = j + 1
            if k < n and s[k] in "+-":
                k += 1
            if k < n and s[k] in "0123456789":
                is_float = True
                while k < n and s[k] in "0123456789":
                    k += 1
                j = k
        text = s[i:j]
        if is_float:
            return (self.parse_float or float)(text), j
        return (self.parse_int or int)(text), j

    def string(self, i):
        s = self.s
        n = len(s)
        begin = i - 1
        out = []
        while True:
            if i >= n:
                raise JSONDecodeError("Unterminated string starting at", s, begin)
            ch = s[i]
            if ch == '"':
                return "".join(out), i + 1
            if ch == "\\":
                i += 1
                if i >= n:
                    raise JSONDecodeError("Unterminated string starting at", s, begin)
                esc = s[i]
                if esc == "u":
                    code = self.hex4(i + 1, i - 1)
                    i += 5
                    if 0xD800 <= code <= 0xDBFF and s[i:i + 2] == "\\u":
                        low = self.hex4(i + 2, i)
                        if 0xDC00 <= low <= 0xDFFF:
                            code = 0x10000 + (((code - 0xD800) << 10) | (low - 0xDC00))
                            i += 6
                    out.append(chr(code))
                    continue
                mapping = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
                if esc not in mapping:
                    raise JSONDecodeError("Invalid \\escape", s, i - 1)
                out.append(mapping[esc])
                i += 1
                continue
            if self.strict and ord(ch) < 0x20:
                raise JSONDecodeError("Invalid control character at", s, i)
            out.append(ch)
            i += 1

    def hex4(self, i, errpos):
        text = self.s[i:i + 4]
        if len(text) == 4 and all(c in "0123456789abcdefABCDEF" for c in text):
            return int(text, 16)
        raise JSONDecodeError("Invalid \\uXXXX escape", self.s, errpos)

    def object(self, i):
        s = self.s
        pairs = []
        i = self.skip(i)
        if i < len(s) and s[i] == "}":
            return self.finish_object(pairs), i + 1
        while True:
            if i >= len(s) or s[i] != '"':
                raise JSONDecodeError("Expecting property name enclosed in double quotes", s, i)
            key, i = self.string(i + 1)
            i = self.skip(i)
            if i >= len(s) or s[i] != ":":
                raise JSONDecodeError("Expecting ':' delimiter", s, i)
            i = self.skip(i + 1)
            value, i = self.value(i)
            pairs.append((key, value))
            i = self.skip(i)
            if i < len(s) and s[i] == "}":
                return self.finish_object(pairs), i + 1
            if i >= len(s) or s[i] != ",":
                raise JSONDecodeError("Expecting ',' delimiter", s, i)
            i = self.skip(i + 1)

    def finish_object(self, pairs):
        if self.object_pairs_hook is not None:
            return self.object_pairs_hook(pairs)
        d = dict(pairs)
        if self.object_hook is not None:
            return self.object_hook(d)
        return d

    def array(self, i):
        s = self.s
        values = []
        i = self.skip(i)
        if i < len(s) and s[i] == "]":
            return values, i + 1
        while True:
            value, i = self.value(i)
            values.append(value)
            i = self.skip(i)
            if i < len(s) and s[i] == "]":
                return values, i + 1
            if i >= len(s) or s[i] != ",":
                raise JSONDecodeError("Expecting ',' delimiter", s, i)
            i = self.skip(i + 1)


class JSONDecoder(object):
    def __init__(self, *, object_hook=None, parse_float=None, parse_int=None, parse_constant=None, strict=True,
                 object_pairs_hook=None):
        self.object_hook = object_hook
        self.parse_float = parse_float
        self.parse_int = parse_int
        self.strict = strict
        self.object_pairs_hook = object_pairs_hook

    def decode(self, s):
        p = _Parser(s, self.object_hook, self.parse_float, self.parse_int, self.object_pairs_hook, self.strict)
        i = p.skip(0)
        value, end = p.value(i)
        end = p.skip(end)
        if end != len(s):
            raise JSONDecodeError("Extra data", s, end)
        return value


def loads(s, *, cls=None, object_hook=None, parse_float=None, parse_int=None, parse_constant=None,
          object_pairs_hook=None, **kw):
    if isinstance(s, str):
        if s.startswith("\ufeff"):
            raise JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", s, 0)
    elif isinstance(s, bytes):
        s = s.decode("utf-8")
    else:
        raise TypeError("the JSON object must be str, bytes or bytearray, not %s" % (s.__class__.__name__,))
    if cls is None:
        cls = JSONDecoder
    return cls(object_hook=object_hook, parse_float=parse_float, parse_int=parse_int,
               object_pairs_hook=object_pairs_hook, **kw).decode(s)


def load(fp, **kw):
    return loads(fp.read(), **kw)

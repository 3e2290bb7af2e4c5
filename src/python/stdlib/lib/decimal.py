"""The `decimal` module: Decimal with CPython 3.11's text, rounding and signals.

Coefficients are digit strings (as in CPython's _pydecimal); the digit arithmetic is native
(`_decimal_digits`), so precision is not limited by machine integers.
"""

import _decimal_digits as _dd

ROUND_DOWN = "ROUND_DOWN"
ROUND_HALF_UP = "ROUND_HALF_UP"
ROUND_HALF_EVEN = "ROUND_HALF_EVEN"
ROUND_CEILING = "ROUND_CEILING"
ROUND_FLOOR = "ROUND_FLOOR"
ROUND_UP = "ROUND_UP"
ROUND_HALF_DOWN = "ROUND_HALF_DOWN"
ROUND_05UP = "ROUND_05UP"
_ROUNDINGS = (ROUND_DOWN, ROUND_HALF_UP, ROUND_HALF_EVEN, ROUND_CEILING, ROUND_FLOOR, ROUND_UP, ROUND_HALF_DOWN,
              ROUND_05UP)

MAX_PREC = 999999999999999999
MAX_EMAX = 999999999999999999
MIN_EMIN = -999999999999999999
MIN_ETINY = MIN_EMIN - (MAX_PREC - 1)
HAVE_THREADS = True
HAVE_CONTEXTVAR = True


class DecimalException(ArithmeticError):
    pass


class Clamped(DecimalException):
    pass


class InvalidOperation(DecimalException):
    pass


class ConversionSyntax(InvalidOperation):
    pass


class DivisionByZero(DecimalException, ZeroDivisionError):
    pass


class DivisionImpossible(InvalidOperation):
    pass


class DivisionUndefined(InvalidOperation, ZeroDivisionError):
    pass


class Inexact(DecimalException):
    pass


class InvalidContext(InvalidOperation):
    pass


class Rounded(DecimalException):
    pass


class Subnormal(DecimalException):
    pass


class Overflow(Inexact, Rounded):
    pass


class Underflow(Inexact, Rounded, Subnormal):
    pass


class FloatOperation(DecimalException, TypeError):
    pass


def _signal(cls, condition=None):
    return cls([condition or cls])


class Context(object):
    """Contains the context for a Decimal instance."""

    def __init__(self, prec=None, rounding=None, Emin=None, Emax=None, capitals=None, clamp=None, flags=None,
                 traps=None):
        self.prec = prec if prec is not None else 28
        self.rounding = rounding if rounding is not None else ROUND_HALF_EVEN
        self.Emin = Emin if Emin is not None else -999999
        self.Emax = Emax if Emax is not None else 999999
        self.capitals = capitals if capitals is not None else 1
        self.clamp = clamp if clamp is not None else 0
        self.flags = {}
        self.traps = {}

    def __repr__(self):
        return ("Context(prec=%d, rounding=%s, Emin=%d, Emax=%d, capitals=%d, clamp=%d, flags=[], "
                "traps=[InvalidOperation, DivisionByZero, Overflow])"
                % (self.prec, self.rounding, self.Emin, self.Emax, self.capitals, self.clamp))

    def copy(self):
        return Context(self.prec, self.rounding, self.Emin, self.Emax, self.capitals, self.clamp)

    def create_decimal(self, num="0"):
        return Decimal(num)._fix(self)


DefaultContext = Context()
BasicContext = Context(prec=9, rounding=ROUND_HALF_UP)
ExtendedContext = Context(prec=9, rounding=ROUND_HALF_EVEN)
_current_context = [Context()]


def getcontext():
    return _current_context[0]


def setcontext(context):
    _current_context[0] = context


class _LocalContext(object):
    def __init__(self, ctx):
        self.new_context = ctx

    def __enter__(self):
        self.saved_context = getcontext()
        setcontext(self.new_context)
        return self.new_context

    def __exit__(self, t, v, tb):
        setcontext(self.saved_context)


def localcontext(ctx=None, **kwargs):
    if ctx is None:
        ctx = getcontext()
    ctx = ctx.copy()
    for k in kwargs:
        setattr(ctx, k, kwargs[k])
    return _LocalContext(ctx)


def _strip(digits):
    digits = digits.lstrip("0")
    return digits or "0"


def _is_digits(s):
    if not s:
        return False
    for ch in s:
        if ch not in "0123456789":
            return False
    return True


def _new(sign, digits, exp, special=""):
    d = object.__new__(Decimal)
    d._sign = sign
    d._int = digits
    d._exp = exp
    d._is_special = special
    return d


def _round_digits(digits, ndrop, sign, rounding):
    """Drops the last `ndrop` digits of `digits`, rounding; returns the kept digits (maybe one longer)."""
    if ndrop <= 0:
        return digits
    if ndrop > len(digits):
        kept = "0"
        dropped = "0" * (ndrop - len(digits)) + digits
    else:
        kept = digits[:-ndrop] or "0"
        dropped = digits[-ndrop:]
    first = dropped[0]
    rest_zero = dropped[1:].strip("0") == ""
    all_zero = first == "0" and rest_zero
    up = False
    if all_zero:
        up = False
    elif rounding == ROUND_DOWN:
        up = False
    elif rounding == ROUND_UP:
        up = True
    elif rounding == ROUND_CEILING:
        up = sign == 0
    elif rounding == ROUND_FLOOR:
        up = sign == 1
    elif rounding == ROUND_HALF_UP:
        up = first >= "5"
    elif rounding == ROUND_HALF_DOWN:
        up = first > "5" or (first == "5" and not rest_zero)
    elif rounding == ROUND_HALF_EVEN:
        if first > "5" or (first == "5" and not rest_zero):
            up = True
        elif first == "5":
            up = kept[-1] in "13579"
    elif rounding == ROUND_05UP:
        up = kept[-1] in "05"
    if up:
        kept = _dd.add(kept, "1")
    return kept


def _convert(other, op=None, allow_float=False):
    if isinstance(other, Decimal):
        return other
    if isinstance(other, int):
        return Decimal(other)
    if allow_float and isinstance(other, float):
        return Decimal.from_float(other)
    return NotImplemented


class Decimal(object):
    """Floating point class for decimal arithmetic."""

    __tp_name__ = "decimal.Decimal"

    def __new__(cls, value="0", context=None):
        self = object.__new__(cls)
        if isinstance(value, str):
            s = value.strip().replace("_", "")
            if "_" in value and ("__" in value or value.strip()[:1] == "_" or value.strip()[-1:] == "_"):
                raise _signal(InvalidOperation, ConversionSyntax)
            parsed = _parse(s)
            if parsed is None:
                raise _signal(InvalidOperation, ConversionSyntax)
            self._sign, self._int, self._exp, self._is_special = parsed
            return self
        if isinstance(value, bool) or isinstance(value, int):
            value = int(value)
            self._sign = 1 if value < 0 else 0
            self._int = str(abs(value))
            self._exp = 0
            self._is_special = ""
            return self
        if isinstance(value, Decimal):
            self._sign = value._sign
            self._int = value._int
            self._exp = value._exp
            self._is_special = value._is_special
            return self
        if isinstance(value, float):
            f = Decimal.from_float(value)
            self._sign = f._sign
            self._int = f._int
            self._exp = f._exp
            self._is_special = f._is_special
            return self
        if isinstance(value, (list, tuple)):
            if len(value) != 3:
                raise ValueError("argument must be a sequence of length 3")
            sign, digits, exp = value
            if sign not in (0, 1):
                raise ValueError("sign must be an integer with the value 0 or 1")
            self._sign = sign
            self._int = _strip("".join([str(d) for d in digits]))
            if exp == "F":
                self._is_special = "F"
                self._exp = 0
            elif exp in ("n", "N"):
                self._is_special = exp
                self._exp = 0
            else:
                self._exp = exp
                self._is_special = ""
            return self
        raise TypeError("conversion from %s to Decimal is not supported" % type(value).__name__)

    @classmethod
    def from_float(cls, f):
        if isinstance(f, int):
            return cls(f)
        if not isinstance(f, float):
            raise TypeError("argument must be int or float")
        if f != f:
            return _new(0, "", 0, "n")
        if f in (float("inf"), float("-inf")):
            return _new(1 if f < 0 else 0, "0", 0, "F")
        sign, digits, exp = _dd.float_parts(f)
        result = _new(sign, digits, exp)
        if cls is Decimal:
            return result
        return cls(result)

    # --- text -------------------------------------------------------------------------------

    def __str__(self, eng=False, context=None):
        sign = "-" if self._sign else ""
        if self._is_special:
            if self._is_special == "F":
                return sign + "Infinity"
            if self._is_special == "n":
                return sign + "NaN" + (self._int if self._int != "0" else "")
            return sign + "sNaN" + (self._int if self._int != "0" else "")
        leftdigits = self._exp + len(self._int)
        if self._exp <= 0 and leftdigits > -6:
            dotplace = leftdigits
        elif not eng:
            dotplace = 1
        elif self._int == "0":
            dotplace = (leftdigits + 1) % 3 - 1
        else:
            dotplace = (leftdigits - 1) % 3 + 1
        if dotplace <= 0:
            intpart = "0"
            fracpart = "." + "0" * (-dotplace) + self._int
        elif dotplace >= len(self._int):
            intpart = self._int + "0" * (dotplace - len(self._int))
            fracpart = ""
        else:
            intpart = self._int[:dotplace]
            fracpart = "." + self._int[dotplace:]
        if leftdigits == dotplace:
            exp = ""
        else:
            exp = "E" + "%+d" % (leftdigits - dotplace)
        return sign + intpart + fracpart + exp

    def __repr__(self):
        return "Decimal('%s')" % str(self)

    def to_eng_string(self, context=None):
        return self.__str__(eng=True)

    def __format__(self, specifier, context=None):
        spec = _parse_spec(specifier)
        if spec is None:
            raise ValueError("invalid format string")
        fill, align, sign_opt, zero, width, comma, prec, kind = spec
        if self._is_special:
            body = str(abs(self)) if self._sign else str(self)
            negative = self._sign == 1
        else:
            negative = self._sign == 1
            if kind == "%":
                value = _new(self._sign, self._int, self._exp + 2)
            else:
                value = self
            if kind in ("f", "F", "%"):
                if prec is not None:
                    value = value._rescale(-prec, getcontext().rounding)
                body = _plain(value._int, value._exp)
            elif kind in ("e", "E"):
                if prec is not None:
                    value = value._round_prec(prec + 1, getcontext().rounding)
                digits = value._int
                exp = value._exp + len(digits) - 1
                body = digits[0] + ("." + digits[1:] if len(digits) > 1 else "") + kind + "%+d" % exp
            elif kind in ("g", "G") or kind is None:
                if prec is not None and kind is not None:
                    value = value._round_prec(prec or 1, getcontext().rounding)
                elif prec is not None:
                    value = value._round_prec(prec, getcontext().rounding)
                body = str(_new(0, value._int, value._exp))
                if kind == "G":
                    body = body.upper()
            else:
                raise ValueError("invalid format string")
            if kind == "%":
                body = body + "%"
            if negative and body.strip("0.%E+-e") == "" and False:
                negative = False
        if comma:
            intpart, dot, rest = body.partition(".")
            k = 0
            while k < len(intpart) and intpart[k].isdigit():
                k += 1
            digits_part = intpart[:k]
            groups = []
            while len(digits_part) > 3:
                groups.insert(0, digits_part[-3:])
                digits_part = digits_part[:-3]
            groups.insert(0, digits_part)
            body = comma.join(groups) + intpart[k:] + dot + rest
        if negative:
            sign = "-"
        elif sign_opt == "+":
            sign = "+"
        elif sign_opt == " ":
            sign = " "
        else:
            sign = ""
        if zero and width is not None and align is None:
            body = body.rjust(width - len(sign), "0")
        total = sign + body
        if width is not None and len(total) < width:
            pad = width - len(total)
            fill = fill or " "
            if align == "<":
                total = total + fill * pad
            elif align == "^":
                total = fill * (pad // 2) + total + fill * (pad - pad // 2)
            elif align == "=":
                total = sign + fill * pad + body
            else:
                total = fill * pad + total
        return total

    # --- conversions -----------------------------------------------------------------------

    def _check_nans(self):
        if self._is_special in ("n", "N"):
            raise _signal(InvalidOperation)

    def __int__(self):
        if self._is_special:
            if self._is_special == "F":
                raise OverflowError("cannot convert Infinity to integer")
            raise ValueError("cannot convert NaN to integer")
        if self._exp >= 0:
            n = int(self._int + "0" * self._exp)
        else:
            n = int(self._int[:self._exp] or "0")
        return -n if self._sign else n

    __trunc__ = __int__

    def __float__(self):
        if self._is_special:
            if self._is_special == "F":
                return float("-inf") if self._sign else float("inf")
            return float("nan")
        return float(str(self))

    def __bool__(self):
        return bool(self._is_special) or self._int != "0"

    def __hash__(self):
        if self._is_special:
            return hash(float(self))
        if self == int(self):
            return hash(int(self))
        return hash(float(self))

    def as_tuple(self):
        digits = tuple([int(c) for c in self._int]) if self._int else ()
        exp = self._exp
        if self._is_special == "F":
            exp = "F"
            digits = (0,)
        elif self._is_special:
            exp = self._is_special
        return DecimalTuple(self._sign, digits, exp)

    def as_integer_ratio(self):
        if self._exp >= 0:
            return (int(self), 1)
        n = int(self._int) * (-1 if self._sign else 1)
        d = 10 ** (-self._exp)
        g = _gcd(abs(n), d)
        return (n // g, d // g)

    def adjusted(self):
        return self._exp + len(self._int) - 1

    def is_zero(self):
        return not self._is_special and self._int == "0"

    def is_nan(self):
        return self._is_special in ("n", "N")

    def is_infinite(self):
        return self._is_special == "F"

    def is_finite(self):
        return not self._is_special

    def is_signed(self):
        return self._sign == 1

    def copy_abs(self):
        return _new(0, self._int, self._exp, self._is_special)

    def copy_negate(self):
        return _new(1 - self._sign, self._int, self._exp, self._is_special)

    def copy_sign(self, other):
        return _new(other._sign, self._int, self._exp, self._is_special)

    # --- rounding --------------------------------------------------------------------------

    def _round_prec(self, prec, rounding):
        """Round to at most `prec` significant digits."""
        if self._is_special or len(self._int) <= prec:
            return self
        ndrop = len(self._int) - prec
        kept = _round_digits(self._int, ndrop, self._sign, rounding)
        exp = self._exp + ndrop
        if len(kept) > prec:
            kept = kept[:-1]
            exp += 1
        return _new(self._sign, kept, exp)

    def _fix(self, context=None):
        if context is None:
            context = getcontext()
        return self._round_prec(context.prec, context.rounding)

    def _rescale(self, exp, rounding):
        if self._is_special:
            return self
        if self._int == "0":
            return _new(self._sign, "0", exp)
        if self._exp >= exp:
            return _new(self._sign, self._int + "0" * (self._exp - exp), exp)
        kept = _round_digits(self._int, exp - self._exp, self._sign, rounding)
        return _new(self._sign, _strip(kept), exp)

    def quantize(self, exp, rounding=None, context=None):
        exp = _convert(exp)
        if exp is NotImplemented:
            raise TypeError("conversion from %s to Decimal is not supported" % type(exp).__name__)
        if context is None:
            context = getcontext()
        if rounding is None:
            rounding = context.rounding
        if self._is_special or exp._is_special:
            if self.is_nan() or exp.is_nan():
                return _new(0, "", 0, "n")
            if self.is_infinite() and exp.is_infinite():
                return self
            raise _signal(InvalidOperation)
        result = self._rescale(exp._exp, rounding)
        if len(result._int) > context.prec:
            raise _signal(InvalidOperation)
        return result

    def to_integral_value(self, rounding=None, context=None):
        if self._is_special or self._exp >= 0:
            return self
        return self._rescale(0, rounding or getcontext().rounding)

    to_integral = to_integral_value

    def to_integral_exact(self, rounding=None, context=None):
        return self.to_integral_value(rounding, context)

    def normalize(self, context=None):
        if self._is_special:
            return self
        dup = self._fix(context)
        if dup._int == "0":
            return _new(dup._sign, "0", 0)
        digits = dup._int
        exp = dup._exp
        while digits[-1] == "0":
            digits = digits[:-1]
            exp += 1
        return _new(dup._sign, digits, exp)

    def __round__(self, n=None):
        if n is not None:
            if not isinstance(n, int):
                raise TypeError("Second argument to round should be integral")
            return self.quantize(_new(0, "1", -n))
        if self._is_special:
            if self.is_nan():
                raise ValueError("cannot round a NaN")
            raise OverflowError("cannot round an infinity")
        return int(self._rescale(0, ROUND_HALF_EVEN))

    def __floor__(self):
        return int(self._rescale(0, ROUND_FLOOR))

    def __ceil__(self):
        return int(self._rescale(0, ROUND_CEILING))

    # --- comparison ------------------------------------------------------------------------

    def _cmp(self, other):
        """-1, 0 or 1; both finite."""
        if self._is_special or other._is_special:
            si = self._inf_rank()
            oi = other._inf_rank()
            return (si > oi) - (si < oi)
        if self._int == "0" and other._int == "0":
            return 0
        if self._int == "0":
            return 1 if other._sign else -1
        if other._int == "0":
            return -1 if self._sign else 1
        if self._sign != other._sign:
            return -1 if self._sign else 1
        sa = self.adjusted()
        oa = other.adjusted()
        if sa != oa:
            c = 1 if sa > oa else -1
        else:
            e = min(self._exp, other._exp)
            a = self._int + "0" * (self._exp - e)
            b = other._int + "0" * (other._exp - e)
            c = _dd.cmp(a, b)
        return -c if self._sign else c

    def _inf_rank(self):
        if self._is_special == "F":
            return -2 if self._sign else 2
        if self._int == "0":
            return 0
        return -1 if self._sign else 1

    def _compare_operand(self, other, ordering):
        if isinstance(other, float):
            other = Decimal.from_float(other)
        other = _convert(other)
        if other is NotImplemented:
            return other
        if self.is_nan() or other.is_nan():
            if ordering:
                raise _signal(InvalidOperation)
            return None
        return other

    def __eq__(self, other):
        other = self._compare_operand(other, False)
        if other is NotImplemented:
            return other
        if other is None:
            return False
        return self._cmp(other) == 0

    def __ne__(self, other):
        result = self.__eq__(other)
        if result is NotImplemented:
            return result
        return not result

    def __lt__(self, other):
        other = self._compare_operand(other, True)
        if other is NotImplemented:
            return other
        return self._cmp(other) < 0

    def __le__(self, other):
        other = self._compare_operand(other, True)
        if other is NotImplemented:
            return other
        return self._cmp(other) <= 0

    def __gt__(self, other):
        other = self._compare_operand(other, True)
        if other is NotImplemented:
            return other
        return self._cmp(other) > 0

    def __ge__(self, other):
        other = self._compare_operand(other, True)
        if other is NotImplemented:
            return other
        return self._cmp(other) >= 0

    def compare(self, other, context=None):
        other = _convert(other)
        return Decimal(self._cmp(other))

    def max(self, other, context=None):
        other = _convert(other)
        return self if self._cmp(other) >= 0 else other

    def min(self, other, context=None):
        other = _convert(other)
        return self if self._cmp(other) <= 0 else other

    # --- arithmetic ------------------------------------------------------------------------

    def __neg__(self, context=None):
        if self._is_special:
            return _new(1 - self._sign, self._int, self._exp, self._is_special)
        if self._int == "0":
            return _new(0, "0", self._exp)
        return _new(1 - self._sign, self._int, self._exp)._fix(context)

    def __pos__(self, context=None):
        if self._is_special:
            return self
        if self._int == "0":
            return _new(0, "0", self._exp)
        return self._fix(context)

    def __abs__(self, round=True, context=None):
        if self._is_special:
            return _new(0, self._int, self._exp, self._is_special)
        return _new(0, self._int, self._exp)._fix(context)

    def _special_arith(self, other):
        if self.is_nan():
            return self
        if other.is_nan():
            return other
        return None

    def __add__(self, other, context=None):
        other = _convert(other)
        if other is NotImplemented:
            return other
        if self._is_special or other._is_special:
            nan = self._special_arith(other)
            if nan is not None:
                return nan
            if self.is_infinite() and other.is_infinite() and self._sign != other._sign:
                raise _signal(InvalidOperation)
            return self if self.is_infinite() else other
        exp = min(self._exp, other._exp)
        a = self._int + "0" * (self._exp - exp)
        b = other._int + "0" * (other._exp - exp)
        if self._sign == other._sign:
            result = _new(self._sign, _strip(_dd.add(a, b)), exp)
        else:
            c = _dd.cmp(a, b)
            if c == 0:
                rounding = getcontext().rounding
                return _new(1 if rounding == ROUND_FLOOR else 0, "0", exp)
            if c > 0:
                result = _new(self._sign, _strip(_dd.sub(a, b)), exp)
            else:
                result = _new(other._sign, _strip(_dd.sub(b, a)), exp)
        return result._fix(context)

    __radd__ = __add__

    def __sub__(self, other, context=None):
        other = _convert(other)
        if other is NotImplemented:
            return other
        return self.__add__(other.copy_negate(), context)

    def __rsub__(self, other, context=None):
        other = _convert(other)
        if other is NotImplemented:
            return other
        return other.__sub__(self, context)

    def __mul__(self, other, context=None):
        other = _convert(other)
        if other is NotImplemented:
            return other
        sign = self._sign ^ other._sign
        if self._is_special or other._is_special:
            nan = self._special_arith(other)
            if nan is not None:
                return nan
            if (self.is_infinite() and other.is_zero()) or (other.is_infinite() and self.is_zero()):
                raise _signal(InvalidOperation)
            return _new(sign, "0", 0, "F")
        return _new(sign, _strip(_dd.mul(self._int, other._int)), self._exp + other._exp)._fix(context)

    __rmul__ = __mul__

    def __truediv__(self, other, context=None):
        other = _convert(other)
        if other is NotImplemented:
            return other
        if context is None:
            context = getcontext()
        sign = self._sign ^ other._sign
        if self._is_special or other._is_special:
            nan = self._special_arith(other)
            if nan is not None:
                return nan
            if self.is_infinite() and other.is_infinite():
                raise _signal(InvalidOperation)
            if self.is_infinite():
                return _new(sign, "0", 0, "F")
            return _new(sign, "0", 0)
        if other._int == "0":
            if self._int == "0":
                raise _signal(InvalidOperation, DivisionUndefined)
            raise _signal(DivisionByZero)
        if self._int == "0":
            exp = self._exp - other._exp
            coeff = "0"
        else:
            shift = len(other._int) - len(self._int) + context.prec + 1
            exp = self._exp - other._exp - shift
            if shift >= 0:
                coeff, remainder = _dd.divmod(self._int + "0" * shift, other._int)
            else:
                coeff, remainder = _dd.divmod(self._int, other._int + "0" * (-shift))
            if remainder != "0":
                if coeff[-1] in "05":
                    coeff = _dd.add(coeff, "1")
            else:
                ideal_exp = self._exp - other._exp
                while exp < ideal_exp and coeff[-1] == "0" and len(coeff) > 1:
                    coeff = coeff[:-1]
                    exp += 1
        return _new(sign, _strip(coeff), exp)._fix(context)

    def __rtruediv__(self, other, context=None):
        other = _convert(other)
        if other is NotImplemented:
            return other
        return other.__truediv__(self, context)

    def _divide_integer(self, other):
        sign = self._sign ^ other._sign
        if other._int == "0":
            if self._int == "0":
                raise _signal(InvalidOperation, DivisionUndefined)
            raise _signal(DivisionByZero)
        exp = min(self._exp, other._exp)
        a = self._int + "0" * (self._exp - exp)
        b = other._int + "0" * (other._exp - exp)
        q, r = _dd.divmod(a, b)
        quotient = _new(sign, _strip(q), 0)
        remainder = _new(self._sign, _strip(r), exp)
        return quotient, remainder

    def __floordiv__(self, other, context=None):
        other = _convert(other)
        if other is NotImplemented:
            return other
        return self._divide_integer(other)[0]

    def __rfloordiv__(self, other, context=None):
        other = _convert(other)
        if other is NotImplemented:
            return other
        return other.__floordiv__(self)

    def __mod__(self, other, context=None):
        other = _convert(other)
        if other is NotImplemented:
            return other
        if other._int == "0" and not other._is_special:
            raise _signal(InvalidOperation, DivisionUndefined)
        return self._divide_integer(other)[1]._fix(context)

    def __rmod__(self, other, context=None):
        other = _convert(other)
        if other is NotImplemented:
            return other
        return other.__mod__(self)

    def __divmod__(self, other, context=None):
        other = _convert(other)
        if other is NotImplemented:
            return other
        q, r = self._divide_integer(other)
        return q, r._fix(context)

    def __pow__(self, other, modulo=None, context=None):
        other = _convert(other)
        if other is NotImplemented:
            return other
        if other._exp < 0 and other._int.rstrip("0") != other._int[:len(other._int)]:
            pass
        n = int(other)
        if Decimal(n) != other:
            return Decimal(float(self) ** float(other))._fix(context)
        result = Decimal(1)
        base = self
        if n < 0:
            base = Decimal(1) / self
            n = -n
        for _ in range(n):
            result = result.__mul__(base, context)
        return result

    def __rpow__(self, other, context=None):
        other = _convert(other)
        if other is NotImplemented:
            return other
        return other.__pow__(self)

    def sqrt(self, context=None):
        if self._sign and self._int != "0":
            raise _signal(InvalidOperation)
        return Decimal(repr(float(self) ** 0.5))._fix(context)

    def __reduce__(self):
        return (self.__class__, (str(self),))

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self


def _gcd(a, b):
    while b:
        a, b = b, a % b
    return a


def _plain(digits, exp):
    if exp >= 0:
        return digits + "0" * exp
    digits = digits.rjust(-exp + 1, "0")
    return digits[:exp] + "." + digits[exp:]


def _parse_spec(spec):
    fill = None
    align = None
    i = 0
    if len(spec) >= 2 and spec[1] in "<>=^":
        fill = spec[0]
        align = spec[1]
        i = 2
    elif len(spec) >= 1 and spec[0] in "<>=^":
        align = spec[0]
        i = 1
    sign = None
    if i < len(spec) and spec[i] in "+- ":
        sign = spec[i]
        i += 1
    zero = False
    if i < len(spec) and spec[i] == "0":
        zero = True
        i += 1
    j = i
    while i < len(spec) and spec[i].isdigit():
        i += 1
    width = int(spec[j:i]) if i > j else None
    comma = None
    if i < len(spec) and spec[i] in ",_":
        comma = spec[i]
        i += 1
    prec = None
    if i < len(spec) and spec[i] == ".":
        i += 1
        j = i
        while i < len(spec) and spec[i].isdigit():
            i += 1
        if i == j:
            return None
        prec = int(spec[j:i])
    kind = None
    if i < len(spec):
        kind = spec[i]
        i += 1
        if kind not in "eEfFgGn%":
            return None
    if i != len(spec):
        return None
    return fill, align, sign, zero, width, comma, prec, kind


def _parse(s):
    """(sign, digits, exp, special) from a numeric string, or None."""
    if not s:
        return None
    sign = 0
    if s[0] in "+-":
        sign = 1 if s[0] == "-" else 0
        s = s[1:]
    low = s.lower()
    if low in ("inf", "infinity"):
        return sign, "0", 0, "F"
    if low.startswith("nan") or low.startswith("snan"):
        payload = low[3:] if low.startswith("nan") else low[4:]
        if payload and not _is_digits(payload):
            return None
        return sign, _strip(payload) if payload else "0", 0, ("n" if low.startswith("nan") else "N")
    exp = 0
    epos = low.find("e")
    if epos >= 0:
        exps = low[epos + 1:]
        body = low[:epos]
        esign = 1
        if exps[:1] in ("+", "-"):
            esign = -1 if exps[0] == "-" else 1
            exps = exps[1:]
        if not _is_digits(exps):
            return None
        exp = esign * int(exps)
    else:
        body = low
    intpart, dot, frac = body.partition(".")
    if not intpart and not frac:
        return None
    if (intpart and not _is_digits(intpart)) or (frac and not _is_digits(frac)):
        return None
    digits = _strip(intpart + frac)
    return sign, digits, exp - len(frac), ""


class DecimalTuple(tuple):
    pass


def _decimal_tuple(sign, digits, exponent):
    return "DecimalTuple(sign=%d, digits=%r, exponent=%r)" % (sign, digits, exponent)


class DecimalTuple(object):
    def __init__(self, sign, digits, exponent):
        self.sign = sign
        self.digits = digits
        self.exponent = exponent

    def __repr__(self):
        return _decimal_tuple(self.sign, self.digits, self.exponent)

    def __iter__(self):
        return iter((self.sign, self.digits, self.exponent))

    def __eq__(self, other):
        return tuple(self) == tuple(other)


__all__ = ["Decimal", "Context", "DecimalTuple", "DefaultContext", "BasicContext", "ExtendedContext",
           "DecimalException", "Clamped", "InvalidOperation", "DivisionByZero", "Inexact", "Rounded",
           "Subnormal", "Overflow", "Underflow", "FloatOperation", "DivisionImpossible", "InvalidContext",
           "ConversionSyntax", "DivisionUndefined", "ROUND_DOWN", "ROUND_HALF_UP", "ROUND_HALF_EVEN",
           "ROUND_CEILING", "ROUND_FLOOR", "ROUND_UP", "ROUND_HALF_DOWN", "ROUND_05UP", "setcontext",
           "getcontext", "localcontext", "MAX_PREC", "MAX_EMAX", "MIN_EMIN", "MIN_ETINY", "HAVE_THREADS",
           "HAVE_CONTEXTVAR"]

"""The `datetime` module: date, time, datetime, timedelta, tzinfo, timezone (CPython 3.11's behaviour)."""

import time as _time

MINYEAR = 1
MAXYEAR = 9999

_DAYS_IN_MONTH = [-1, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
_DAYS_BEFORE_MONTH = [-1, 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334]
_MONTHNAMES = [None, "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
_FULLMONTHNAMES = [None, "January", "February", "March", "April", "May", "June", "July", "August",
                   "September", "October", "November", "December"]
_DAYNAMES = [None, "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
_FULLDAYNAMES = [None, "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_DI400Y = 146097
_DI100Y = 36524
_DI4Y = 1461


def _is_leap(year):
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _days_before_year(year):
    y = year - 1
    return y * 365 + y // 4 - y // 100 + y // 400


def _days_in_month(year, month):
    if month == 2 and _is_leap(year):
        return 29
    return _DAYS_IN_MONTH[month]


def _days_before_month(year, month):
    return _DAYS_BEFORE_MONTH[month] + (1 if month > 2 and _is_leap(year) else 0)


def _ymd2ord(year, month, day):
    return _days_before_year(year) + _days_before_month(year, month) + day


def _ord2ymd(n):
    n -= 1
    n400, n = divmod(n, _DI400Y)
    year = n400 * 400 + 1
    n100, n = divmod(n, _DI100Y)
    n4, n = divmod(n, _DI4Y)
    n1, n = divmod(n, 365)
    year += n100 * 100 + n4 * 4 + n1
    if n1 == 4 or n100 == 4:
        return year - 1, 12, 31
    leapyear = n1 == 3 and (n4 != 24 or n100 == 3)
    month = (n + 50) >> 5
    preceding = _DAYS_BEFORE_MONTH[month] + (1 if month > 2 and leapyear else 0)
    if preceding > n:
        month -= 1
        preceding -= _DAYS_IN_MONTH[month] + (1 if month == 2 and leapyear else 0)
    n -= preceding
    return year, month, n + 1


def _parse_args(args, kw, names, required, fname="function"):
    given = len(args) + len(kw)
    if given > len(names):
        if kw:
            raise TypeError("%s takes at most %d keyword arguments (%d given)" % (fname, len(names), given))
        raise TypeError("%s takes at most %d arguments (%d given)" % (fname, len(names), given))
    out = []
    kw = dict(kw)
    for i, name in enumerate(names):
        if i < len(args):
            if name in kw:
                raise TypeError("argument for %s given by name ('%s') and position (%d)" % (fname, name, i + 1))
            out.append(args[i])
        elif name in kw:
            out.append(kw.pop(name))
        elif i < required:
            raise TypeError("%s missing required argument '%s' (pos %d)" % (fname, name, i + 1))
        else:
            out.append(None)
    for name in kw:
        raise TypeError("'%s' is an invalid keyword argument for this function" % (name,))
    return out


def _index(value):
    if isinstance(value, int):
        return int(value)
    raise TypeError("'%s' object cannot be interpreted as an integer" % (type(value).__name__,))


def _check_date_fields(year, month, day):
    year = _index(year)
    month = _index(month)
    day = _index(day)
    if not MINYEAR <= year <= MAXYEAR:
        raise ValueError("year %d is out of range" % (year,))
    if not 1 <= month <= 12:
        raise ValueError("month must be in 1..12")
    if not 1 <= day <= _days_in_month(year, month):
        raise ValueError("day is out of range for month")
    return year, month, day


def _check_time_fields(hour, minute, second, microsecond, fold):
    hour = _index(hour)
    minute = _index(minute)
    second = _index(second)
    microsecond = _index(microsecond)
    if not 0 <= hour <= 23:
        raise ValueError("hour must be in 0..23")
    if not 0 <= minute <= 59:
        raise ValueError("minute must be in 0..59")
    if not 0 <= second <= 59:
        raise ValueError("second must be in 0..59")
    if not 0 <= microsecond <= 999999:
        raise ValueError("microsecond must be in 0..999999")
    if fold not in (0, 1):
        raise ValueError("fold must be either 0 or 1")
    return hour, minute, second, microsecond, fold


def _check_tzinfo_arg(tz):
    if tz is not None and not isinstance(tz, tzinfo):
        raise TypeError("tzinfo argument must be None or of a tzinfo subclass, not type '%s'" % (type(tz).__name__,))


def _format_time(hh, mm, ss, us, timespec="auto"):
    if timespec == "auto":
        timespec = "microseconds" if us else "seconds"
    elif timespec == "milliseconds":
        us //= 1000
    if timespec == "hours":
        return "%02d" % hh
    if timespec == "minutes":
        return "%02d:%02d" % (hh, mm)
    if timespec == "seconds":
        return "%02d:%02d:%02d" % (hh, mm, ss)
    if timespec == "milliseconds":
        return "%02d:%02d:%02d.%03d" % (hh, mm, ss, us)
    if timespec == "microseconds":
        return "%02d:%02d:%02d.%06d" % (hh, mm, ss, us)
    raise ValueError("Unknown timespec value")


def _format_offset(off, sep=":"):
    s = ""
    if off is not None:
        if off.days < 0:
            sign = "-"
            off = -off
        else:
            sign = "+"
        hh, mm = divmod(off, timedelta(hours=1))
        mm, ss = divmod(mm, timedelta(minutes=1))
        s += "%s%02d%s%02d" % (sign, hh, sep, mm)
        if ss or ss.microseconds:
            s += "%s%02d" % (sep, ss.seconds)
            if ss.microseconds:
                s += ".%06d" % ss.microseconds
    return s


def _wrap_strftime(obj, fmt, timetuple):
    year, month, day, hour, minute, second, wday, yday = timetuple
    out = []
    i = 0
    n = len(fmt)
    while i < n:
        ch = fmt[i]
        i += 1
        if ch != "%" or i >= n:
            out.append(ch)
            continue
        ch = fmt[i]
        i += 1
        if ch == "Y":
            out.append("%d" % year if year >= 1000 else "%d" % year)
        elif ch == "m":
            out.append("%02d" % month)
        elif ch == "d":
            out.append("%02d" % day)
        elif ch == "e":
            out.append("%2d" % day)
        elif ch == "H":
            out.append("%02d" % hour)
        elif ch == "I":
            out.append("%02d" % (hour % 12 or 12))
        elif ch == "M":
            out.append("%02d" % minute)
        elif ch == "S":
            out.append("%02d" % second)
        elif ch == "f":
            out.append("%06d" % getattr(obj, "microsecond", 0))
        elif ch == "y":
            out.append("%02d" % (year % 100))
        elif ch == "b" or ch == "h":
            out.append(_MONTHNAMES[month])
        elif ch == "B":
            out.append(_FULLMONTHNAMES[month])
        elif ch == "a":
            out.append(_DAYNAMES[wday + 1])
        elif ch == "A":
            out.append(_FULLDAYNAMES[wday + 1])
        elif ch == "w":
            out.append("%d" % ((wday + 1) % 7))
        elif ch == "u":
            out.append("%d" % (wday + 1))
        elif ch == "j":
            out.append("%03d" % yday)
        elif ch == "p":
            out.append("AM" if hour < 12 else "PM")
        elif ch == "z":
            off = obj.utcoffset() if hasattr(obj, "utcoffset") else None
            out.append(_format_offset(off, "") if off is not None else "")
        elif ch == "Z":
            name = obj.tzname() if hasattr(obj, "tzname") else None
            out.append(name or "")
        elif ch == "c":
            out.append("%s %s %2d %02d:%02d:%02d %d" % (_DAYNAMES[wday + 1], _MONTHNAMES[month], day, hour, minute,
                                                      second, year))
        elif ch == "x":
            out.append("%02d/%02d/%02d" % (month, day, year % 100))
        elif ch == "X":
            out.append("%02d:%02d:%02d" % (hour, minute, second))
        elif ch == "D":
            out.append("%02d/%02d/%02d" % (month, day, year % 100))
        elif ch == "F":
            out.append("%d-%02d-%02d" % (year, month, day))
        elif ch == "T":
            out.append("%02d:%02d:%02d" % (hour, minute, second))
        elif ch == "R":
            out.append("%02d:%02d" % (hour, minute))
        elif ch == "%":
            out.append("%")
        else:
            out.append("%" + ch)
    return "".join(out)


def _cmp(x, y):
    return 0 if x == y else (1 if x > y else -1)


class timedelta:
    """Difference between two datetime values."""

    __tp_name__ = "datetime.timedelta"

    def __new__(cls, days=0, seconds=0, microseconds=0, milliseconds=0, minutes=0, hours=0, weeks=0):
        for v in (days, seconds, microseconds, milliseconds, minutes, hours, weeks):
            if not isinstance(v, (int, float)):
                raise TypeError("unsupported type for timedelta %s component: %s" % ("days", type(v).__name__))
        exact = True
        for v in (days, seconds, microseconds, milliseconds, minutes, hours, weeks):
            if isinstance(v, float):
                exact = False
        if exact:
            d = days + weeks * 7
            s = seconds + minutes * 60 + hours * 3600
            us = microseconds + milliseconds * 1000
        else:
            whole_days = int(days) + int(weeks) * 7
            frac_days = (days - int(days)) + (weeks - int(weeks)) * 7
            s_total = frac_days * 86400.0 + seconds + minutes * 60 + hours * 3600
            whole_s = int(s_total)
            us_f = (s_total - whole_s) * 1e6 + microseconds + milliseconds * 1000
            d = whole_days
            s = whole_s
            us = round(us_f)
        s += us // 1000000
        us = us % 1000000
        d += s // 86400
        s = s % 86400
        if abs(d) > 999999999:
            raise OverflowError("days=%d; must have magnitude <= 999999999" % d)
        self = object.__new__(cls)
        self._days = d
        self._seconds = s
        self._microseconds = us
        return self

    @property
    def days(self):
        return self._days

    @property
    def seconds(self):
        return self._seconds

    @property
    def microseconds(self):
        return self._microseconds

    def total_seconds(self):
        return ((self._days * 86400 + self._seconds) * 10 ** 6 + self._microseconds) / 10 ** 6

    def _to_us(self):
        return (self._days * 86400 + self._seconds) * 1000000 + self._microseconds

    def __repr__(self):
        args = []
        if self._days:
            args.append("days=%d" % self._days)
        if self._seconds:
            args.append("seconds=%d" % self._seconds)
        if self._microseconds:
            args.append("microseconds=%d" % self._microseconds)
        if not args:
            args.append("0")
        return "%s.%s(%s)" % ("datetime", "timedelta", ", ".join(args))

    def __str__(self):
        mm, ss = divmod(self._seconds, 60)
        hh, mm = divmod(mm, 60)
        s = "%d:%02d:%02d" % (hh, mm, ss)
        if self._days:
            plural = "s" if abs(self._days) != 1 else ""
            s = ("%d day%s, " % (self._days, plural)) + s
        if self._microseconds:
            s = s + ".%06d" % self._microseconds
        return s

    def __add__(self, other):
        if isinstance(other, timedelta):
            return timedelta(self._days + other._days, self._seconds + other._seconds,
                             self._microseconds + other._microseconds)
        return NotImplemented

    __radd__ = __add__

    def __sub__(self, other):
        if isinstance(other, timedelta):
            return timedelta(self._days - other._days, self._seconds - other._seconds,
                             self._microseconds - other._microseconds)
        return NotImplemented

    def __rsub__(self, other):
        if isinstance(other, timedelta):
            return -self + other
        return NotImplemented

    def __neg__(self):
        return timedelta(-self._days, -self._seconds, -self._microseconds)

    def __pos__(self):
        return self

    def __abs__(self):
        if self._days < 0:
            return -self
        return self

    def __mul__(self, other):
        if isinstance(other, int):
            return timedelta(self._days * other, self._seconds * other, self._microseconds * other)
        if isinstance(other, float):
            return timedelta(microseconds=round(self._to_us() * other))
        return NotImplemented

    __rmul__ = __mul__

    def __floordiv__(self, other):
        if not isinstance(other, (int, timedelta)):
            return NotImplemented
        usec = self._to_us()
        if isinstance(other, timedelta):
            return usec // other._to_us()
        return timedelta(0, 0, usec // other)

    def __truediv__(self, other):
        if not isinstance(other, (int, float, timedelta)):
            return NotImplemented
        usec = self._to_us()
        if isinstance(other, timedelta):
            return usec / other._to_us()
        return timedelta(0, 0, round(usec / other))

    def __mod__(self, other):
        if isinstance(other, timedelta):
            r = self._to_us() % other._to_us()
            return timedelta(0, 0, r)
        return NotImplemented

    def __divmod__(self, other):
        if isinstance(other, timedelta):
            q, r = divmod(self._to_us(), other._to_us())
            return q, timedelta(0, 0, r)
        return NotImplemented

    def __eq__(self, other):
        if isinstance(other, timedelta):
            return self._to_us() == other._to_us()
        return NotImplemented

    def __ne__(self, other):
        if isinstance(other, timedelta):
            return self._to_us() != other._to_us()
        return NotImplemented

    def __lt__(self, other):
        if isinstance(other, timedelta):
            return self._to_us() < other._to_us()
        return NotImplemented

    def __le__(self, other):
        if isinstance(other, timedelta):
            return self._to_us() <= other._to_us()
        return NotImplemented

    def __gt__(self, other):
        if isinstance(other, timedelta):
            return self._to_us() > other._to_us()
        return NotImplemented

    def __ge__(self, other):
        if isinstance(other, timedelta):
            return self._to_us() >= other._to_us()
        return NotImplemented

    def __hash__(self):
        return hash((self._days, self._seconds, self._microseconds))

    def __bool__(self):
        return self._days != 0 or self._seconds != 0 or self._microseconds != 0

    def __reduce__(self):
        return (self.__class__, (self._days, self._seconds, self._microseconds))


timedelta.min = timedelta(-999999999)
timedelta.max = timedelta(days=999999999, hours=23, minutes=59, seconds=59, microseconds=999999)
timedelta.resolution = timedelta(microseconds=1)


class date:
    """date(year, month, day) --> date object"""

    __tp_name__ = "datetime.date"

    def __new__(cls, *args, **kw):
        year, month, day = _parse_args(args, kw, ("year", "month", "day"), 3)
        year, month, day = _check_date_fields(year, month, day)
        self = object.__new__(cls)
        self._year = year
        self._month = month
        self._day = day
        return self

    @classmethod
    def fromtimestamp(cls, t):
        y, m, d, hh, mm, ss, weekday, jday, dst = _time.gmtime(t)
        return cls(y, m, d)

    @classmethod
    def today(cls):
        return cls.fromtimestamp(_time.time())

    @classmethod
    def fromordinal(cls, n):
        y, m, d = _ord2ymd(n)
        return cls(y, m, d)

    @classmethod
    def fromisoformat(cls, date_string):
        if not isinstance(date_string, str):
            raise TypeError("fromisoformat: argument must be str")
        parsed = _parse_isoformat_date(date_string)
        if parsed is None or len(date_string) not in (7, 8, 10):
            raise ValueError("Invalid isoformat string: %r" % (date_string,))
        return cls(*parsed)

    @property
    def year(self):
        return self._year

    @property
    def month(self):
        return self._month

    @property
    def day(self):
        return self._day

    def __repr__(self):
        return "%s.%s(%d, %d, %d)" % ("datetime", type(self).__qualname__, self._year, self._month, self._day)

    def isoformat(self):
        return "%04d-%02d-%02d" % (self._year, self._month, self._day)

    def __str__(self):
        return self.isoformat()

    def __format__(self, fmt):
        if not isinstance(fmt, str):
            raise TypeError("must be str, not %s" % type(fmt).__name__)
        if len(fmt) != 0:
            return self.strftime(fmt)
        return str(self)

    def ctime(self):
        weekday = self.toordinal() % 7 or 7
        return "%s %s %2d 00:00:00 %04d" % (_DAYNAMES[weekday], _MONTHNAMES[self._month], self._day, self._year)

    def _timetuple(self):
        return (self._year, self._month, self._day, 0, 0, 0, self.weekday(),
                _days_before_month(self._year, self._month) + self._day)

    def strftime(self, fmt):
        return _wrap_strftime(self, fmt, self._timetuple())

    def timetuple(self):
        return _time.struct_time(self._timetuple() + (-1,))

    def toordinal(self):
        return _ymd2ord(self._year, self._month, self._day)

    def weekday(self):
        return (self.toordinal() + 6) % 7

    def isoweekday(self):
        return self.toordinal() % 7 or 7

    def isocalendar(self):
        year = self._year
        week1monday = _isoweek1monday(year)
        today = _ymd2ord(self._year, self._month, self._day)
        week, day = divmod(today - week1monday, 7)
        if week < 0:
            year -= 1
            week1monday = _isoweek1monday(year)
            week, day = divmod(today - week1monday, 7)
        elif week >= 52:
            if today >= _isoweek1monday(year + 1):
                year += 1
                week = 0
        return (year, week + 1, day + 1)

    def replace(self, year=None, month=None, day=None):
        if year is None:
            year = self._year
        if month is None:
            month = self._month
        if day is None:
            day = self._day
        return type(self)(year, month, day)

    def _cmp_key(self):
        return (self._year, self._month, self._day)

    def _check_cmp(self, other, op):
        if isinstance(other, datetime) and not isinstance(self, datetime):
            raise TypeError("can't compare %s to %s" % (type(other).__tp_name__, "datetime.date"))
        return isinstance(other, date) and not isinstance(other, datetime)

    def __eq__(self, other):
        if isinstance(other, date) and not isinstance(other, datetime):
            return self._cmp_key() == other._cmp_key()
        return NotImplemented

    def __ne__(self, other):
        if isinstance(other, date) and not isinstance(other, datetime):
            return self._cmp_key() != other._cmp_key()
        return NotImplemented

    def __lt__(self, other):
        if self._check_cmp(other, "<"):
            return self._cmp_key() < other._cmp_key()
        return NotImplemented

    def __le__(self, other):
        if self._check_cmp(other, "<="):
            return self._cmp_key() <= other._cmp_key()
        return NotImplemented

    def __gt__(self, other):
        if self._check_cmp(other, ">"):
            return self._cmp_key() > other._cmp_key()
        return NotImplemented

    def __ge__(self, other):
        if self._check_cmp(other, ">="):
            return self._cmp_key() >= other._cmp_key()
        return NotImplemented

    def __hash__(self):
        return hash(self._cmp_key())

    def __add__(self, other):
        if isinstance(other, timedelta):
            o = self.toordinal() + other.days
            if 0 < o <= 3652059:
                return type(self).fromordinal(o)
            raise OverflowError("date value out of range")
        return NotImplemented

    __radd__ = __add__

    def __sub__(self, other):
        if isinstance(other, timedelta):
            return self + timedelta(-other.days)
        if isinstance(other, date) and not isinstance(other, datetime):
            return timedelta(self.toordinal() - other.toordinal())
        return NotImplemented

    def __reduce__(self):
        return (self.__class__, (self._year, self._month, self._day))


def _isoweek1monday(year):
    THURSDAY = 3
    firstday = _ymd2ord(year, 1, 1)
    firstweekday = (firstday + 6) % 7
    week1monday = firstday - firstweekday
    if firstweekday > THURSDAY:
        week1monday += 7
    return week1monday


date.min = date(1, 1, 1)
date.max = date(9999, 12, 31)
date.resolution = timedelta(days=1)


def _parse_isoformat_date(s):
    # YYYY-MM-DD, YYYYMMDD, YYYY-Www[-D] are accepted by 3.11; weeks are not supported here.
    if len(s) >= 10 and s[4] == "-" and s[7] == "-":
        y, m, d = s[0:4], s[5:7], s[8:10]
    elif len(s) >= 8 and s[0:8].isdigit():
        y, m, d = s[0:4], s[4:6], s[6:8]
    else:
        return None
    if not (y.isdigit() and m.isdigit() and d.isdigit() and y.isascii() and m.isascii() and d.isascii()):
        return None
    return [int(y), int(m), int(d)]


def _parse_isoformat_time(s):
    # HH[:MM[:SS[.fff[fff]]]][+HH:MM[:SS[.ffffff]]] or Z
    tz = None
    tzpos = -1
    for i in range(len(s)):
        if s[i] in "+-Z":
            tzpos = i
            break
    timestr = s if tzpos < 0 else s[:tzpos]
    tzstr = None if tzpos < 0 else s[tzpos:]
    comps = _parse_hh_mm_ss_ff(timestr)
    if comps is None:
        return None
    if tzstr is not None:
        if tzstr == "Z":
            tz = timezone.utc
        else:
            sign = -1 if tzstr[0] == "-" else 1
            tc = _parse_hh_mm_ss_ff(tzstr[1:])
            if tc is None or tzstr[1:] == "":
                return None
            td = timedelta(hours=tc[0], minutes=tc[1], seconds=tc[2], microseconds=tc[3])
            if not td:
                tz = timezone.utc
            else:
                tz = timezone(sign * td)
    comps.append(tz)
    return comps


def _parse_hh_mm_ss_ff(tstr):
    comps = [0, 0, 0, 0]
    pos = 0
    n = len(tstr)
    if n < 2:
        return None
    has_sep = n > 2 and tstr[2] == ":"
    for comp in range(3):
        if n - pos < 2:
            return None
        part = tstr[pos:pos + 2]
        if not (part.isdigit() and part.isascii()):
            return None
        comps[comp] = int(part)
        pos += 2
        if pos >= n or comp >= 2:
            break
        nxt = tstr[pos]
        if has_sep:
            if nxt != ":":
                break
            pos += 1
    if pos < n:
        if tstr[pos] not in ".,":
            return None
        pos += 1
        frac = tstr[pos:]
        digits = ""
        for ch in frac:
            if ch.isdigit() and ch.isascii():
                digits += ch
            else:
                return None
        if not digits:
            return None
        if len(digits) > 6:
            digits = digits[:6]
        comps[3] = int(digits) * 10 ** (6 - len(digits))
    return comps


class tzinfo:
    """Abstract base class for time zone info objects."""

    __tp_name__ = "datetime.tzinfo"

    def tzname(self, dt):
        raise NotImplementedError("tzinfo subclass must override tzname()")

    def utcoffset(self, dt):
        raise NotImplementedError("tzinfo subclass must override utcoffset()")

    def dst(self, dt):
        raise NotImplementedError("tzinfo subclass must override dst()")

    def fromutc(self, dt):
        dtoff = dt.utcoffset()
        dtdst = dt.dst() or timedelta(0)
        delta = dtoff - dtdst
        if delta:
            dt = dt + delta
            dtdst = dt.dst()
            if dtdst is None:
                return dt
        return dt + (dtdst or timedelta(0))


class timezone(tzinfo):
    """Fixed offset from UTC implementation of tzinfo."""

    __tp_name__ = "datetime.timezone"

    def __new__(cls, offset, name=None):
        if not isinstance(offset, timedelta):
            raise TypeError("timezone() argument 1 must be datetime.timedelta, not %s" % type(offset).__name__)
        if name is not None and not isinstance(name, str):
            raise TypeError("timezone() argument 2 must be str, not %s" % type(name).__name__)
        if not -timedelta(hours=24) < offset < timedelta(hours=24):
            raise ValueError("offset must be a timedelta strictly between -timedelta(hours=24) and "
                             "timedelta(hours=24), not %r." % (offset,))
        self = tzinfo.__new__(cls)
        self._offset = offset
        self._name = name
        return self

    def __eq__(self, other):
        if isinstance(other, timezone):
            return self._offset == other._offset
        return NotImplemented

    def __hash__(self):
        return hash(self._offset)

    def __repr__(self):
        if self._offset == timedelta(0) and self._name is None:
            return "datetime.timezone.utc"
        if self._name is None:
            return "datetime.timezone(%r)" % (self._offset,)
        return "datetime.timezone(%r, %r)" % (self._offset, self._name)

    def __str__(self):
        return self.tzname(None)

    def utcoffset(self, dt):
        return self._offset

    def tzname(self, dt):
        if self._name is None:
            return self._name_from_offset(self._offset)
        return self._name

    def dst(self, dt):
        return None

    def fromutc(self, dt):
        return dt + self._offset

    @staticmethod
    def _name_from_offset(delta):
        if not delta:
            return "UTC"
        if delta < timedelta(0):
            sign = "-"
            delta = -delta
        else:
            sign = "+"
        hours, rest = divmod(delta, timedelta(hours=1))
        minutes, rest = divmod(rest, timedelta(minutes=1))
        seconds = rest.seconds
        microseconds = rest.microseconds
        if microseconds:
            return "UTC%s%02d:%02d:%02d.%06d" % (sign, hours, minutes, seconds, microseconds)
        if seconds:
            return "UTC%s%02d:%02d:%02d" % (sign, hours, minutes, seconds)
        return "UTC%s%02d:%02d" % (sign, hours, minutes)


timezone.utc = timezone(timedelta(0))
timezone.min = timezone(-timedelta(hours=23, minutes=59))
timezone.max = timezone(timedelta(hours=23, minutes=59))
UTC = timezone.utc


class time:
    """time([hour[, minute[, second[, microsecond[, tzinfo]]]]]) --> a time object"""

    __tp_name__ = "datetime.time"

    def __new__(cls, *args, **kw):
        hour, minute, second, microsecond, tz, fold = _parse_args(
            args, kw, ("hour", "minute", "second", "microsecond", "tzinfo", "fold"), 0)
        hour, minute, second, microsecond, fold = _check_time_fields(
            hour or 0, minute or 0, second or 0, microsecond or 0, fold or 0)
        _check_tzinfo_arg(tz)
        self = object.__new__(cls)
        self._hour = hour
        self._minute = minute
        self._second = second
        self._microsecond = microsecond
        self._tzinfo = tz
        self._fold = fold
        return self

    @property
    def hour(self):
        return self._hour

    @property
    def minute(self):
        return self._minute

    @property
    def second(self):
        return self._second

    @property
    def microsecond(self):
        return self._microsecond

    @property
    def tzinfo(self):
        return self._tzinfo

    @property
    def fold(self):
        return self._fold

    @classmethod
    def fromisoformat(cls, time_string):
        if not isinstance(time_string, str):
            raise TypeError("fromisoformat: argument must be str")
        s = time_string[1:] if time_string[:1] == "T" else time_string
        parsed = _parse_isoformat_time(s)
        if parsed is None:
            raise ValueError("Invalid isoformat string: %r" % (time_string,))
        return cls(*parsed)

    def utcoffset(self):
        if self._tzinfo is None:
            return None
        return self._tzinfo.utcoffset(None)

    def tzname(self):
        if self._tzinfo is None:
            return None
        return self._tzinfo.tzname(None)

    def dst(self):
        if self._tzinfo is None:
            return None
        return self._tzinfo.dst(None)

    def __repr__(self):
        if self._microsecond != 0:
            s = ", %d, %d" % (self._second, self._microsecond)
        elif self._second != 0:
            s = ", %d" % self._second
        else:
            s = ""
        s = "%s.%s(%d, %d%s)" % ("datetime", type(self).__qualname__, self._hour, self._minute, s)
        if self._tzinfo is not None:
            s = s[:-1] + ", tzinfo=%r" % self._tzinfo + ")"
        if self._fold:
            s = s[:-1] + ", fold=1)"
        return s

    def isoformat(self, timespec="auto"):
        s = _format_time(self._hour, self._minute, self._second, self._microsecond, timespec)
        off = self.utcoffset()
        if off is not None:
            s += _format_offset(off)
        return s

    def __str__(self):
        return self.isoformat()

    def __format__(self, fmt):
        if len(fmt) != 0:
            return self.strftime(fmt)
        return str(self)

    def strftime(self, fmt):
        return _wrap_strftime(self, fmt, (1900, 1, 1, self._hour, self._minute, self._second, 0, 1))

    def replace(self, hour=None, minute=None, second=None, microsecond=None, tzinfo=True, fold=None):
        if hour is None:
            hour = self._hour
        if minute is None:
            minute = self._minute
        if second is None:
            second = self._second
        if microsecond is None:
            microsecond = self._microsecond
        if tzinfo is True:
            tzinfo = self._tzinfo
        if fold is None:
            fold = self._fold
        return type(self)(hour, minute, second, microsecond, tzinfo, fold=fold)

    def _key(self):
        return (self._hour, self._minute, self._second, self._microsecond)

    def __eq__(self, other):
        if isinstance(other, time):
            return self._key() == other._key() and self.utcoffset() == other.utcoffset()
        return NotImplemented

    def __ne__(self, other):
        if isinstance(other, time):
            return not self.__eq__(other)
        return NotImplemented

    def __lt__(self, other):
        if isinstance(other, time):
            return self._key() < other._key()
        return NotImplemented

    def __le__(self, other):
        if isinstance(other, time):
            return self._key() <= other._key()
        return NotImplemented

    def __gt__(self, other):
        if isinstance(other, time):
            return self._key() > other._key()
        return NotImplemented

    def __ge__(self, other):
        if isinstance(other, time):
            return self._key() >= other._key()
        return NotImplemented

    def __hash__(self):
        return hash(self._key())

    def __bool__(self):
        return True


time.min = time(0, 0, 0)
time.max = time(23, 59, 59, 999999)
time.resolution = timedelta(microseconds=1)


class datetime(date):
    """datetime(year, month, day[, hour[, minute[, second[, microsecond[,tzinfo]]]]])"""

    __tp_name__ = "datetime.datetime"

    def __new__(cls, *args, **kw):
        year, month, day, hour, minute, second, microsecond, tz, fold = _parse_args(
            args, kw, ("year", "month", "day", "hour", "minute", "second", "microsecond", "tzinfo", "fold"), 3)
        year, month, day = _check_date_fields(year, month, day)
        hour, minute, second, microsecond, fold = _check_time_fields(
            hour or 0, minute or 0, second or 0, microsecond or 0, fold or 0)
        _check_tzinfo_arg(tz)
        self = object.__new__(cls)
        self._year = year
        self._month = month
        self._day = day
        self._hour = hour
        self._minute = minute
        self._second = second
        self._microsecond = microsecond
        self._tzinfo = tz
        self._fold = fold
        return self

    @property
    def hour(self):
        return self._hour

    @property
    def minute(self):
        return self._minute

    @property
    def second(self):
        return self._second

    @property
    def microsecond(self):
        return self._microsecond

    @property
    def tzinfo(self):
        return self._tzinfo

    @property
    def fold(self):
        return self._fold

    @classmethod
    def _fromtimestamp(cls, t, utc, tz):
        if not isinstance(t, (int, float)):
            raise TypeError("'%s' object cannot be interpreted as an integer" % type(t).__name__)
        frac, t = _math_modf(t)
        us = round(frac * 1e6)
        if us >= 1000000:
            t += 1
            us -= 1000000
        elif us < 0:
            t -= 1
            us += 1000000
        y, m, d, hh, mm, ss, weekday, jday, dst = _time.gmtime(t)
        ss = min(ss, 59)
        result = cls(y, m, d, hh, mm, ss, us, tz)
        return result

    @classmethod
    def fromtimestamp(cls, t, tz=None):
        _check_tzinfo_arg(tz)
        result = cls._fromtimestamp(t, tz is not None, None)
        if tz is not None:
            result = (result + tz.utcoffset(result)).replace(tzinfo=tz)
        return result

    @classmethod
    def utcfromtimestamp(cls, t):
        return cls._fromtimestamp(t, True, None)

    @classmethod
    def now(cls, tz=None):
        return cls.fromtimestamp(_time.time(), tz)

    @classmethod
    def utcnow(cls):
        return cls.utcfromtimestamp(_time.time())

    @classmethod
    def today(cls):
        return cls.fromtimestamp(_time.time())

    @classmethod
    def combine(cls, date, time, tzinfo=True):
        if tzinfo is True:
            tzinfo = time.tzinfo
        return cls(date.year, date.month, date.day, time.hour, time.minute, time.second, time.microsecond,
                   tzinfo, fold=time.fold)

    @classmethod
    def fromisoformat(cls, date_string):
        if not isinstance(date_string, str):
            raise TypeError("fromisoformat: argument must be str")
        if len(date_string) < 7:
            raise ValueError("Invalid isoformat string: %r" % (date_string,))
        if len(date_string) >= 10 and date_string[4] == "-":
            dstr = date_string[:10]
            rest = date_string[10:]
        else:
            dstr = date_string[:8]
            rest = date_string[8:]
        date_components = _parse_isoformat_date(dstr)
        if date_components is None:
            raise ValueError("Invalid isoformat string: %r" % (date_string,))
        if rest:
            tstr = rest[1:]
            time_components = _parse_isoformat_time(tstr) if tstr else None
            if time_components is None:
                raise ValueError("Invalid isoformat string: %r" % (date_string,))
        else:
            time_components = [0, 0, 0, 0, None]
        try:
            return cls(*(date_components + time_components))
        except ValueError:
            raise ValueError("Invalid isoformat string: %r" % (date_string,)) from None

    def timestamp(self):
        if self._tzinfo is None:
            off = timedelta(0)
        else:
            off = self.utcoffset()
        delta = self.replace(tzinfo=None) - off - _EPOCH_NAIVE
        return delta.total_seconds()

    def utctimetuple(self):
        return self.timetuple()

    def _timetuple(self):
        return (self._year, self._month, self._day, self._hour, self._minute, self._second, self.weekday(),
                _days_before_month(self._year, self._month) + self._day)

    def date(self):
        return date(self._year, self._month, self._day)

    def time(self):
        return time(self._hour, self._minute, self._second, self._microsecond, fold=self._fold)

    def timetz(self):
        return time(self._hour, self._minute, self._second, self._microsecond, self._tzinfo, fold=self._fold)

    def replace(self, year=None, month=None, day=None, hour=None, minute=None, second=None, microsecond=None,
                tzinfo=True, fold=None):
        if year is None:
            year = self._year
        if month is None:
            month = self._month
        if day is None:
            day = self._day
        if hour is None:
            hour = self._hour
        if minute is None:
            minute = self._minute
        if second is None:
            second = self._second
        if microsecond is None:
            microsecond = self._microsecond
        if tzinfo is True:
            tzinfo = self._tzinfo
        if fold is None:
            fold = self._fold
        return type(self)(year, month, day, hour, minute, second, microsecond, tzinfo, fold=fold)

    def astimezone(self, tz=None):
        if tz is None:
            tz = timezone.utc
        elif not isinstance(tz, tzinfo):
            raise TypeError("tzinfo argument must be None or of a tzinfo subclass, not type '%s'"
                            % type(tz).__name__)
        mytz = self._tzinfo
        if mytz is None:
            offset = timedelta(0)
        else:
            offset = self.utcoffset()
        if mytz is tz:
            return self
        utc = (self - offset).replace(tzinfo=tz)
        return tz.fromutc(utc)

    def ctime(self):
        weekday = self.toordinal() % 7 or 7
        return "%s %s %2d %02d:%02d:%02d %04d" % (_DAYNAMES[weekday], _MONTHNAMES[self._month], self._day,
                                                  self._hour, self._minute, self._second, self._year)

    def isoformat(self, sep="T", timespec="auto"):
        s = "%04d-%02d-%02d%s" % (self._year, self._month, self._day, sep) + _format_time(
            self._hour, self._minute, self._second, self._microsecond, timespec)
        off = self.utcoffset()
        if off is not None:
            s += _format_offset(off)
        return s

    def __repr__(self):
        L = [self._year, self._month, self._day, self._hour, self._minute, self._second, self._microsecond]
        if L[-1] == 0:
            del L[-1]
        if L[-1] == 0:
            del L[-1]
        s = "%s.%s(%s)" % ("datetime", type(self).__qualname__, ", ".join(map(str, L)))
        if self._tzinfo is not None:
            s = s[:-1] + ", tzinfo=%r" % self._tzinfo + ")"
        if self._fold:
            s = s[:-1] + ", fold=1)"
        return s

    def __str__(self):
        return self.isoformat(sep=" ")

    @classmethod
    def strptime(cls, date_string, format):
        return _strptime(cls, date_string, format)

    def utcoffset(self):
        if self._tzinfo is None:
            return None
        return self._tzinfo.utcoffset(self)

    def tzname(self):
        if self._tzinfo is None:
            return None
        return self._tzinfo.tzname(self)

    def dst(self):
        if self._tzinfo is None:
            return None
        return self._tzinfo.dst(self)

    def _key(self):
        return (self._year, self._month, self._day, self._hour, self._minute, self._second, self._microsecond)

    def _cmp(self, other, allow_mixed=False):
        mytz = self._tzinfo
        ottz = other._tzinfo
        myoff = otoff = None
        if mytz is ottz:
            base_compare = True
        else:
            myoff = self.utcoffset()
            otoff = other.utcoffset()
            base_compare = myoff == otoff
        if base_compare:
            return _cmp(self._key(), other._key())
        if myoff is None or otoff is None:
            if allow_mixed:
                return 2
            raise TypeError("can't compare offset-naive and offset-aware datetimes")
        diff = self - other
        if diff.days < 0:
            return -1
        return 1 if diff else 0

    def _check(self, other):
        if isinstance(other, datetime):
            return True
        if isinstance(other, date):
            raise TypeError("can't compare %s to %s" % ("datetime.datetime", type(other).__tp_name__))
        return False

    def __eq__(self, other):
        if isinstance(other, datetime):
            return self._cmp(other, allow_mixed=True) == 0
        if isinstance(other, date):
            return False
        return NotImplemented

    def __ne__(self, other):
        if isinstance(other, datetime):
            return self._cmp(other, allow_mixed=True) != 0
        if isinstance(other, date):
            return True
        return NotImplemented

    def __lt__(self, other):
        if self._check(other):
            return self._cmp(other) < 0
        return NotImplemented

    def __le__(self, other):
        if self._check(other):
            return self._cmp(other) <= 0
        return NotImplemented

    def __gt__(self, other):
        if self._check(other):
            return self._cmp(other) > 0
        return NotImplemented

    def __ge__(self, other):
        if self._check(other):
            return self._cmp(other) >= 0
        return NotImplemented

    def __hash__(self):
        if self.utcoffset() is None:
            return hash(self._key())
        return hash(self - self.utcoffset())

    def __add__(self, other):
        if not isinstance(other, timedelta):
            return NotImplemented
        delta = timedelta(self.toordinal(), hours=self._hour, minutes=self._minute, seconds=self._second,
                          microseconds=self._microsecond)
        delta = delta + other
        hour, rem = divmod(delta.seconds, 3600)
        minute, second = divmod(rem, 60)
        if 0 < delta.days <= 3652059:
            d = date.fromordinal(delta.days)
            return type(self).combine(d, time(hour, minute, second, delta.microseconds, tzinfo=self._tzinfo))
        raise OverflowError("date value out of range")

    __radd__ = __add__

    def __sub__(self, other):
        if not isinstance(other, datetime):
            if isinstance(other, timedelta):
                return self + -other
            return NotImplemented
        days1 = self.toordinal()
        days2 = other.toordinal()
        secs1 = self._second + self._minute * 60 + self._hour * 3600
        secs2 = other._second + other._minute * 60 + other._hour * 3600
        base = timedelta(days1 - days2, secs1 - secs2, self._microsecond - other._microsecond)
        if self._tzinfo is other._tzinfo:
            return base
        myoff = self.utcoffset()
        otoff = other.utcoffset()
        if myoff == otoff:
            return base
        if myoff is None or otoff is None:
            raise TypeError("can't subtract offset-naive and offset-aware datetimes")
        return base + otoff - myoff

    def __reduce__(self):
        return (self.__class__, (self._year, self._month, self._day, self._hour, self._minute, self._second,
                                 self._microsecond, self._tzinfo))


def _math_modf(t):
    whole = int(t)
    return t - whole, whole


datetime.min = datetime(1, 1, 1)
datetime.max = datetime(9999, 12, 31, 23, 59, 59, 999999)
datetime.resolution = timedelta(microseconds=1)
_EPOCH_NAIVE = datetime(1970, 1, 1)


def _strptime(cls, data_string, format):
    # Numeric directives and month/day names; enough for the formats models use.
    values = {"Y": 1900, "m": 1, "d": 1, "H": 0, "M": 0, "S": 0, "f": 0}
    i = 0
    j = 0
    n = len(format)
    s = data_string

    def fail():
        raise ValueError("time data %r does not match format %r" % (data_string, format))

    while i < n:
        ch = format[i]
        if ch == "%" and i + 1 < n:
            d = format[i + 1]
            i += 2
            if d in "YmdHMSfyIjp":
                width = {"Y": 4, "f": 6, "j": 3}.get(d, 2)
                if d == "p":
                    part = s[j:j + 2].upper()
                    if part not in ("AM", "PM"):
                        fail()
                    values["p"] = part
                    j += 2
                    continue
                k = j
                while k < len(s) and k - j < width and s[k].isdigit():
                    k += 1
                if k == j:
                    fail()
                num = s[j:k]
                if d == "f":
                    num = num + "0" * (6 - len(num))
                values[d] = int(num)
                j = k
            elif d in "bBaA":
                names = {"b": _MONTHNAMES, "B": _FULLMONTHNAMES, "a": _DAYNAMES, "A": _FULLDAYNAMES}[d]
                found = False
                for idx in range(1, len(names)):
                    name = names[idx]
                    if s[j:j + len(name)].lower() == name.lower():
                        if d in "bB":
                            values["m"] = idx
                        j += len(name)
                        found = True
                        break
                if not found:
                    fail()
            elif d == "%":
                if s[j:j + 1] != "%":
                    fail()
                j += 1
            else:
                raise ValueError("'%s' is a bad directive in format %r" % (d, format))
        else:
            if ch.isspace():
                while j < len(s) and s[j].isspace():
                    j += 1
                i += 1
                continue
            if s[j:j + 1] != ch:
                fail()
            i += 1
            j += 1
    if j < len(s):
        raise ValueError("unconverted data remains: %s" % s[j:])
    if "y" in values:
        y = values["y"]
        values["Y"] = y + (2000 if y <= 68 else 1900)
    hour = values["H"]
    if "I" in values:
        hour = values["I"] % 12
        if values.get("p") == "PM":
            hour += 12
    return cls(values["Y"], values["m"], values["d"], hour, values["M"], values["S"], values["f"])


__all__ = ("date", "datetime", "time", "timedelta", "timezone", "tzinfo", "MINYEAR", "MAXYEAR", "UTC")

//! Python's `int` beyond 64 bits: a sign and a magnitude of base-2**32 limbs.
//!
//! Small ints stay `Value::Int(i64)`; only results that do not fit become `Value::BigInt`, and
//! [`BigInt::into_value`] turns a result that fits back into a small int, so a `BigInt` value
//! is always outside the i64 range. Written by hand (schoolbook multiplication, Knuth's long
//! division) instead of a crate: what a learner computes is small, and the page's wasm is not.

use std::cmp::Ordering;
use std::rc::Rc;

use super::value::Value;

/// An integer of any size: `neg` and little-endian limbs without high zero limbs (zero has
/// no limbs and is never negative).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BigInt {
    neg: bool,
    mag: Vec<u32>,
}

fn trim(v: &mut Vec<u32>) {
    while v.last() == Some(&0) {
        v.pop();
    }
}

fn mag_cmp(a: &[u32], b: &[u32]) -> Ordering {
    if a.len() != b.len() {
        return a.len().cmp(&b.len());
    }
    for i in (0..a.len()).rev() {
        if a[i] != b[i] {
            return a[i].cmp(&b[i]);
        }
    }
    Ordering::Equal
}

fn mag_add(a: &[u32], b: &[u32]) -> Vec<u32> {
    let (a, b) = if a.len() >= b.len() { (a, b) } else { (b, a) };
    let mut out = Vec::with_capacity(a.len() + 1);
    let mut carry = 0u64;
    for i in 0..a.len() {
        let s = a[i] as u64 + *b.get(i).unwrap_or(&0) as u64 + carry;
        out.push(s as u32);
        carry = s >> 32;
    }
    if carry != 0 {
        out.push(carry as u32);
    }
    out
}

/// `a - b` for `a >= b`.
fn mag_sub(a: &[u32], b: &[u32]) -> Vec<u32> {
    let mut out = Vec::with_capacity(a.len());
    let mut borrow = 0i64;
    for i in 0..a.len() {
        let mut d = a[i] as i64 - *b.get(i).unwrap_or(&0) as i64 - borrow;
        borrow = 0;
        if d < 0 {
            d += 1 << 32;
            borrow = 1;
        }
        out.push(d as u32);
    }
    trim(&mut out);
    out
}

/// Operands of at least this many limbs (the shorter one) are multiplied by Karatsuba's
/// method; below it the schoolbook product is faster.
const KARATSUBA_CUTOFF: usize = 48;

fn mag_mul(a: &[u32], b: &[u32]) -> Vec<u32> {
    let (a, b) = if a.len() >= b.len() { (a, b) } else { (b, a) };
    if b.is_empty() {
        return Vec::new();
    }
    if b.len() < KARATSUBA_CUTOFF {
        return schoolbook_mul(a, b);
    }
    let mut out = vec![0u32; a.len() + b.len() + 1];
    if 2 * b.len() <= a.len() {
        // Unbalanced: the long operand in pieces of the short one's length.
        for (k, piece) in a.chunks(b.len()).enumerate() {
            let p = mag_mul(trimmed(piece), b);
            add_at(&mut out, &p, k * b.len());
        }
    } else {
        // a = a1·B^m + a0, b = b1·B^m + b0: three products instead of four.
        let m = a.len() / 2;
        let (a0, a1) = (trimmed(&a[..m]), &a[m..]);
        let (b0, b1) = (trimmed(&b[..m]), &b[m..]);
        let z0 = mag_mul(a0, b0);
        let z2 = mag_mul(a1, b1);
        let mut z1 = mag_mul(&mag_add(a0, a1), &mag_add(b0, b1));
        trim(&mut z1);
        let z1 = mag_sub(&mag_sub(&z1, &z0), &z2);
        add_at(&mut out, &z0, 0);
        add_at(&mut out, &z1, m);
        add_at(&mut out, &z2, 2 * m);
    }
    trim(&mut out);
    out
}

/// `a` without its high zero limbs.
fn trimmed(a: &[u32]) -> &[u32] {
    let n = a.iter().rposition(|&x| x != 0).map_or(0, |i| i + 1);
    &a[..n]
}

/// `out += p · B^at` (out is long enough for the sum).
fn add_at(out: &mut [u32], p: &[u32], at: usize) {
    let mut carry = 0u64;
    let mut i = at;
    for &x in p {
        let t = out[i] as u64 + x as u64 + carry;
        out[i] = t as u32;
        carry = t >> 32;
        i += 1;
    }
    while carry != 0 && i < out.len() {
        let t = out[i] as u64 + carry;
        out[i] = t as u32;
        carry = t >> 32;
        i += 1;
    }
}

fn schoolbook_mul(a: &[u32], b: &[u32]) -> Vec<u32> {
    if a.is_empty() || b.is_empty() {
        return Vec::new();
    }
    let mut out = vec![0u32; a.len() + b.len()];
    for (i, &x) in a.iter().enumerate() {
        if x == 0 {
            continue;
        }
        let mut carry = 0u64;
        for (j, &y) in b.iter().enumerate() {
            let t = x as u64 * y as u64 + out[i + j] as u64 + carry;
            out[i + j] = t as u32;
            carry = t >> 32;
        }
        out[i + b.len()] = carry as u32;
    }
    trim(&mut out);
    out
}

/// `a * m + add` in place.
fn mag_mul_small_add(a: &mut Vec<u32>, m: u32, add: u32) {
    let mut carry = add as u64;
    for x in a.iter_mut() {
        let t = *x as u64 * m as u64 + carry;
        *x = t as u32;
        carry = t >> 32;
    }
    if carry != 0 {
        a.push(carry as u32);
    }
}

/// `(a // d, a % d)` for a one-limb divisor.
fn mag_divmod_small(a: &[u32], d: u32) -> (Vec<u32>, u32) {
    let mut q = vec![0u32; a.len()];
    let mut rem = 0u64;
    for i in (0..a.len()).rev() {
        let cur = (rem << 32) | a[i] as u64;
        q[i] = (cur / d as u64) as u32;
        rem = cur % d as u64;
    }
    trim(&mut q);
    (q, rem as u32)
}

fn mag_shl(a: &[u32], bits: usize) -> Vec<u32> {
    if a.is_empty() {
        return Vec::new();
    }
    let (limbs, b) = (bits / 32, (bits % 32) as u32);
    let mut out = vec![0u32; limbs];
    if b == 0 {
        out.extend_from_slice(a);
    } else {
        let mut carry = 0u32;
        for &x in a {
            out.push((x << b) | carry);
            carry = x >> (32 - b);
        }
        if carry != 0 {
            out.push(carry);
        }
    }
    out
}

fn mag_shr(a: &[u32], bits: usize) -> Vec<u32> {
    let (limbs, b) = (bits / 32, (bits % 32) as u32);
    if limbs >= a.len() {
        return Vec::new();
    }
    let src = &a[limbs..];
    let mut out = Vec::with_capacity(src.len());
    for i in 0..src.len() {
        let hi = if b == 0 { 0 } else { src.get(i + 1).map_or(0, |&h| h << (32 - b)) };
        out.push((src[i] >> b) | hi);
    }
    trim(&mut out);
    out
}

/// Are any of the low `bits` bits set?
fn mag_low_bits_set(a: &[u32], bits: usize) -> bool {
    let (limbs, b) = (bits / 32, bits % 32);
    a.iter().take(limbs).any(|&x| x != 0) || (b > 0 && a.get(limbs).is_some_and(|&x| x & ((1u32 << b) - 1) != 0))
}

/// Knuth's algorithm D: `(u // v, u % v)`, `v` not zero.
fn mag_divmod(u: &[u32], v: &[u32]) -> (Vec<u32>, Vec<u32>) {
    if mag_cmp(u, v) == Ordering::Less {
        return (Vec::new(), u.to_vec());
    }
    if v.len() == 1 {
        let (q, r) = mag_divmod_small(u, v[0]);
        return (q, if r == 0 { Vec::new() } else { vec![r] });
    }
    let s = v[v.len() - 1].leading_zeros() as usize;
    let vn = mag_shl(v, s);
    let mut un = mag_shl(u, s);
    if un.len() == u.len() {
        un.push(0);
    }
    let n = vn.len();
    let m = un.len() - n;
    let mut q = vec![0u32; m];
    const B: u64 = 1 << 32;
    for j in (0..m).rev() {
        let num = ((un[j + n] as u64) << 32) | un[j + n - 1] as u64;
        let mut qhat = num / vn[n - 1] as u64;
        let mut rhat = num % vn[n - 1] as u64;
        while qhat >= B || qhat * vn[n - 2] as u64 > ((rhat << 32) | un[j + n - 2] as u64) {
            qhat -= 1;
            rhat += vn[n - 1] as u64;
            if rhat >= B {
                break;
            }
        }
        let mut k: i64 = 0;
        for i in 0..n {
            let p = qhat * vn[i] as u64;
            let t = un[i + j] as i64 - k - (p & 0xffff_ffff) as i64;
            un[i + j] = t as u32;
            k = (p >> 32) as i64 - (t >> 32);
        }
        let t = un[j + n] as i64 - k;
        un[j + n] = t as u32;
        if t < 0 {
            qhat -= 1;
            let mut c = 0u64;
            for i in 0..n {
                let s = un[i + j] as u64 + vn[i] as u64 + c;
                un[i + j] = s as u32;
                c = s >> 32;
            }
            un[j + n] = un[j + n].wrapping_add(c as u32);
        }
        q[j] = qhat as u32;
    }
    trim(&mut q);
    un.truncate(n);
    trim(&mut un);
    (q, mag_shr(&un, s))
}

/// Two's complement of a value in `n` limbs (enough to hold it and its sign).
fn twos(x: &BigInt, n: usize) -> Vec<u32> {
    let mut v = x.mag.clone();
    v.resize(n, 0);
    if x.neg {
        let mut carry = 1u64;
        for limb in v.iter_mut() {
            let t = (!*limb) as u64 + carry;
            *limb = t as u32;
            carry = t >> 32;
        }
    }
    v
}

fn from_twos(mut v: Vec<u32>) -> BigInt {
    let neg = v.last().is_some_and(|&top| top >> 31 == 1);
    if neg {
        let mut carry = 1u64;
        for limb in v.iter_mut() {
            let t = (!*limb) as u64 + carry;
            *limb = t as u32;
            carry = t >> 32;
        }
    }
    trim(&mut v);
    BigInt::from_parts(neg, v)
}

impl BigInt {
    fn from_parts(neg: bool, mut mag: Vec<u32>) -> BigInt {
        trim(&mut mag);
        let neg = neg && !mag.is_empty();
        BigInt { neg, mag }
    }
    pub fn zero() -> BigInt {
        BigInt { neg: false, mag: Vec::new() }
    }
    pub fn from_u64(n: u64) -> BigInt {
        BigInt::from_parts(false, vec![n as u32, (n >> 32) as u32])
    }
    pub fn from_i64(n: i64) -> BigInt {
        let mut b = BigInt::from_u64(n.unsigned_abs());
        b.neg = n < 0;
        b
    }
    /// The value, if it fits in an i64.
    pub fn to_i64(&self) -> Option<i64> {
        if self.mag.len() > 2 {
            return None;
        }
        let m = self.mag.first().copied().unwrap_or(0) as u64 | (self.mag.get(1).copied().unwrap_or(0) as u64) << 32;
        if self.neg {
            if m <= 1 << 63 {
                Some((m as i64).wrapping_neg())
            } else {
                None
            }
        } else {
            i64::try_from(m).ok()
        }
    }
    /// The value as a Python int: a small int when it fits.
    pub fn into_value(self) -> Value {
        match self.to_i64() {
            Some(n) => Value::Int(n),
            None => Value::BigInt(Rc::new(self)),
        }
    }
    pub fn is_zero(&self) -> bool {
        self.mag.is_empty()
    }
    pub fn is_negative(&self) -> bool {
        self.neg
    }
    pub fn neg(&self) -> BigInt {
        BigInt::from_parts(!self.neg, self.mag.clone())
    }
    pub fn abs(&self) -> BigInt {
        BigInt { neg: false, mag: self.mag.clone() }
    }
    pub fn cmp(&self, other: &BigInt) -> Ordering {
        match (self.neg, other.neg) {
            (false, true) => Ordering::Greater,
            (true, false) => Ordering::Less,
            (false, false) => mag_cmp(&self.mag, &other.mag),
            (true, true) => mag_cmp(&other.mag, &self.mag),
        }
    }
    pub fn add(&self, other: &BigInt) -> BigInt {
        if self.neg == other.neg {
            return BigInt::from_parts(self.neg, mag_add(&self.mag, &other.mag));
        }
        match mag_cmp(&self.mag, &other.mag) {
            Ordering::Equal => BigInt::zero(),
            Ordering::Greater => BigInt::from_parts(self.neg, mag_sub(&self.mag, &other.mag)),
            Ordering::Less => BigInt::from_parts(other.neg, mag_sub(&other.mag, &self.mag)),
        }
    }
    pub fn sub(&self, other: &BigInt) -> BigInt {
        self.add(&other.neg())
    }
    pub fn mul(&self, other: &BigInt) -> BigInt {
        BigInt::from_parts(self.neg != other.neg, mag_mul(&self.mag, &other.mag))
    }
    /// Floor division and modulo, as Python's `divmod`; None for a zero divisor.
    pub fn divmod(&self, other: &BigInt) -> Option<(BigInt, BigInt)> {
        if other.is_zero() {
            return None;
        }
        let (q, r) = mag_divmod(&self.mag, &other.mag);
        let mut q = BigInt::from_parts(self.neg != other.neg, q);
        let mut r = BigInt::from_parts(self.neg, r);
        if !r.is_zero() && r.neg != other.neg {
            q = q.sub(&BigInt::from_i64(1));
            r = r.add(other);
        }
        Some((q, r))
    }
    /// `self ** exp`.
    pub fn pow(&self, mut exp: u64) -> BigInt {
        let mut base = self.clone();
        let mut acc = BigInt::from_i64(1);
        while exp > 0 {
            if exp & 1 == 1 {
                acc = acc.mul(&base);
            }
            exp >>= 1;
            if exp > 0 {
                base = base.mul(&base);
            }
        }
        acc
    }
    /// The number of bits of the magnitude (`int.bit_length`).
    pub fn bit_length(&self) -> u64 {
        match self.mag.last() {
            None => 0,
            Some(&top) => (self.mag.len() as u64 - 1) * 32 + (32 - top.leading_zeros() as u64),
        }
    }
    pub fn shl(&self, bits: usize) -> BigInt {
        BigInt::from_parts(self.neg, mag_shl(&self.mag, bits))
    }
    /// `self >> bits`, rounding toward negative infinity as Python does.
    pub fn shr(&self, bits: usize) -> BigInt {
        if !self.neg {
            return BigInt::from_parts(false, mag_shr(&self.mag, bits));
        }
        let one = BigInt::from_i64(1);
        let m = BigInt::from_parts(false, mag_shr(&self.abs().sub(&one).mag, bits));
        m.add(&one).neg()
    }
    fn bitwise(&self, other: &BigInt, f: impl Fn(u32, u32) -> u32) -> BigInt {
        let n = self.mag.len().max(other.mag.len()) + 1;
        let (a, b) = (twos(self, n), twos(other, n));
        from_twos(a.iter().zip(&b).map(|(&x, &y)| f(x, y)).collect())
    }
    pub fn and(&self, other: &BigInt) -> BigInt {
        self.bitwise(other, |x, y| x & y)
    }
    pub fn or(&self, other: &BigInt) -> BigInt {
        self.bitwise(other, |x, y| x | y)
    }
    pub fn xor(&self, other: &BigInt) -> BigInt {
        self.bitwise(other, |x, y| x ^ y)
    }
    /// `~self` = `-(self + 1)`.
    pub fn invert(&self) -> BigInt {
        self.add(&BigInt::from_i64(1)).neg()
    }
    /// The nearest float (ties to even), None when it is too large for a float.
    pub fn to_f64(&self) -> Option<f64> {
        let n = self.bit_length();
        let f = if n <= 64 {
            (self.mag.first().copied().unwrap_or(0) as u64 | (self.mag.get(1).copied().unwrap_or(0) as u64) << 32)
                as f64
        } else {
            let shift = (n - 64) as usize;
            let top = mag_shr(&self.mag, shift);
            let mut t = top[0] as u64 | (top.get(1).copied().unwrap_or(0) as u64) << 32;
            if mag_low_bits_set(&self.mag, shift) {
                t |= 1;
            }
            if shift > 1023 {
                return None;
            }
            (t as f64) * f64::from_bits((1023 + shift as u64) << 52)
        };
        if f.is_infinite() {
            return None;
        }
        Some(if self.neg { -f } else { f })
    }
    /// The integral part of a finite float.
    pub fn from_f64(f: f64) -> BigInt {
        let f = f.trunc();
        if f.abs() < 9.0e18 {
            return BigInt::from_i64(f as i64);
        }
        let bits = f.to_bits();
        let exp = ((bits >> 52) & 0x7ff) as i64 - 1075;
        let mant = (bits & ((1 << 52) - 1)) | (1 << 52);
        let m = BigInt::from_u64(mant);
        let m = if exp >= 0 { m.shl(exp as usize) } else { m.shr((-exp) as usize) };
        if f < 0.0 {
            m.neg()
        } else {
            m
        }
    }
    /// Digits in base 2, 8, 10 or 16 (lower case), without sign or prefix.
    pub fn to_radix_string(&self, radix: u32) -> String {
        if self.is_zero() {
            return "0".to_string();
        }
        if radix == 10 {
            let mut chunks = Vec::new();
            let mut cur = self.mag.clone();
            while !cur.is_empty() {
                let (q, r) = mag_divmod_small(&cur, 1_000_000_000);
                chunks.push(r);
                cur = q;
            }
            let mut s = chunks.pop().unwrap_or(0).to_string();
            for c in chunks.iter().rev() {
                s.push_str(&format!("{c:09}"));
            }
            return s;
        }
        let per = radix.trailing_zeros() as usize;
        let n = self.bit_length() as usize;
        let mut s = String::with_capacity(n / per + 1);
        let mut pos = n.div_ceil(per) * per;
        while pos > 0 {
            pos -= per;
            let mut d = 0u32;
            for b in (0..per).rev() {
                let bit = pos + b;
                let limb = self.mag.get(bit / 32).copied().unwrap_or(0);
                d = (d << 1) | ((limb >> (bit % 32)) & 1);
            }
            s.push(std::char::from_digit(d, radix).unwrap_or('?'));
        }
        s.trim_start_matches('0').to_string()
    }
    /// Parses ASCII digits (no sign, no underscores) in `radix`; None on a bad digit.
    pub fn parse(digits: &str, radix: u32) -> Option<BigInt> {
        if digits.is_empty() {
            return None;
        }
        let mut mag: Vec<u32> = Vec::new();
        if radix == 10 {
            let bytes = digits.as_bytes();
            let first = bytes.len() % 9;
            let mut start = 0;
            let mut take = if first == 0 { 9 } else { first };
            while start < bytes.len() {
                let chunk = std::str::from_utf8(&bytes[start..start + take]).ok()?;
                if !chunk.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                let v: u32 = chunk.parse().ok()?;
                mag_mul_small_add(&mut mag, 10u32.pow(take as u32), v);
                start += take;
                take = 9;
            }
        } else {
            for c in digits.chars() {
                let d = c.to_digit(radix)?;
                mag_mul_small_add(&mut mag, radix, d);
            }
        }
        Some(BigInt::from_parts(false, mag))
    }
    /// CPython's hash: the value modulo 2**61 - 1, sign kept, -1 made -2.
    pub fn hash(&self) -> i64 {
        const P: u128 = (1 << 61) - 1;
        let mut h: u128 = 0;
        for &limb in self.mag.iter().rev() {
            h = ((h << 32) | limb as u128) % P;
        }
        let h = if self.neg { -(h as i64) } else { h as i64 };
        if h == -1 {
            -2
        } else {
            h
        }
    }
    /// Little-endian bytes of the two's complement (or of the magnitude when not signed),
    /// `len` long; None when the value does not fit.
    pub fn to_bytes_le(&self, len: usize, signed: bool) -> Option<Vec<u8>> {
        if self.neg && !signed {
            return None;
        }
        let bits = self.bit_length() as usize;
        let need = if signed {
            // The sign bit needs room, except for -2**(8k-1) itself.
            let exact_min = self.neg && self.mag_is_power_of_two();
            if exact_min {
                bits
            } else {
                bits + 1
            }
        } else {
            bits
        };
        if need > len * 8 {
            return None;
        }
        let limbs = twos(self, len.div_ceil(4) + 1);
        let mut out = Vec::with_capacity(len);
        for i in 0..len {
            out.push((limbs[i / 4] >> ((i % 4) * 8)) as u8);
        }
        Some(out)
    }
    fn mag_is_power_of_two(&self) -> bool {
        match self.mag.split_last() {
            Some((top, rest)) => top.is_power_of_two() && rest.iter().all(|&x| x == 0),
            None => false,
        }
    }
    /// The integer of little-endian bytes, read as two's complement when `signed`.
    pub fn from_bytes_le(bytes: &[u8], signed: bool) -> BigInt {
        let mut limbs = vec![0u32; bytes.len().div_ceil(4) + 1];
        for (i, &b) in bytes.iter().enumerate() {
            limbs[i / 4] |= (b as u32) << ((i % 4) * 8);
        }
        if signed && bytes.last().is_some_and(|&b| b >> 7 == 1) {
            // Sign-extend into the spare limbs.
            let used = bytes.len() * 8;
            for bit in used..limbs.len() * 32 {
                limbs[bit / 32] |= 1 << (bit % 32);
            }
            return from_twos(limbs);
        }
        BigInt::from_parts(false, limbs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn big(s: &str) -> BigInt {
        match s.strip_prefix('-') {
            Some(d) => BigInt::parse(d, 10).unwrap().neg(),
            None => BigInt::parse(s, 10).unwrap(),
        }
    }
    fn dec(b: &BigInt) -> String {
        format!("{}{}", if b.is_negative() { "-" } else { "" }, b.to_radix_string(10))
    }

    // Expected values computed with CPython 3.11.
    #[test]
    fn karatsuba_products_match_cpython() {
        // 7**2000 (1691 digits): squarings of operands past the Karatsuba cutoff.
        let x = BigInt::from_i64(7).pow(2000);
        let s = dec(&x);
        assert_eq!((s.len(), &s[..20], &s[s.len() - 20..]), (1691, "15706522056181621090", "81998351822561200001"));
        // An unbalanced product: 3**5000 * 11**4000.
        let y = BigInt::from_i64(3).pow(5000).mul(&BigInt::from_i64(11).pow(4000));
        assert_eq!(y.bit_length(), 21763);
        let (_, low) = y.divmod(&BigInt::from_i64(10).pow(20)).unwrap();
        assert_eq!(dec(&low), "99042293557813940001");
        // Karatsuba agrees with the schoolbook product on uneven, zero-limbed operands.
        let a = BigInt::from_i64(5).pow(4321).add(&BigInt::from_i64(1).shl(3000));
        let b = BigInt::from_i64(13).pow(1777).sub(&BigInt::from_i64(1));
        assert_eq!(mag_mul(&a.mag, &b.mag), schoolbook_mul(&a.mag, &b.mag));
        assert_eq!(mag_mul(&b.mag, &b.mag), schoolbook_mul(&b.mag, &b.mag));
    }

    #[test]
    fn arithmetic_matches_cpython() {
        assert_eq!(dec(&BigInt::from_i64(2).pow(100)), "1267650600228229401496703205376");
        let a = big("100000000000000000000");
        let (q, r) = a.divmod(&BigInt::from_i64(3)).unwrap();
        assert_eq!((dec(&q), dec(&r)), ("33333333333333333333".into(), "1".into()));
        let (q, r) = a.neg().divmod(&BigInt::from_i64(7)).unwrap();
        assert_eq!((dec(&q), dec(&r)), ("-14285714285714285715".into(), "5".into()));
        let x = big("123456789012345678901234567890");
        let y = big("987654321098765432109");
        let (q, r) = x.divmod(&y).unwrap();
        assert_eq!((dec(&q), dec(&r)), ("124999998".into(), "850308642085140432108".into()));
        assert_eq!(dec(&x.mul(&y)), "121932631137021795226076817523485749121223746380010");
        assert_eq!(dec(&x.sub(&y.mul(&y))), "-975461057984939795796514250878776253619991");
        let f30 = (1..=30).fold(BigInt::from_i64(1), |acc, k| acc.mul(&BigInt::from_i64(k)));
        assert_eq!(dec(&f30), "265252859812191058636308480000000");
    }

    #[test]
    fn bits_and_shifts_match_cpython() {
        let x = big("-123456789012345678901234567890");
        assert_eq!(dec(&x.shr(70)), "-104571968");
        assert_eq!(dec(&x.shl(5)), "-3950617248395061724839506172480");
        assert_eq!(dec(&x.and(&big("98765432109876543210"))), "20213295392617428010");
        assert_eq!(dec(&x.or(&BigInt::from_i64(255))), "-123456789012345678901234567681");
        assert_eq!(dec(&x.xor(&big("98765432109876543210"))), "-123456788954006837576592880700");
        assert_eq!(x.bit_length(), 97);
        assert_eq!(x.to_radix_string(16), "18ee90ff6c373e0ee4e3f0ad2");
        assert_eq!(x.to_radix_string(2).len(), 97);
        assert_eq!(BigInt::parse("18ee90ff6c373e0ee4e3f0ad2", 16).unwrap().neg(), x);
    }

    #[test]
    fn floats_and_hash_match_cpython() {
        assert_eq!(big("1267650600228229401496703205376").to_f64(), Some(1.2676506002282294e30));
        // 2**53 + 1 rounds to even; 2**54 + 3 rounds up.
        assert_eq!(big("9007199254740993").to_f64(), Some(9007199254740992.0));
        assert_eq!(big("36893488147419103235").to_f64(), Some(3.6893488147419103e19));
        assert_eq!(BigInt::from_i64(10).pow(400).to_f64(), None);
        assert_eq!(dec(&BigInt::from_f64(1e30)), "1000000000000000019884624838656");
        assert_eq!(BigInt::from_i64(2).pow(100).hash(), 549755813888);
        assert_eq!(BigInt::from_i64(2).pow(100).neg().hash(), -549755813888);
        assert_eq!(big("2305843009213693951").hash(), 0);
    }

    #[test]
    fn bytes_match_cpython() {
        let x = BigInt::from_i64(-129);
        assert_eq!(x.to_bytes_le(2, true), Some(vec![0x7f, 0xff]));
        assert_eq!(x.to_bytes_le(1, true), None);
        assert_eq!(BigInt::from_i64(-128).to_bytes_le(1, true), Some(vec![0x80]));
        assert_eq!(BigInt::from_i64(255).to_bytes_le(1, true), None);
        assert_eq!(dec(&BigInt::from_bytes_le(&[0xff, 0xff], true)), "-1");
        assert_eq!(dec(&BigInt::from_bytes_le(&[0x00, 0x80], true)), "-32768");
        assert_eq!(dec(&BigInt::from_bytes_le(&[0xff; 16], false)), "340282366920938463463374607431768211455");
    }
}

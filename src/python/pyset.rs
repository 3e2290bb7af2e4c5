//! What CPython's set hash table makes observable: the order a set iterates in (its slots'
//! order, not insertion order) and the hash of a `frozenset`. Only where the hashes do not
//! depend on the process (ints, integral floats, tuples of them): a set holding a `str` keeps
//! insertion order, which CPython's randomised string hashes make arbitrary anyway.

/// `PySet_MINSIZE`: the slots of a new set's table.
const MINSIZE: usize = 8;
/// Slots probed one after the other before jumping (`LINEAR_PROBES` in `setobject.c`).
const LINEAR_PROBES: usize = 9;
const PERTURB_SHIFT: u32 = 5;

/// The free slot `set_add_entry` / `set_insert_clean` find for `hash` in a table without
/// removed entries.
fn free_slot(table: &[Option<usize>], hash: i64) -> usize {
    let mask = table.len() - 1;
    let mut perturb = hash as u64;
    let mut i = (hash as u64 as usize) & mask;
    loop {
        let probes = if i + LINEAR_PROBES <= mask { LINEAR_PROBES } else { 0 };
        for j in 0..=probes {
            if table[i + j].is_none() {
                return i + j;
            }
        }
        perturb >>= PERTURB_SHIFT;
        i = (i.wrapping_mul(5).wrapping_add(1).wrapping_add(perturb as usize)) & mask;
    }
}

/// The order a CPython set iterates its members in when they were added in this order, given
/// their (distinct members') hashes: `set_add_entry` into a new table, growing it as
/// `set_table_resize` does. Returns positions into `hashes`.
pub fn table_order(hashes: &[i64]) -> Vec<usize> {
    let mut table: Vec<Option<usize>> = vec![None; MINSIZE];
    let mut used = 0usize;
    for (n, &h) in hashes.iter().enumerate() {
        let slot = free_slot(&table, h);
        table[slot] = Some(n);
        used += 1;
        let mask = table.len() - 1;
        if used * 5 >= mask * 3 {
            let minused = if used > 50000 { used * 2 } else { used * 4 };
            let mut size = MINSIZE;
            while size <= minused {
                size <<= 1;
            }
            let old = std::mem::replace(&mut table, vec![None; size]);
            for m in old.into_iter().flatten() {
                let s = free_slot(&table, hashes[m]);
                table[s] = Some(m);
            }
        }
    }
    table.into_iter().flatten().collect()
}

/// CPython's `_Py_HashDouble` for a finite or infinite float (NaN hashes by address: None).
pub fn float_hash(v: f64) -> Option<i64> {
    const BITS: u32 = 61;
    const MODULUS: u64 = (1 << BITS) - 1;
    if v.is_nan() {
        return None;
    }
    if v.is_infinite() {
        return Some(if v > 0.0 { 314159 } else { -314159 });
    }
    let (mut m, mut e) = frexp(v);
    let mut sign: i64 = 1;
    if m < 0.0 {
        sign = -1;
        m = -m;
    }
    let mut x: u64 = 0;
    while m != 0.0 {
        x = ((x << 28) & MODULUS) | (x >> (BITS - 28));
        m *= 268435456.0;
        e -= 28;
        let y = m as u64;
        m -= y as f64;
        x += y;
        if x >= MODULUS {
            x -= MODULUS;
        }
    }
    let e = if e >= 0 { (e as u32) % BITS } else { BITS - 1 - ((-1 - e) as u32 % BITS) };
    x = ((x << e) & MODULUS) | (x >> (BITS - e));
    let h = (x as i64).wrapping_mul(sign);
    Some(if h == -1 { -2 } else { h })
}

/// `frexp`: `v = m * 2**e` with `0.5 <= |m| < 1` (m = 0 for 0).
fn frexp(v: f64) -> (f64, i32) {
    if v == 0.0 || !v.is_finite() {
        return (v, 0);
    }
    let bits = v.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i32;
    if exp == 0 {
        // Subnormal: scale into the normal range first.
        let (m, e) = frexp(v * 2f64.powi(64));
        return (m, e - 64);
    }
    let m = f64::from_bits((bits & !(0x7ff << 52)) | (1022 << 52));
    (m, exp - 1022)
}

/// CPython's `frozenset_hash` for a frozenset (built without removals) of members with these
/// hashes.
pub fn frozenset_hash(hashes: &[i64]) -> i64 {
    fn shuffle(h: u64) -> u64 {
        ((h ^ 89869747) ^ (h << 16)).wrapping_mul(3644798167)
    }
    let mut hash: u64 = 0;
    for &h in hashes {
        hash ^= shuffle(h as u64);
    }
    hash ^= (hashes.len() as u64 + 1).wrapping_mul(1927868237);
    hash ^= (hash >> 11) ^ (hash >> 25);
    hash = hash.wrapping_mul(69069).wrapping_add(907133923);
    if hash == u64::MAX {
        hash = 590923713;
    }
    hash as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_ints_iterate_in_slot_order() {
        // {3, 1, 2} -> slots 3, 1, 2 -> 1, 2, 3; 8 wraps to slot 0 of the 8-slot table.
        let order: Vec<i64> = table_order(&[3, 1, 2]).into_iter().map(|i| [3, 1, 2][i]).collect();
        assert_eq!(order, vec![1, 2, 3]);
        let keys = [1, 8];
        let order: Vec<i64> = table_order(&keys).into_iter().map(|i| keys[i]).collect();
        assert_eq!(order, vec![8, 1]);
    }

    #[test]
    fn float_hashes_are_cpythons() {
        // hash(0.5), hash(0.1), hash(-2.5), hash(1e-300), hash(float('inf')) in CPython 3.11.
        assert_eq!(float_hash(0.5), Some(1152921504606846976));
        assert_eq!(float_hash(0.1), Some(230584300921369408));
        assert_eq!(float_hash(-2.5), Some(-1152921504606846978));
        assert_eq!(float_hash(1e-300), Some(482449582752280463));
        assert_eq!(float_hash(5e-324), Some(16777216));
        assert_eq!(float_hash(f64::INFINITY), Some(314159));
        assert_eq!(float_hash(3.0), Some(3));
    }
}

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
}

//! SQLAlchemy's `util/topological.py`: the dependency sort the unit of work orders its flush
//! actions with. Nodes are indices; an edge `(a, b)` says `a` runs before `b`.

/// `sort_as_subsets`: the nodes in rounds; each round holds, in the order of `all`, every node
/// none of whose predecessors is still waiting. `None` where a cycle leaves nodes that can
/// never go (SQLAlchemy's `CircularDependencyError`).
pub fn sort_as_subsets(edges: &[(usize, usize)], all: &[usize]) -> Option<Vec<Vec<usize>>> {
    let mut todo: Vec<usize> = all.to_vec();
    let mut out = Vec::new();
    while !todo.is_empty() {
        let output: Vec<usize> = todo
            .iter()
            .copied()
            .filter(|n| !edges.iter().any(|(parent, child)| child == n && todo.contains(parent)))
            .collect();
        if output.is_empty() {
            return None;
        }
        todo.retain(|t| !output.contains(t));
        out.push(output);
    }
    Some(out)
}

/// `find_cycles`: every node that lies on a cycle of the edges (a node with an edge to
/// itself included).
pub fn find_cycles(edges: &[(usize, usize)]) -> Vec<usize> {
    let mut nodes: Vec<usize> = Vec::new();
    for &(a, b) in edges {
        for n in [a, b] {
            if !nodes.contains(&n) {
                nodes.push(n);
            }
        }
    }
    // A node is on a cycle when it can reach itself.
    let reaches = |from: usize, to: usize| -> bool {
        let mut seen: Vec<usize> = Vec::new();
        let mut stack = vec![from];
        while let Some(n) = stack.pop() {
            for &(a, b) in edges {
                if a == n {
                    if b == to {
                        return true;
                    }
                    if !seen.contains(&b) {
                        seen.push(b);
                        stack.push(b);
                    }
                }
            }
        }
        false
    };
    nodes.into_iter().filter(|&n| reaches(n, n)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subsets_keep_the_given_order_within_a_round() {
        // 3 -> 1, 3 -> 0: round one is [2, 3] in the order given, then [0, 1].
        let edges = [(3, 1), (3, 0)];
        assert_eq!(sort_as_subsets(&edges, &[0, 1, 2, 3]), Some(vec![vec![2, 3], vec![0, 1]]));
    }

    #[test]
    fn a_cycle_cannot_be_sorted_and_is_found() {
        let edges = [(0, 1), (1, 2), (2, 0), (2, 3), (4, 4)];
        assert_eq!(sort_as_subsets(&edges, &[0, 1, 2, 3]), None);
        let mut cycles = find_cycles(&edges);
        cycles.sort();
        assert_eq!(cycles, vec![0, 1, 2, 4]);
    }
}

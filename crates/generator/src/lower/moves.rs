//! Translating pointers of the lowered tree back through [`super::Lowered::moves`] without a pass
//! over every move per pointer: a document with many moves (a 2.0 document records one per
//! parameter) and many fallbacks would otherwise cost moves × fallbacks.
//!
//! The moves are undone last-recorded first, each rewriting the pointer when its lowered prefix is
//! a prefix of it (at a token boundary). Equivalently: the latest move before `bound` whose prefix
//! matches the current pointer applies, then `bound` becomes its index. The index finds that move
//! by looking up each prefix of the pointer (one per token) in a map of prefix -> move indices.

use std::collections::HashMap;

pub struct Index<'m> {
    moves: &'m [(String, String)],
    /// Lowered prefix -> indices of the moves with it, ascending.
    by_prefix: HashMap<&'m str, Vec<usize>>,
}

impl<'m> Index<'m> {
    pub fn new(moves: &'m [(String, String)]) -> Self {
        let mut by_prefix: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, (lowered, _)) in moves.iter().enumerate() {
            by_prefix.entry(lowered.as_str()).or_default().push(i);
        }
        Index { moves, by_prefix }
    }

    pub fn original(&self, pointer: &str) -> String {
        let mut out = pointer.to_owned();
        let mut bound = self.moves.len();
        loop {
            let ends = out
                .match_indices('/')
                .map(|(i, _)| i)
                .chain(std::iter::once(out.len()));
            let mut best = None;
            for end in ends {
                let Some(list) = self.by_prefix.get(&out[..end]) else {
                    continue;
                };
                let before = list.partition_point(|&i| i < bound);
                if before > 0 {
                    best = best.max(Some(list[before - 1]));
                }
            }
            let Some(i) = best else {
                return out;
            };
            let (lowered, original) = &self.moves[i];
            out = format!("{original}{}", &out[lowered.len()..]);
            bound = i;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The definition: every move, last first, rewriting a matching prefix.
    fn naive(moves: &[(String, String)], pointer: &str) -> String {
        let mut out = pointer.to_owned();
        for (lowered, original) in moves.iter().rev() {
            if let Some(rest) = out.strip_prefix(lowered.as_str()) {
                if rest.is_empty() || rest.starts_with('/') {
                    out = format!("{original}{rest}");
                }
            }
        }
        out
    }

    #[test]
    fn the_index_agrees_with_undoing_every_move_in_turn() {
        // Small alphabets so that moves chain, overlap and re-index (as parameter lists do).
        let tokens = ["a", "b", "0", "1", "2"];
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        for case in 0..2000 {
            let mut path = |len: usize| -> String {
                (0..len)
                    .map(|_| format!("/{}", tokens[next(tokens.len())]))
                    .collect()
            };
            let count = 1 + case % 7;
            let moves: Vec<(String, String)> = (0..count)
                .map(|_| {
                    let (a, b) = (1 + case % 3, 1 + (case / 3) % 3);
                    (path(a), path(b))
                })
                .collect();
            let index = Index::new(&moves);
            for _ in 0..5 {
                let pointer = path(1 + case % 4);
                assert_eq!(
                    index.original(&pointer),
                    naive(&moves, &pointer),
                    "case {case}: moves {moves:?}, pointer {pointer}"
                );
            }
        }
    }
}

//! Deterministic sampling for `--sample N --seed S`: splitmix64 and a Fisher-Yates shuffle. A dozen
//! lines, so no `rand` dependency; the same seed picks the same documents on every machine.

pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform enough in `0..bound` for sampling (bound > 0); modulo bias is negligible for 64 bits.
    pub fn below(&mut self, bound: usize) -> usize {
        (self.next_u64() % bound as u64) as usize
    }
}

/// The first `n` items of a seeded shuffle, returned in their original order.
pub fn sample<T: Clone>(items: &[T], n: usize, seed: u64) -> Vec<T> {
    let mut order: Vec<usize> = (0..items.len()).collect();
    let mut rng = SplitMix64::new(seed);
    for i in (1..order.len()).rev() {
        order.swap(i, rng.below(i + 1));
    }
    let mut chosen: Vec<usize> = order.into_iter().take(n).collect();
    chosen.sort_unstable();
    chosen.into_iter().map(|i| items[i].clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_sample_and_seeds_differ() {
        let items: Vec<u32> = (0..1000).collect();
        let a = sample(&items, 20, 7);
        assert_eq!(a, sample(&items, 20, 7));
        assert_ne!(a, sample(&items, 20, 8));
        assert_eq!(a.len(), 20);
        assert!(
            a.windows(2).all(|w| w[0] < w[1]),
            "distinct, in order: {a:?}"
        );
        assert_eq!(sample(&items, 5000, 1).len(), 1000);
    }
}

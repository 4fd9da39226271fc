//! Timing helpers: medians, alternating A/B rounds, human-readable durations and sizes.

use std::time::Instant;

/// Median of `values` (the mean of the two middle values for an even count); `NaN` when empty.
pub fn median(values: &[f64]) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    if sorted.len() % 2 == 1 {
        sorted[mid]
    } else {
        (sorted[mid - 1] + sorted[mid]) / 2.0
    }
}

/// Seconds taken by `f`.
pub fn time(f: impl FnOnce()) -> f64 {
    let started = Instant::now();
    f();
    started.elapsed().as_secs_f64()
}

/// Per-round samples of several sides measured in turn (A B C, C B A, A B C, ...), so slow drift of a
/// shared machine hits every side alike and each pair of sides alternates its order.
#[derive(Debug, Clone, Default)]
pub struct Sides {
    /// `samples[side][round]`: seconds per unit of work (call, decode, ...).
    pub samples: Vec<Vec<f64>>,
}

impl Sides {
    /// Runs `rounds` measured rounds after `warmup` unrecorded ones. Each closure returns the seconds
    /// per unit of work for one round.
    pub fn run(warmup: usize, rounds: usize, sides: &mut [&mut dyn FnMut() -> f64]) -> Sides {
        for _ in 0..warmup {
            for side in sides.iter_mut() {
                side();
            }
        }
        let mut samples = vec![Vec::with_capacity(rounds); sides.len()];
        for round in 0..rounds {
            let order: Vec<usize> = if round % 2 == 0 {
                (0..sides.len()).collect()
            } else {
                (0..sides.len()).rev().collect()
            };
            for i in order {
                samples[i].push(sides[i]());
            }
        }
        Sides { samples }
    }

    /// Median of one side.
    pub fn median(&self, side: usize) -> f64 {
        median(&self.samples[side])
    }

    fn ratios(&self, num: usize, den: usize) -> Vec<f64> {
        self.samples[num]
            .iter()
            .zip(&self.samples[den])
            .map(|(n, d)| n / d)
            .collect()
    }

    /// Median over rounds of `num / den` (both measured back to back in each round).
    pub fn ratio(&self, num: usize, den: usize) -> f64 {
        median(&self.ratios(num, den))
    }

    /// Smallest and largest per-round `num / den`, to show the spread.
    pub fn range(&self, num: usize, den: usize) -> (f64, f64) {
        self.ratios(num, den)
            .into_iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), r| {
                (lo.min(r), hi.max(r))
            })
    }
}

/// `1.23 ms`, `456 µs`, `2.10 s`.
pub fn secs(seconds: f64) -> String {
    if !seconds.is_finite() {
        return "n/a".into();
    }
    let abs = seconds.abs();
    if abs >= 1.0 {
        format!("{seconds:.2} s")
    } else if abs >= 1e-3 {
        format!("{:.2} ms", seconds * 1e3)
    } else if abs >= 1e-6 {
        format!("{:.1} µs", seconds * 1e6)
    } else {
        format!("{:.0} ns", seconds * 1e9)
    }
}

/// `1.23×`.
pub fn ratio(r: f64) -> String {
    if r.is_finite() {
        format!("{r:.2}×")
    } else {
        "n/a".into()
    }
}

/// Kilobytes as `512 MB` / `1.21 GB` (decimal units, like the targets).
pub fn kb(kilobytes: u64) -> String {
    let bytes = kilobytes as f64 * 1024.0;
    if bytes >= 1e9 {
        format!("{:.2} GB", bytes / 1e9)
    } else {
        format!("{:.0} MB", bytes / 1e6)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_odd_even_empty() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), 2.5);
        assert!(median(&[]).is_nan());
    }

    #[test]
    fn sides_alternate_order_and_pair_rounds() {
        let order = std::cell::RefCell::new(Vec::new());
        let mut a = || {
            order.borrow_mut().push('a');
            2.0
        };
        let mut b = || {
            order.borrow_mut().push('b');
            1.0
        };
        let s = Sides::run(1, 3, &mut [&mut a, &mut b]);
        assert_eq!(
            order.into_inner(),
            vec!['a', 'b', 'a', 'b', 'b', 'a', 'a', 'b']
        );
        assert_eq!(s.ratio(0, 1), 2.0);
        assert_eq!(s.ratio(1, 0), 0.5);
        assert_eq!(s.range(0, 1), (2.0, 2.0));
        assert_eq!(s.median(0), 2.0);
    }

    #[test]
    fn formatting() {
        assert_eq!(secs(0.0123), "12.30 ms");
        assert_eq!(secs(2.5), "2.50 s");
        assert_eq!(secs(42e-6), "42.0 µs");
        assert_eq!(ratio(1.0), "1.00×");
        assert_eq!(kb(1_200_000), "1.23 GB");
        assert_eq!(kb(500_000), "512 MB");
    }
}

//! Fixed-seed 80/10/10 splits by key: everything sharing a key (a near-duplicate sentence,
//! one BBC article, one English sentence of Tatoeba) lands on the same side.

use super::Splits;
use attnscope_testkit::SplitMix;

/// The seed of every split.
pub const SEED: u64 = 20_261_121;

/// Which part (0 train, 1 dev, 2 test) `key` belongs to: a seeded FNV-1a hash mixed by
/// SplitMix, so the assignment depends on nothing but the key and the seed.
pub fn part_of(key: &str, seed: u64) -> usize {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325 ^ seed;
    for b in key.bytes() {
        hash = (hash ^ b as u64).wrapping_mul(0x100_0000_01b3);
    }
    match SplitMix(hash).below(10) {
        0 => 1,
        1 => 2,
        _ => 0,
    }
}

/// Splits `items` by `key`.
pub fn split_by<T>(items: Vec<T>, key: impl Fn(&T) -> String) -> Splits<T> {
    let mut splits = Splits {
        train: Vec::new(),
        dev: Vec::new(),
        test: Vec::new(),
    };
    for item in items {
        match part_of(&key(&item), SEED) {
            0 => splits.train.push(item),
            1 => splits.dev.push(item),
            _ => splits.test.push(item),
        }
    }
    splits
}

/// Shuffles in place with a seeded Fisher–Yates.
pub fn shuffle<T>(items: &mut [T], seed: u64) {
    let mut rng = SplitMix(seed);
    for i in (1..items.len()).rev() {
        let j = rng.below(i + 1);
        items.swap(i, j);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_about_80_10_10_and_stable() {
        let keys: Vec<String> = (0..20_000).map(|i| format!("sentence {i}")).collect();
        let splits = split_by(keys.clone(), |k| k.clone());
        let [train, dev, test] = splits.sizes();
        assert!((15_600..16_400).contains(&train), "{train}");
        assert!((1_800..2_200).contains(&dev) && (1_800..2_200).contains(&test));
        assert_eq!(split_by(keys, |k| k.clone()), splits);
    }
}

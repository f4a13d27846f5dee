//! The bag-of-words multinomial Naive Bayes baseline the model cards compare against
//! (lower-cased alphanumeric words, add-one smoothing).

use crate::data::Example;
use std::collections::HashMap;

fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric() && c != '\'')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
}

/// Trains on `train` and returns the accuracy on `test`.
pub fn naive_bayes_accuracy(train: &[Example], test: &[Example], classes: usize) -> f64 {
    let mut counts: Vec<HashMap<String, f64>> = vec![HashMap::new(); classes];
    let mut totals = vec![0f64; classes];
    let mut priors = vec![0f64; classes];
    let mut vocab = std::collections::HashSet::new();
    for e in train {
        priors[e.label] += 1.0;
        for w in words(&e.text) {
            *counts[e.label].entry(w.clone()).or_insert(0.0) += 1.0;
            totals[e.label] += 1.0;
            vocab.insert(w);
        }
    }
    let v = vocab.len() as f64;
    let n = train.len() as f64;
    let correct = test
        .iter()
        .filter(|e| {
            let best = (0..classes)
                .map(|c| {
                    let mut score = (priors[c] / n).ln();
                    for w in words(&e.text) {
                        let k = counts[c].get(&w).copied().unwrap_or(0.0);
                        score += ((k + 1.0) / (totals[c] + v)).ln();
                    }
                    (c, score)
                })
                .max_by(|a, b| a.1.total_cmp(&b.1))
                .map_or(0, |(c, _)| c);
            best == e.label
        })
        .count();
    correct as f64 / test.len().max(1) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separates_obvious_classes() {
        let ex = |t: &str, l| Example {
            text: t.into(),
            label: l,
        };
        let train = vec![
            ex("great good fine", 1),
            ex("good great", 1),
            ex("awful bad", 0),
            ex("bad terrible awful", 0),
        ];
        let test = vec![ex("good", 1), ex("awful", 0)];
        assert_eq!(naive_bayes_accuracy(&train, &test, 2), 1.0);
    }
}

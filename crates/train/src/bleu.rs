//! Corpus BLEU as sacreBLEU computes it by default: the `13a` tokenizer, n-grams up to 4,
//! clipped counts summed over the corpus, the closest reference length for the brevity
//! penalty, and `exp` smoothing of zero counts.
//!
//! ```text
//! p_n = Σ clipped matches_n / Σ hypothesis n-grams,  BP = min(1, e^(1 − r/c))
//! BLEU = 100 · BP · exp(¼ Σ_{n=1..4} ln p_n)
//! ```

use regex::Regex;
use std::collections::HashMap;
use std::sync::LazyLock;

static PUNCTUATION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"([\{-~\[-` -&\(-\+:-@/])").expect("valid"));
static PERIOD_COMMA_AFTER_NON_DIGIT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"([^0-9])([\.,])").expect("valid"));
static PERIOD_COMMA_BEFORE_NON_DIGIT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"([\.,])([^0-9])").expect("valid"));
static DASH_AFTER_DIGIT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"([0-9])(-)").expect("valid"));

/// sacreBLEU's `13a` (mteval-v13a) tokenisation.
pub fn tokenize_13a(line: &str) -> Vec<String> {
    let mut text = line
        .replace("<skipped>", "")
        .replace("-\n", "")
        .replace('\n', " ");
    if text.contains('&') {
        text = text
            .replace("&quot;", "\"")
            .replace("&amp;", "&")
            .replace("&lt;", "<")
            .replace("&gt;", ">");
    }
    let text = format!(" {text} ");
    let text = PUNCTUATION.replace_all(&text, " $1 ");
    let text = PERIOD_COMMA_AFTER_NON_DIGIT.replace_all(&text, "$1 $2 ");
    let text = PERIOD_COMMA_BEFORE_NON_DIGIT.replace_all(&text, " $1 $2");
    let text = DASH_AFTER_DIGIT.replace_all(&text, "$1 $2 ");
    text.split_whitespace().map(str::to_owned).collect()
}

fn ngrams(tokens: &[String], n: usize) -> HashMap<&[String], usize> {
    let mut counts = HashMap::new();
    for gram in tokens.windows(n) {
        *counts.entry(gram).or_insert(0) += 1;
    }
    counts
}

/// Corpus BLEU (0–100) of `hypotheses` against `references` (one list of references per
/// hypothesis, any number each).
pub fn corpus_bleu(hypotheses: &[String], references: &[Vec<String>]) -> f64 {
    let (mut matches, mut totals) = ([0usize; 4], [0usize; 4]);
    let (mut hyp_len, mut ref_len) = (0usize, 0usize);
    for (hyp, refs) in hypotheses.iter().zip(references) {
        let hyp = tokenize_13a(hyp);
        let refs: Vec<Vec<String>> = refs.iter().map(|r| tokenize_13a(r)).collect();
        hyp_len += hyp.len();
        ref_len += refs
            .iter()
            .map(Vec::len)
            .min_by_key(|&l| (l.abs_diff(hyp.len()), l))
            .unwrap_or(0);
        for n in 1..=4 {
            let mut best: HashMap<&[String], usize> = HashMap::new();
            for r in &refs {
                for (gram, count) in ngrams(r, n) {
                    let slot = best.entry(gram).or_insert(0);
                    *slot = (*slot).max(count);
                }
            }
            for (gram, count) in ngrams(&hyp, n) {
                matches[n - 1] += count.min(best.get(gram).copied().unwrap_or(0));
            }
            totals[n - 1] += hyp.len().saturating_sub(n - 1);
        }
    }
    if hyp_len == 0 {
        return 0.0;
    }
    let mut log_sum = 0.0;
    let mut smooth = 1.0;
    for n in 0..4 {
        if totals[n] == 0 {
            return 0.0;
        }
        let precision = if matches[n] == 0 {
            smooth *= 2.0;
            1.0 / (smooth * totals[n] as f64)
        } else {
            matches[n] as f64 / totals[n] as f64
        };
        log_sum += precision.ln();
    }
    let brevity = if hyp_len < ref_len {
        (1.0 - ref_len as f64 / hyp_len as f64).exp()
    } else {
        1.0
    };
    100.0 * brevity * (log_sum / 4.0).exp()
}

/// The first letter upper-cased ("¿dónde está?" → "¿Dónde está?"): the lower-cased
/// translator's output made comparable with cased references as far as sentence case goes.
pub fn capitalise_first(text: &str) -> String {
    match text.char_indices().find(|(_, c)| c.is_alphabetic()) {
        Some((i, c)) => format!(
            "{}{}{}",
            &text[..i],
            c.to_uppercase(),
            &text[i + c.len_utf8()..]
        ),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn equals_sacrebleu_on_its_readme_example() {
        // sacreBLEU's README: BLEU = 48.53 for these three sentences and two reference sets.
        let hyps = strings(&[
            "The dog bit the man.",
            "It wasn't surprising.",
            "The man had just bitten him.",
        ]);
        let set1 = [
            "The dog bit the man.",
            "It was not unexpected.",
            "The man bit him first.",
        ];
        let set2 = [
            "The dog had bit the man.",
            "No one was surprised.",
            "The man had bitten the dog.",
        ];
        let refs: Vec<Vec<String>> = (0..3).map(|i| strings(&[set1[i], set2[i]])).collect();
        let bleu = corpus_bleu(&hyps, &refs);
        assert!((bleu - 48.530_827_009_929_865).abs() < 1e-9, "{bleu}");
    }

    #[test]
    fn identical_text_scores_100_and_nothing_in_common_scores_0() {
        let hyps = strings(&["el coche rojo es muy rápido hoy"]);
        assert!((corpus_bleu(&hyps, std::slice::from_ref(&hyps)) - 100.0).abs() < 1e-9);
        let other = vec![strings(&["a b c d e f g"])];
        assert!(corpus_bleu(&hyps, &other) < 5.0, "only smoothing is left");
    }

    #[test]
    fn capitalises_the_first_letter_past_opening_punctuation() {
        assert_eq!(capitalise_first("¿dónde está?"), "¿Dónde está?");
        assert_eq!(capitalise_first("él es tom."), "Él es tom.");
        assert_eq!(capitalise_first("123 ..."), "123 ...");
        assert_eq!(capitalise_first(""), "");
    }

    #[test]
    fn tokenizes_like_13a() {
        assert_eq!(
            tokenize_13a("It wasn't 3.5, (really)-2 done."),
            strings(&["It", "wasn't", "3.5", ",", "(", "really", ")", "-2", "done", "."])
        );
    }
}

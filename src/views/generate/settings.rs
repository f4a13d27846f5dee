//! What the decoder's page keeps in the URL:
//! `#/generate?text=the%20film%20is&t=0.8&k=10&p=0.9&seed=3&head=1.2&off=0.1&edit=0.1:4.1:1`.
//!
//! Pure logic (no DOM), unit-tested natively. A value that cannot be read is ignored with a
//! notice and its default kept, so a garbage URL still opens a working page.

use crate::engine::catalog::DECODER;
use crate::route::{edit_text, parse_edit, parse_list, parse_pair, Query};
use attnscope_core::decoder::{Sampling, NEXT_TOKEN_CANDIDATES};
use attnscope_core::trace::AttentionEdit;

/// Most characters of the text the URL keeps (the box keeps everything typed).
const URL_TEXT_LIMIT: usize = 2000;

/// The page's settings.
#[derive(Debug, Clone, PartialEq)]
pub struct GenerateSettings {
    /// The prompt, exactly as typed.
    pub text: String,
    /// How the next token is drawn: temperature, top-k, top-p.
    pub sampling: Sampling,
    /// The seed of the draws: the same prompt, settings and seed give the same tokens.
    pub seed: u64,
    /// The (layer, head) opened in the one-head heatmap and the head view.
    pub head: (usize, usize),
    /// (layer, head) pairs switched off (sorted, unique).
    pub heads_off: Vec<(usize, usize)>,
    /// The reader's attention edits, applied in order (at most one per head, query and key).
    pub edits: Vec<AttentionEdit>,
}

impl Default for GenerateSettings {
    fn default() -> Self {
        Self {
            text: DECODER.examples[0].to_owned(),
            sampling: Sampling::default(),
            seed: 1,
            head: (0, 0),
            heads_off: Vec::new(),
            edits: Vec::new(),
        }
    }
}

impl GenerateSettings {
    /// From the URL, with a notice for each parameter ignored.
    pub fn from_query(query: &Query) -> (Self, Vec<String>) {
        let mut s = Self::default();
        let mut notices = Vec::new();
        for (key, value) in query {
            let ignored = || {
                format!(
                    "Ignored {key}=“{}”.",
                    value.chars().take(40).collect::<String>()
                )
            };
            let number = |low: f32, high: f32| {
                value
                    .trim()
                    .parse::<f32>()
                    .ok()
                    .filter(|v| v.is_finite() && (low..=high).contains(v))
            };
            match key.as_str() {
                "text" => s.text = value.clone(),
                "t" => match number(0.05, 5.0) {
                    Some(t) => s.sampling.temperature = t,
                    None => {
                        notices.push(ignored() + " The temperature is a number from 0.05 to 5.")
                    }
                },
                "k" => match value
                    .trim()
                    .parse::<usize>()
                    .ok()
                    .filter(|k| (1..=NEXT_TOKEN_CANDIDATES).contains(k))
                {
                    Some(k) => s.sampling.top_k = k,
                    None => notices.push(
                        ignored()
                            + &format!(
                                " Top-k is a whole number from 1 to {NEXT_TOKEN_CANDIDATES}."
                            ),
                    ),
                },
                "p" => match number(0.01, 1.0) {
                    Some(p) => s.sampling.top_p = p,
                    None => notices.push(ignored() + " Top-p is a number from 0.01 to 1."),
                },
                "seed" => match value.trim().parse::<u64>() {
                    Ok(seed) => s.seed = seed,
                    Err(_) => notices.push(ignored() + " The seed is a whole number."),
                },
                "head" => match parse_pair(value) {
                    Some(head) => s.head = head,
                    None => notices.push(ignored() + " A head is layer.head, from 0."),
                },
                "off" => match parse_list(value, parse_pair) {
                    Some(mut off) => {
                        off.sort_unstable();
                        off.dedup();
                        s.heads_off = off;
                    }
                    None => notices.push(ignored() + " Heads off are layer.head pairs."),
                },
                "edit" => match parse_list(value, parse_edit) {
                    Some(edits) => s.edits = edits,
                    None => notices.push(
                        ignored()
                            + " An edit is layer.head:query.key:weight, the weight from 0 to 1.",
                    ),
                },
                _ => notices.push(format!("Ignored the unknown URL parameter “{key}”.")),
            }
        }
        (s, notices)
    }

    /// The URL's parameters: the text always, the rest only where they differ from the
    /// defaults (a shared link stays short).
    pub fn to_query(&self) -> Query {
        let default = Self::default();
        let mut query = vec![(
            "text".to_owned(),
            self.text.chars().take(URL_TEXT_LIMIT).collect(),
        )];
        let mut put = |key: &str, value: String| query.push((key.to_owned(), value));
        if self.sampling.temperature != default.sampling.temperature {
            put("t", self.sampling.temperature.to_string());
        }
        if self.sampling.top_k != default.sampling.top_k {
            put("k", self.sampling.top_k.to_string());
        }
        if self.sampling.top_p != default.sampling.top_p {
            put("p", self.sampling.top_p.to_string());
        }
        if self.seed != default.seed {
            put("seed", self.seed.to_string());
        }
        if self.head != default.head {
            put("head", format!("{}.{}", self.head.0, self.head.1));
        }
        if !self.heads_off.is_empty() {
            let off: Vec<String> = self
                .heads_off
                .iter()
                .map(|(l, h)| format!("{l}.{h}"))
                .collect();
            put("off", off.join(","));
        }
        if !self.edits.is_empty() {
            let edits: Vec<String> = self.edits.iter().map(edit_text).collect();
            put("edit", edits.join(","));
        }
        query
    }
}

/// The text with one generated token appended, as a reader would write it: a WordPiece
/// continuation (`##ing`) joins the last word, punctuation follows it without a space, any
/// other token starts a new word. `None` for a special token ([SEP], [PAD], …): nothing to
/// write.
pub fn append_token(text: &str, token: &str) -> Option<String> {
    if token.starts_with('[') && token.ends_with(']') {
        return None;
    }
    let trimmed = text.trim_end();
    Some(if let Some(rest) = token.strip_prefix("##") {
        format!("{trimmed}{rest}")
    } else if token.chars().all(|c| c.is_ascii_punctuation()) && !matches!(token, "(" | "\"" | "'")
    {
        format!("{trimmed}{token}")
    } else if trimmed.is_empty() {
        token.to_owned()
    } else {
        format!("{trimmed} {token}")
    })
}

/// The uniform number in [0, 1) of draw `step` under `seed` (SplitMix64): reproducible, and
/// each step of one generation draws afresh.
pub fn uniform(seed: u64, step: u64) -> f64 {
    let mut z = seed
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add(step.wrapping_add(1).wrapping_mul(0xBF58_476D_1CE4_E5B9));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    (z >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(pairs: &[(&str, &str)]) -> Query {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn the_url_round_trips_and_garbage_is_ignored_with_a_notice() {
        let (s, notices) = GenerateSettings::from_query(&query(&[
            ("text", "the film is"),
            ("t", "0.7"),
            ("k", "5"),
            ("p", "0.9"),
            ("seed", "42"),
            ("head", "1.2"),
            ("off", "0.1,0.1,1.0"),
        ]));
        assert!(notices.is_empty(), "{notices:?}");
        assert_eq!(
            (s.sampling.temperature, s.sampling.top_k, s.sampling.top_p),
            (0.7, 5, 0.9)
        );
        assert_eq!((s.seed, s.head), (42, (1, 2)));
        assert_eq!(s.heads_off, vec![(0, 1), (1, 0)]);
        assert_eq!(GenerateSettings::from_query(&s.to_query()).0, s);
        let (bad, notices) = GenerateSettings::from_query(&query(&[
            ("t", "hot"),
            ("k", "0"),
            ("p", "2"),
            ("seed", "-1"),
            ("head", "x"),
            ("zzz", "1"),
        ]));
        assert_eq!(notices.len(), 6, "{notices:?}");
        assert_eq!(bad, GenerateSettings::default());
        assert_eq!(GenerateSettings::default().to_query().len(), 1);
    }

    #[test]
    fn tokens_are_appended_as_a_reader_writes_them() {
        assert_eq!(
            append_token("the film is", "a").as_deref(),
            Some("the film is a")
        );
        assert_eq!(
            append_token("the film is go", "##ing").as_deref(),
            Some("the film is going")
        );
        assert_eq!(append_token("the end ", ".").as_deref(), Some("the end."));
        assert_eq!(append_token("", "the").as_deref(), Some("the"));
        assert_eq!(append_token("the end", "[SEP]"), None);
    }

    #[test]
    fn draws_are_uniform_and_reproducible() {
        let draws: Vec<f64> = (0..2000).map(|step| uniform(7, step)).collect();
        assert!(draws.iter().all(|u| (0.0..1.0).contains(u)));
        let mean = draws.iter().sum::<f64>() / draws.len() as f64;
        assert!((mean - 0.5).abs() < 0.03, "{mean}");
        assert_eq!(uniform(7, 3), uniform(7, 3));
        assert_ne!(uniform(7, 3), uniform(8, 3));
    }
}

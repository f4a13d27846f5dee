//! The sentiment demo checklist (`crates/train/checklists/sentiment.tsv`): hand-written sentences in
//! the style of CheckList (Ribeiro et al. 2020), each with its label, its capability (negation,
//! contrast, intensifier, idiom, topic, plain) and the words that carry its sentiment marked
//! `*like this*`. It is evaluation only: never trained on, never used to pick a checkpoint.
//!
//! [`evaluate`] runs a shipped model (attnscope-core, as the page runs it) on every sentence and
//! reports the accuracy per capability and, for a BiLSTM, whether its attention pooling says
//! something: the largest weight × T (1 for uniform weights) and how often the top-weighted
//! token belongs to a marked word.

use attnscope_core::trace::{Attention, Output};
use attnscope_core::{Interventions, Model};
use std::ops::Range;

/// One checklist sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// Index of the expected label.
    pub label: usize,
    /// What it tests (`negation`, `contrast`, …).
    pub capability: String,
    /// The sentence, asterisks removed.
    pub text: String,
    /// Byte ranges in `text` of the words that carry the sentiment.
    pub carriers: Vec<Range<usize>>,
}

/// Parses the checklist: `label<TAB>capability<TAB>sentence` lines, `#` comments and blank
/// lines skipped. `labels` are the model's label names. The error names the line.
pub fn parse(tsv: &str, labels: &[&str]) -> Result<Vec<Item>, String> {
    let mut items = Vec::new();
    for (n, line) in tsv.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        let [label, capability, marked] = fields[..] else {
            return Err(format!(
                "line {}: expected three tab-separated fields",
                n + 1
            ));
        };
        let label = labels
            .iter()
            .position(|l| *l == label)
            .ok_or_else(|| format!("line {}: unknown label {label:?}", n + 1))?;
        let (text, carriers) = unmark(marked).map_err(|e| format!("line {}: {e}", n + 1))?;
        if carriers.is_empty() {
            return Err(format!(
                "line {}: no word is marked with *asterisks*",
                n + 1
            ));
        }
        items.push(Item {
            label,
            capability: capability.to_owned(),
            text,
            carriers,
        });
    }
    Ok(items)
}

/// Removes the asterisks, returning the text and the byte ranges they enclosed.
fn unmark(marked: &str) -> Result<(String, Vec<Range<usize>>), String> {
    let mut text = String::with_capacity(marked.len());
    let mut carriers = Vec::new();
    let mut open: Option<usize> = None;
    for c in marked.chars() {
        if c == '*' {
            match open.take() {
                Some(start) => carriers.push(start..text.len()),
                None => open = Some(text.len()),
            }
        } else {
            text.push(c);
        }
    }
    if open.is_some() {
        return Err("an asterisk is not closed".into());
    }
    Ok((text, carriers))
}

/// One sentence's result.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The sentence.
    pub text: String,
    /// Its capability.
    pub capability: String,
    /// Whether the model's top class is the expected one.
    pub correct: bool,
    /// The probability the model gives the expected label.
    pub p_expected: f32,
    /// BiLSTM only: the largest pooling weight × T.
    pub peak_ratio: Option<f32>,
    /// BiLSTM only: whether the top-weighted token lies in a marked word.
    pub top_on_carrier: Option<bool>,
    /// BiLSTM only: the top-weighted token's text.
    pub top_token: Option<String>,
}

/// The checklist's results for one model.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// One outcome per sentence, in the file's order.
    pub outcomes: Vec<Outcome>,
}

impl Report {
    /// The fraction of sentences classified as labelled.
    pub fn accuracy(&self) -> f64 {
        fraction(self.outcomes.iter().map(|o| o.correct))
    }

    /// (capability, correct, total), in the order capabilities first appear.
    pub fn by_capability(&self) -> Vec<(String, usize, usize)> {
        let mut rows: Vec<(String, usize, usize)> = Vec::new();
        for o in &self.outcomes {
            let row = match rows.iter().position(|r| r.0 == o.capability) {
                Some(i) => &mut rows[i],
                None => {
                    rows.push((o.capability.clone(), 0, 0));
                    rows.last_mut().expect("pushed")
                }
            };
            row.1 += usize::from(o.correct);
            row.2 += 1;
        }
        rows
    }

    /// BiLSTM only: the median over sentences of the largest pooling weight × T.
    pub fn median_peak_ratio(&self) -> Option<f64> {
        let mut ratios: Vec<f64> = self
            .outcomes
            .iter()
            .filter_map(|o| o.peak_ratio.map(f64::from))
            .collect();
        if ratios.is_empty() {
            return None;
        }
        ratios.sort_by(f64::total_cmp);
        let mid = ratios.len() / 2;
        Some(if ratios.len() % 2 == 1 {
            ratios[mid]
        } else {
            (ratios[mid - 1] + ratios[mid]) / 2.0
        })
    }

    /// BiLSTM only: the fraction of sentences whose top-weighted token is in a marked word.
    pub fn top_on_carrier(&self) -> Option<f64> {
        let tops: Vec<bool> = self
            .outcomes
            .iter()
            .filter_map(|o| o.top_on_carrier)
            .collect();
        (!tops.is_empty()).then(|| fraction(tops.into_iter()))
    }

    /// The report as a Markdown section for a model card.
    pub fn markdown(&self) -> String {
        let mut out = format!(
            "Accuracy {:.3} on {} sentences.\n\n| capability | correct |\n|---|---|\n",
            self.accuracy(),
            self.outcomes.len()
        );
        for (capability, correct, total) in self.by_capability() {
            out.push_str(&format!("| {capability} | {correct} / {total} |\n"));
        }
        if let (Some(peak), Some(top)) = (self.median_peak_ratio(), self.top_on_carrier()) {
            out.push_str(&format!(
                "\nAttention pooling: median of (largest weight × T) {peak:.2} (1 = uniform); \
                 the top-weighted token is in a marked word for {:.0} % of the sentences.\n",
                top * 100.0
            ));
        }
        let wrong: Vec<&Outcome> = self.outcomes.iter().filter(|o| !o.correct).collect();
        if !wrong.is_empty() {
            out.push_str("\nMissed:\n\n");
            for o in wrong {
                out.push_str(&format!(
                    "- “{}” ({}, p = {:.2} for the expected label)\n",
                    o.text, o.capability, o.p_expected
                ));
            }
        }
        out
    }
}

fn fraction(values: impl Iterator<Item = bool>) -> f64 {
    let (mut yes, mut all) = (0usize, 0usize);
    for v in values {
        yes += usize::from(v);
        all += 1;
    }
    if all == 0 {
        0.0
    } else {
        yes as f64 / all as f64
    }
}

/// Runs `model` on every item. Errors (a sentence the model cannot run) are returned as text.
pub fn evaluate(model: &Model, items: &[Item]) -> Result<Report, String> {
    let mut outcomes = Vec::with_capacity(items.len());
    for item in items {
        let trace = model
            .run(&item.text, &Interventions::default())
            .map_err(|e| format!("{:?}: {e}", item.text))?;
        let Output::Classification(c) = &trace.output else {
            return Err(format!("{:?}: the model did not classify", item.text));
        };
        let best = (0..c.probabilities.len())
            .max_by(|&a, &b| c.probabilities[a].total_cmp(&c.probabilities[b]))
            .unwrap_or(0);
        let (mut peak_ratio, mut top_on_carrier, mut top_token) = (None, None, None);
        if let Attention::Pooling { weights } = &trace.attention {
            let top = (0..weights.len())
                .max_by(|&a, &b| weights[a].total_cmp(&weights[b]))
                .unwrap_or(0);
            peak_ratio = Some(weights[top] * weights.len() as f32);
            let token = &trace.tokens[top];
            top_on_carrier = Some(
                !token.special
                    && item
                        .carriers
                        .iter()
                        .any(|r| token.start < r.end && r.start < token.end),
            );
            top_token = Some(token.text.clone());
        }
        outcomes.push(Outcome {
            text: item.text.clone(),
            capability: item.capability.clone(),
            correct: best == item.label,
            p_expected: c.probabilities.get(item.label).copied().unwrap_or(0.0),
            peak_ratio,
            top_on_carrier,
            top_token,
        });
    }
    Ok(Report { outcomes })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_labels_capabilities_and_marked_words() {
        let items = parse(
            "# a comment\n\npositive\tnegation\tit was *not* *bad* at all\n",
            &["negative", "positive"],
        )
        .unwrap();
        assert_eq!(items.len(), 1);
        let item = &items[0];
        assert_eq!((item.label, item.capability.as_str()), (1, "negation"));
        assert_eq!(item.text, "it was not bad at all");
        let words: Vec<&str> = item
            .carriers
            .iter()
            .map(|r| &item.text[r.clone()])
            .collect();
        assert_eq!(words, ["not", "bad"]);
    }

    #[test]
    fn malformed_lines_are_named() {
        let labels = ["negative", "positive"];
        assert!(parse("positive\tx\n", &labels)
            .unwrap_err()
            .contains("line 1"));
        assert!(parse("neutral\tx\ta *b*\n", &labels)
            .unwrap_err()
            .contains("unknown label"));
        assert!(parse("positive\tx\ta *b\n", &labels)
            .unwrap_err()
            .contains("not closed"));
        assert!(parse("positive\tx\ta b\n", &labels)
            .unwrap_err()
            .contains("no word"));
    }
}

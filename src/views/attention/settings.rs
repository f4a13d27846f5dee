//! What the live page shows, as kept in the URL:
//! `#/attention?model=sentiment-transformer&text=not%20bad&mask=2&off=0.1,1.3&head=0.2&compare=1`.

use crate::engine::catalog::{self, ModelInfo, CLASSIFIERS};
use crate::route::{parse_list, parse_pair, Query, MAX_POSITION};
use attnscope_core::Interventions;

/// Most characters the URL keeps of the text (the box keeps everything typed).
///
/// A pasted article would otherwise make every `replaceState` and every shared link that
/// long; the models read only their first `max_len` tokens anyway.
pub const URL_TEXT_LIMIT: usize = 2000;

/// The live page's settings.
#[derive(Debug, Clone, PartialEq)]
pub struct LiveSettings {
    /// The text typed (all of it; the model reads its first `max_len` tokens).
    pub text: String,
    /// The model picked.
    ///
    /// A shipped classifier or one the visitor brought in this tab (`catalog::classifier`).
    pub model: &'static ModelInfo,
    /// Whether the other architecture runs beside it.
    ///
    /// Only meaningful for models with a partner (`ModelInfo::partner`); a brought model has
    /// none, and the page then runs it alone whatever this says.
    pub compare: bool,
    /// Token positions masked (sorted, unique).
    ///
    /// Positions index the model's tokens as the chips show them (special tokens included),
    /// not the words typed; a position past the sentence's end masks nothing.
    pub masked: Vec<usize>,
    /// (layer, head) pairs switched off (sorted, unique).
    ///
    /// 0-based (layer, head), as in the URL's `off=0.1`; a pair the model does not have does
    /// nothing. The BiLSTM ignores them.
    pub heads_off: Vec<(usize, usize)>,
    /// The head opened in the large views.
    ///
    /// 0-based; not an intervention, so changing it draws again without a new forward.
    pub head: (usize, usize),
}

// The first shipped classifier on its first example: what `#/attention` with no query
// shows.
impl Default for LiveSettings {
    fn default() -> Self {
        let model = &CLASSIFIERS[0];
        Self {
            text: model.examples[0].to_owned(),
            model,
            compare: false,
            masked: Vec::new(),
            heads_off: Vec::new(),
            head: (0, 0),
        }
    }
}

/// A (layer, head) pair as the URL writes it, `1.2`; the inverse of `route::parse_pair`.
fn pair_text((a, b): (usize, usize)) -> String {
    format!("{a}.{b}")
}

/// `items` written by `f` and joined with commas, the list form `route::parse_list` reads.
fn join<T>(items: &[T], f: impl Fn(&T) -> String) -> String {
    items.iter().map(f).collect::<Vec<_>>().join(",")
}

impl LiveSettings {
    /// Reads the settings from a URL query; what cannot be used is ignored and described in
    /// the returned notices.
    pub fn from_query(query: &Query) -> (Self, Vec<String>) {
        let mut settings = Self::default();
        let mut notices = Vec::new();
        // The default text depends on the model, which may come after `text` in the URL, so the
        // example is picked after the loop; an explicit empty `text=` stays empty.
        let mut text_given = false;
        for (key, value) in query {
            match key.as_str() {
                "text" => {
                    settings.text = value.clone();
                    text_given = true;
                }
                "model" => match catalog::classifier(value) {
                    Some(model) => settings.model = model,
                    None => notices.push(format!(
                        "There is no model “{value}”; showing {}.",
                        settings.model.label
                    )),
                },
                // Anything else (`0`, `false`, garbage) turns compare mode off without a notice.
                "compare" => settings.compare = value == "1" || value == "true",
                "mask" => match parse_list(value, |s| {
                    s.parse::<usize>().ok().filter(|&p| p < MAX_POSITION)
                }) {
                    Some(mut masked) => {
                        // Sorted and unique, as `toggle_mask` keeps them, so a URL written in any
                        // order compares equal to the settings it restores.
                        masked.sort_unstable();
                        masked.dedup();
                        settings.masked = masked;
                    }
                    None => notices.push(format!(
                        "Ignored mask=“{value}”: expected token positions such as 1,4."
                    )),
                },
                "off" => match parse_list(value, parse_pair) {
                    Some(mut off) => {
                        off.sort_unstable();
                        off.dedup();
                        settings.heads_off = off;
                    }
                    None => notices.push(format!(
                        "Ignored off=“{value}”: expected layer.head pairs such as 0.1,1.3."
                    )),
                },
                "head" => match parse_pair(value) {
                    Some(head) => settings.head = head,
                    None => notices.push(format!(
                        "Ignored head=“{value}”: expected layer.head such as 1.2."
                    )),
                },
                _ => notices.push(format!("Ignored the unknown URL parameter “{key}”.")),
            }
        }
        if !text_given {
            settings.text = settings.model.examples[0].to_owned();
        }
        (settings, notices)
    }

    /// The query that restores these settings (the text cut to [`URL_TEXT_LIMIT`] characters).
    pub fn to_query(&self) -> Query {
        let mut query = vec![
            ("model".to_owned(), self.model.name.to_owned()),
            (
                "text".to_owned(),
                self.text.chars().take(URL_TEXT_LIMIT).collect(),
            ),
        ];
        if self.compare {
            query.push(("compare".into(), "1".into()));
        }
        if !self.masked.is_empty() {
            query.push(("mask".into(), join(&self.masked, usize::to_string)));
        }
        if !self.heads_off.is_empty() {
            query.push(("off".into(), join(&self.heads_off, |&p| pair_text(p))));
        }
        // The default head is left out, keeping the common URL short.
        if self.head != (0, 0) {
            query.push(("head".into(), pair_text(self.head)));
        }
        query
    }

    /// The interventions every engine runs with.
    ///
    /// No temperature and no inspected head: the live page shows what the models compute,
    /// and only the step-through asks core for a head's intermediates.
    pub fn interventions(&self) -> Interventions {
        Interventions {
            masked_tokens: self.masked.clone(),
            heads_off: self.heads_off.clone(),
            ..Interventions::default()
        }
    }

    /// Masks position `t`, or unmasks it.
    pub fn toggle_mask(&mut self, t: usize) {
        toggle(&mut self.masked, t);
    }

    /// Switches a head off, or on again.
    pub fn toggle_head(&mut self, head: (usize, usize)) {
        toggle(&mut self.heads_off, head);
    }
}

/// Removes `item` from the sorted `items` if present, else inserts it in order, so the
/// list stays sorted and unique without a sort per click.
fn toggle<T: Ord>(items: &mut Vec<T>, item: T) {
    match items.binary_search(&item) {
        Ok(i) => {
            items.remove(i);
        }
        Err(i) => items.insert(i, item),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::route::Location;

    #[test]
    fn settings_round_trip_through_the_url() {
        let mut settings = LiveSettings {
            text: "a <b> & ü 🙂".into(),
            model: catalog::classifier("topic-bilstm").unwrap(),
            compare: true,
            ..LiveSettings::default()
        };
        settings.toggle_mask(3);
        settings.toggle_mask(1);
        settings.toggle_head((1, 2));
        settings.head = (1, 3);
        let location = Location {
            route: crate::route::Route::Home,
            query: settings.to_query(),
        };
        let back = Location::parse(&location.to_hash());
        let (parsed, notices) = LiveSettings::from_query(&back.query);
        assert_eq!(parsed, settings);
        assert!(notices.is_empty(), "{notices:?}");
        assert_eq!(parsed.masked, vec![1, 3]);
        let iv = parsed.interventions();
        assert_eq!((iv.masked_tokens, iv.heads_off), (vec![1, 3], vec![(1, 2)]));
    }

    #[test]
    fn garbage_is_ignored_with_a_notice() {
        let query: Query = [
            ("model", "gpt-9"),
            ("mask", "1,x"),
            ("off", "0.1,9"),
            ("head", "99.0"),
            ("zzz", "1"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let (settings, notices) = LiveSettings::from_query(&query);
        assert_eq!(settings, LiveSettings::default());
        assert_eq!(notices.len(), 5, "{notices:?}");
    }

    #[test]
    fn toggles_flip_and_stay_sorted() {
        let mut settings = LiveSettings::default();
        settings.toggle_head((1, 0));
        settings.toggle_head((0, 3));
        assert_eq!(settings.heads_off, vec![(0, 3), (1, 0)]);
        settings.toggle_head((1, 0));
        assert_eq!(settings.heads_off, vec![(0, 3)]);
    }

    #[test]
    fn long_text_is_cut_in_the_url_only() {
        let settings = LiveSettings {
            text: "x".repeat(10_000),
            ..LiveSettings::default()
        };
        let query = settings.to_query();
        assert_eq!(query[1].1.len(), URL_TEXT_LIMIT);
        assert_eq!(settings.text.len(), 10_000);
    }
}

//! What the step-through shows, as kept in the URL:
//! `#/steps?model=sentiment-transformer&text=not%20bad&layer=0&head=1&query=2&mask=1&step=4`.

use crate::engine::catalog::{self, ModelInfo, CLASSIFIERS};
use crate::route::{Query, MAX_POSITION};

/// What the step-through shows, kept in the URL.
#[derive(Debug, Clone, PartialEq)]
pub struct StepSettings {
    /// The model.
    ///
    /// Read from the URL through `catalog::steppable_named`, so the decoder and a model the
    /// visitor brought in this tab (`model=user-1`) are found too; after a reload a brought
    /// one is not, and the default is shown.
    pub model: &'static ModelInfo,
    /// The sentence.
    pub text: String,
    /// Layer and head (Transformer).
    ///
    /// 0-based, as in the URL; not checked against the model here (the pickers list only the
    /// model's layers and heads once its maps are known).
    pub head: (usize, usize),
    /// The query token (Transformer).
    ///
    /// 0-based; a query past the sentence's end shows the last token (`head_steps` clamps it).
    pub query: usize,
    /// Masked token positions.
    pub masked: Vec<usize>,
    /// The step shown (0-based).
    ///
    /// May be past the last step; the view shows the last one then.
    pub step: usize,
}

impl StepSettings {
    /// From the URL: `model`, `text`, `layer`, `head`, `query`, `mask`, `step` (numbers from 0).
    pub fn from_query(query: &Query) -> (Self, Vec<String>) {
        let mut s = Self {
            model: &CLASSIFIERS[0],
            text: String::new(),
            head: (0, 0),
            query: 0,
            masked: vec![],
            step: 0,
        };
        let mut notices = Vec::new();
        let mut text = None;
        // The same bound as `route::MAX_POSITION`: any index beyond it is a malformed URL rather
        // than a long sentence.
        let number = |v: &str| v.trim().parse::<usize>().ok().filter(|&n| n < MAX_POSITION);
        // Each parameter is applied as it comes, so a later duplicate wins; a value that does not
        // parse leaves the default in place and adds one notice.
        for (key, value) in query {
            let ok = match key.as_str() {
                "model" => catalog::steppable_named(value)
                    .map(|m| s.model = m)
                    .is_some(),
                "text" => {
                    text = Some(value.clone());
                    true
                }
                "layer" => number(value).map(|n| s.head.0 = n).is_some(),
                "head" => number(value).map(|n| s.head.1 = n).is_some(),
                "query" => number(value).map(|n| s.query = n).is_some(),
                "step" => number(value).map(|n| s.step = n).is_some(),
                "mask" => crate::route::parse_list(value, number)
                    .map(|m| s.masked = m)
                    .is_some(),
                // An app parameter: the app strips it before a view sees its query, but it is
                // accepted here too rather than reported as unknown.
                "present" => true,
                _ => false,
            };
            if !ok {
                notices.push(format!("Ignored {key}=“{value}”."));
            }
        }
        // The text is applied after the loop because its default depends on the model, which
        // may come later in the URL. The second example (when there is one) is the default.
        s.text =
            text.unwrap_or_else(|| s.model.examples[1.min(s.model.examples.len() - 1)].to_owned());
        (s, notices)
    }

    /// The settings as URL parameters (the text cut to the URL limit).
    pub fn to_query(&self) -> Query {
        // Order matters only for readability: the URL reads model, text, then the head's place.
        let mut q: Query = vec![
            ("model".into(), self.model.name.into()),
            // Cut to 2000 characters (as the embed's "Open in attnscope" link is) so a pasted
            // page of text does not become the address; a reload loses the rest.
            ("text".into(), self.text.chars().take(2000).collect()),
        ];
        // A BiLSTM has no layer, head or query token, so its URL leaves them out.
        if self.model.transformer {
            q.push(("layer".into(), self.head.0.to_string()));
            q.push(("head".into(), self.head.1.to_string()));
            q.push(("query".into(), self.query.to_string()));
        }
        if !self.masked.is_empty() {
            let list: Vec<String> = self.masked.iter().map(usize::to_string).collect();
            q.push(("mask".into(), list.join(",")));
        }
        q.push(("step".into(), self.step.to_string()));
        q
    }
}
